// Tokenizer, Patch size and the paper's key knob, Latent dimension, with live readouts
// (D, variance kept, reconstruction PSNR) and before/after reconstructions from a preview fit.
import { useEffect } from 'react';
import { patchDim, patchSizeChoices, type TokenizerKind } from '../../ldae/config';
import { TOKENIZER_FIELDS } from '../../ldae/tokenizers/fields';
import type { ImageShape } from '../../types/data';
import { Field, describedBy } from '../controls/Field';
import { SelectKnob, SliderKnob } from '../controls/knobs';
import { requestTokenizerPreview, tokenizerDisplayKey } from '../store/actions';
import { useConfigStore } from '../store/configStore';
import { useDatasetShape, useEngineStore } from '../store/engineStore';
import { setKnob, useKnob } from '../store/hooks';
import { useTokenizerStore } from '../store/tokenizerStore';
import { FloatImageCanvas } from '../visualizer/FloatImageCanvas';

const TOKENIZER_OPTIONS: { value: TokenizerKind; label: string }[] = [
  { value: 'pca', label: 'patch-wise PCA (l-DAE)' },
  { value: 'pixel', label: 'pixels (identity, d = D)' },
  { value: 'patch-ae', label: 'patch-wise AE' },
  { value: 'patch-vae', label: 'patch-wise VAE' },
  { value: 'conv-vae', label: 'conv VAE' },
];
/** Tokenizers cheap enough to refit on every slider move (no gradient training). */
const LIVE_PREVIEW: TokenizerKind[] = ['pca', 'pixel'];

/** Only patch sizes that tile the current dataset's side; the current value too when it is valid but not usual (e.g. 1 from the URL). */
function PatchSizeSelect({ shape }: { shape: ImageShape | null }) {
  const { value, changed, problems } = useKnob('patchSize');
  const id = 'knob-patchSize';
  const side = shape?.height ?? null;
  const C = shape?.channels ?? 1;
  const sizes = side === null ? [value] : [...new Set([...patchSizeChoices(side), ...(side % value === 0 ? [value] : [])])].sort((a, b) => a - b);
  const tokens = (p: number) => (side !== null && side % p === 0 ? `${(side / p) ** 2} tokens` : 'tokens once the dataset is loaded');
  const why =
    `D = P×P×C = ${value * value * C} values per patch; the image becomes ${tokens(value)}. The paper uses 16×16×3 = 768 on ImageNet (196 tokens); ` +
    (side === 32 ? '4 or 8 px patches keep that ratio at 32×32.' : '4–7 px patches keep that ratio at 28×28.');
  return (
    <Field id={id} field="patchSize" label="Patch size" why={why} problems={problems} changed={changed}>
      <select id={id} value={value} aria-describedby={describedBy(id, why, problems)} onChange={(e) => setKnob('patchSize', Number(e.target.value))}>
        {sizes.map((p) => (
          <option key={p} value={p}>
            {p}×{p} ({tokens(p)})
          </option>
        ))}
      </select>
    </Field>
  );
}

export function TokenizerPanel() {
  const config = useConfigStore((s) => s.config);
  const datasetReady = useEngineStore((s) => s.dataset.meta?.id === config.dataset && s.dataset.progress === null);
  const summary = useTokenizerStore((s) => s.summary);
  const pendingKey = useTokenizerStore((s) => s.pendingKey);
  const shape = useDatasetShape(config.dataset);
  const D = patchDim(config, shape?.channels ?? 1);
  const live = LIVE_PREVIEW.includes(config.tokenizer);
  const wantedKey = tokenizerDisplayKey(config);
  const shownKey = summary ? tokenizerDisplayKey({ tokenizer: summary.kind, patchSize: summary.patchSize, latentDim: summary.latentDim }) : null;
  const stale = summary !== null && shownKey !== wantedKey && !(config.tokenizer === 'pixel' && summary.kind === 'pixel' && summary.patchDim === D);

  const fitKey = JSON.stringify(TOKENIZER_FIELDS.map((f) => config[f]));
  useEffect(() => {
    if (datasetReady && live) requestTokenizerPreview(useConfigStore.getState().config);
  }, [datasetReady, live, fitKey]);

  const readout = summary && (
    <span data-testid="variance-readout" className={stale ? 'stale' : undefined}>
      D = {summary.patchDim} · d = {summary.latentDim} · variance kept {(summary.varianceKept * 100).toFixed(1)} % · PSNR {summary.reconPsnr.toFixed(1)} dB
      <span data-testid="tokenizer-origin" className="muted">
        {' · '}
        {summary.fromCache ? 'restored from cache' : `fitted in ${summary.fitSeconds.toFixed(1)} s`}
      </span>
    </span>
  );

  return (
    <section className="panel" aria-labelledby="tokenizer-heading" data-tour="tokenizer">
      <h2 id="tokenizer-heading">Tokenizer</h2>
      <SelectKnob
        field="tokenizer"
        label="Tokenizer"
        options={TOKENIZER_OPTIONS}
        why="Paper: which tokenizer matters little (PCA 65.1, AE 64.7, VAE 64.9 at d = 32); PCA needs no training, one eigendecomposition of patch covariance."
      />
      <PatchSizeSelect shape={shape} />
      <SliderKnob
        field="latentDim"
        label="Latent dimension"
        min={1}
        max={D}
        disabled={config.tokenizer === 'pixel'}
        format={(v) => (config.tokenizer === 'pixel' ? `d = D = ${D}` : `d = ${v} of D = ${D}`)}
        why="The knob that matters most: too small a d loses the image, too large lets noise hide in directions the network can ignore (ImageNet PCA: 56.0 at d = 8, 65.1 at 32, 60.0 at 64)."
      />
      <div className="readout" aria-live="polite">
        {readout ?? <span className="muted">{datasetReady ? 'Fitting the tokenizer…' : 'Waiting for the dataset…'}</span>}
        {pendingKey && <span className="muted"> · updating…</span>}
        {!live && stale && (
          <div>
            <span className="muted">Learned tokenizers train for {config.tokenizerSteps} steps: </span>
            <button type="button" onClick={() => requestTokenizerPreview(config)} disabled={!datasetReady || pendingKey !== null}>
              Fit tokenizer preview
            </button>
          </div>
        )}
      </div>
      {summary && (
        <div className={`recon${stale ? ' stale' : ''}`} data-testid="reconstructions">
          <span className="muted">before (held-out test images)</span>
          <FloatImageCanvas images={summary.originals} indices={range(summary.originals.count)} options={{ scale: 1, gap: 2 }} label="held-out images" />
          <span className="muted">after: decode(encode(x)) at d = {summary.latentDim}</span>
          <FloatImageCanvas
            images={summary.reconstructions}
            indices={range(summary.reconstructions.count)}
            options={{ scale: 1, gap: 2 }}
            label={`reconstructions at d = ${summary.latentDim}`}
            testId="reconstruction-canvas"
          />
        </div>
      )}
    </section>
  );
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

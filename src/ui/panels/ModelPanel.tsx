import { MODEL_SIZE_PRESETS } from '../../ldae/config';
import { SIZE_PRESETS } from '../../ldae/model/sizes';
import { NumberKnob, SelectKnob } from '../controls/knobs';
import { useConfigStore } from '../store/configStore';
import { useRunStore } from '../store/runStore';

function compact(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}

const OPTIONS = [
  ...MODEL_SIZE_PRESETS.map((m) => {
    const p = SIZE_PRESETS[m];
    return { value: m, label: `${m}: width ${p.width}, ${p.depth} blocks, ${p.heads} heads` };
  }),
  { value: 'custom' as const, label: 'custom: width, blocks and heads below' },
];

export function ModelPanel() {
  const model = useRunStore((s) => s.model);
  const runConfig = useRunStore((s) => s.runConfig);
  const draft = useConfigStore((s) => s.config);
  const sameShape =
    runConfig &&
    runConfig.modelSize === draft.modelSize &&
    (draft.modelSize !== 'custom' ||
      (runConfig.modelWidth === draft.modelWidth && runConfig.modelDepth === draft.modelDepth && runConfig.modelHeads === draft.modelHeads));
  const current = model && sameShape && runConfig.patchSize === draft.patchSize;
  return (
    <section className="panel" aria-labelledby="model-heading" data-tour="model">
      <h2 id="model-heading">Model</h2>
      <SelectKnob
        field="modelSize"
        label="Model size"
        options={OPTIONS}
        why="A DiT-style ViT; the representation is its middle block (encoder = first half). The notes' 0.74M-param reference is tiny."
      />
      {draft.modelSize === 'custom' && (
        <div className="field-pair">
          <NumberKnob field="modelWidth" label="Width" why="16 to 512, a multiple of the heads." />
          <NumberKnob field="modelDepth" label="Blocks" why="2 to 16; the middle block floor(blocks / 2) is probed." />
          <NumberKnob field="modelHeads" label="Heads" why="1 to 16, at least 4 channels per head." />
        </div>
      )}
      <p className="readout" data-testid="model-summary">
        {current && model
          ? `${compact(model.params)} parameters · ${compact(model.flopsPerImage)}FLOPs per training image (${compact(model.forwardFlopsPerImage)}FLOPs forward) · ${model.tokens} tokens`
          : 'Parameters and FLOPs per image are shown once the model is built (Start training).'}
      </p>
    </section>
  );
}

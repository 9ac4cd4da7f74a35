import { MODEL_SIZES, type ModelSize } from '../../ldae/config';
import { SIZE_PRESETS } from '../../ldae/model/sizes';
import { SelectKnob } from '../controls/knobs';
import { useConfigStore } from '../store/configStore';
import { useRunStore } from '../store/runStore';

function compact(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}

export function ModelPanel() {
  const model = useRunStore((s) => s.model);
  const runConfig = useRunStore((s) => s.runConfig);
  const draft = useConfigStore((s) => s.config);
  const current = model && runConfig && runConfig.modelSize === draft.modelSize && runConfig.patchSize === draft.patchSize;
  const options = MODEL_SIZES.map((m: ModelSize) => {
    const p = SIZE_PRESETS[m];
    return { value: m, label: `${m}: width ${p.width}, ${p.depth} blocks, ${p.heads} heads` };
  });
  return (
    <section className="panel" aria-labelledby="model-heading">
      <h2 id="model-heading">Model</h2>
      <SelectKnob
        field="modelSize"
        label="Model size"
        options={options}
        why="A DiT-style ViT; the representation is its middle block (encoder = first half). The notes' 0.74M-param reference is tiny."
      />
      <p className="readout" data-testid="model-summary">
        {current && model
          ? `${compact(model.params)} parameters · ${compact(model.flopsPerImage)}FLOPs per training image (${compact(model.forwardFlopsPerImage)}FLOPs forward) · ${model.tokens} tokens`
          : 'Parameters and FLOPs per image are shown once the model is built (Start training).'}
      </p>
    </section>
  );
}

// How the representation is read out and measured: the linear probe's settings. The defaults are
// the paper's protocol (middle block, mean-pooled, parameter-free BatchNorm, linear classifier).
import { CheckboxKnob, NumberKnob, SelectKnob } from '../controls/knobs';

export function ProbePanel() {
  return (
    <section className="panel" aria-labelledby="probe-heading">
      <h2 id="probe-heading">Probe</h2>
      <SelectKnob
        field="probeFeatures"
        label="Probe features"
        options={[
          { value: 'middle', label: 'middle block, mean-pooled (paper)' },
          { value: 'mean-of-blocks', label: 'mean of all blocks, mean-pooled (beyond the paper)' },
        ]}
        why="The paper probes the middle block's output. The mean over every block's pooled output is beyond the paper's protocol."
      />
      <CheckboxKnob
        field="probeNoise"
        label="Noisy probe input"
        why="Off (paper): the clean γ_t·enc(x) at the probe's t. On: plus σ_t·ε in the latent space, the same noise per image at every evaluation."
      />
      <details className="more-settings">
        <summary>Linear probe settings</summary>
        <NumberKnob
          field="probeWeightDecay"
          label="Probe weight decay"
          step="any"
          why="L2 on the probe's weights (0.01 default; standard recipes use none and a learning-rate grid)."
        />
        <div className="field-pair">
          <NumberKnob field="probeSteps" label="Probe steps" why="Adam steps of batch 512, whole epochs (200 default)." />
          <NumberKnob field="probeLr" label="Probe learning rate" step="any" why="Peak lr, cosine to 0 (0.04 default)." />
        </div>
      </details>
    </section>
  );
}

import { LATENT_SCALINGS } from '../../ldae/config';
import { CheckboxKnob, NumberKnob, SelectKnob } from '../controls/knobs';

export function TrainingPanel() {
  return (
    <section className="panel" aria-labelledby="training-heading">
      <h2 id="training-heading">Training</h2>
      <div className="field-pair">
        <NumberKnob field="batchSize" label="Batch size" why="Paper: 2048 on ImageNet; small batches train faster per step here." />
        <NumberKnob field="lr" label="Learning rate" step="any" why="AdamW, warm-up then cosine (paper: 8e-4, no weight decay)." />
      </div>
      <div className="field-pair">
        <NumberKnob field="steps" label="Steps" why="Longer is better: 400 / 800 / 1600 epochs gave 65.0 / 67.5 / 69.6." />
        <NumberKnob field="seed" label="Seed" why="Seeds the tokenizer fit, initialisation, batches and noise: the same seed repeats a run." />
      </div>
      <div className="field-pair">
        <NumberKnob
          field="augmentShift"
          label="Random shift (px)"
          why="Training images only: zero-pad by k px, crop a random window per image (paper: no augmentation; random crop +0.5)."
        />
        <CheckboxKnob field="augmentFlip" label="Random horizontal flip" why="Off by default: wrong for digits (a mirrored 2 or 7 is no digit)." />
      </div>
      <NumberKnob
        field="emaDecay"
        label="EMA decay of weights"
        step="any"
        why="0 = off. Otherwise the probes read an average of the weights over about 1 / (1 − decay) steps, starting from the initial weights: keep that well below the run's length."
      />
      <NumberKnob field="probeEvery" label="Probe every K steps" why="Linear and kNN probes on the frozen middle block; they cost forward passes over the probe set (0 = only at the end)." />
      <details className="more-settings">
        <summary>More settings</summary>
        <NumberKnob field="warmupSteps" label="Warm-up steps" />
        <NumberKnob field="weightDecay" label="Weight decay" step="any" />
        <NumberKnob field="gradClip" label="Gradient clip (global norm)" step="any" />
        <NumberKnob field="metricsEvery" label="Metrics every N steps" why="One device read-back per N steps: fewer read-backs, faster training." />
        <NumberKnob field="probeTrainSize" label="Probe train images" />
        <NumberKnob field="probeTestSize" label="Probe test images" />
        <NumberKnob field="probeT" label="Probe noise level t" step="any" why="Paper: the representation is read at t = 10 of 1000." />
        <NumberKnob field="tokenizerSamples" label="Tokenizer patches" why="Random training patches for the PCA / tokenizer fit." />
        <SelectKnob field="latentScaling" label="Latent scaling" options={LATENT_SCALINGS.map((v) => ({ value: v, label: v }))} why="unit-rms: latents scaled to unit RMS (our choice; the paper is silent)." />
        <NumberKnob field="tokenizerSteps" label="Tokenizer training steps" why="For the AE / VAE tokenizers." />
        <NumberKnob field="vaeBeta" label="VAE β" step="any" why="Weight of the KL term for the VAE tokenizers." />
      </details>
    </section>
  );
}

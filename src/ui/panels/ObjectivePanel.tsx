import { CheckboxKnob, SelectKnob } from '../controls/knobs';

export function ObjectivePanel() {
  return (
    <section className="panel" aria-labelledby="objective-heading" data-tour="objective">
      <h2 id="objective-heading">Objective</h2>
      <SelectKnob
        field="target"
        label="Prediction target"
        options={[
          { value: 'eps', label: 'noise ε (DiT)' },
          { value: 'z0', label: 'clean latent z0' },
          { value: 'x0', label: 'original image x0 (l-DAE)' },
        ]}
        why="Predicting z0 instead of ε cost 2.7 points on its own (62.4), but predicting the original image x0 with the PCA-weighted loss is l-DAE (64.5)."
      />
      <CheckboxKnob
        field="inputScaling"
        label="Input scaling"
        why="On: z_t = γ_t z0 + σ_t ε (variance preserving). Off: z_t = z0 + σ_t ε; the paper removed it at no cost (63.6)."
      />
      <SelectKnob
        field="inputSpace"
        label="Input space"
        options={[
          { value: 'latent', label: 'latent tokens z_t' },
          { value: 'pixel', label: 'pixels Vᵀz_t (inverse PCA)' },
        ]}
        why="Feeding the network the noisy latent projected back to pixels lets it be a plain image ViT (63.6, unchanged)."
      />
      <SelectKnob
        field="outputSpace"
        label="Output space"
        options={[
          { value: 'latent', label: 'latent tokens' },
          { value: 'pixel', label: 'pixels' },
        ]}
        why="Predicting in pixel space instead of latents: 63.9."
      />
      <SelectKnob
        field="lossWeighting"
        label="Loss weighting"
        options={[
          { value: 'none', label: 'none (plain MSE)' },
          { value: 'gamma2', label: 'λ_t = γ_t²' },
          { value: 'inv-1p-sigma2', label: 'λ_t = 1 / (1 + σ_t²)' },
          { value: 'pca-weighted', label: 'l-DAE: 1 on the first d PCA components, 0.1 on the rest' },
        ]}
        why="l-DAE weights the error's first d principal components by 1 and the rest by 0.1, times λ_t = 1/(1 + σ_t²)."
      />
      <CheckboxKnob field="tConditioning" label="t-conditioning" why="DiT's adaLN-Zero on t, kept in l-DAE; the probe reads the middle block at a small t." />
    </section>
  );
}

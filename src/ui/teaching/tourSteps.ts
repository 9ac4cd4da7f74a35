// The guided tour: one step per panel, each explaining it with the paper's reasoning. Plain data
// (no DOM): `target` is a CSS selector of the highlighted element; a step whose element is not on
// the page (hidden by a classroom link, or in the closed settings drawer) is shown centred.
export interface TourStep {
  target: string;
  title: string;
  text: string;
}

export const TOUR_STEPS: readonly TourStep[] = [
  {
    target: '[data-tour="run-controls"]',
    title: 'Train a denoising autoencoder in your browser',
    text:
      'The paper (Chen, Liu, Xie, He 2024) takes a diffusion model apart, piece by piece, to see which pieces make it learn good image features. ' +
      'What is left, l-DAE, is a classic denoising autoencoder. Start training (or press Space) and watch the charts; Pause, Step and Reset are here too.',
  },
  {
    target: '[data-tour="preset"]',
    title: 'The paper’s trajectory',
    text:
      'Each preset is one row of the paper’s deconstruction, from a DiT-style diffusion model to l-DAE: one change per row. ' +
      'On ImageNet the linear-probe accuracy goes up while the generated images get worse (FID 11.6 to 93): generating and representing are different goals.',
  },
  {
    target: '[data-tour="dataset"]',
    title: 'The data',
    text:
      'Small grey 28×28 images (or your own). Nothing here uses the labels during training: they are used only afterwards, to measure how good the learned features are.',
  },
  {
    target: '[data-tour="tokenizer"]',
    title: 'What a tokenizer is',
    text:
      'A tokenizer turns each P×P patch of D = P·P·C pixels into a short vector of d numbers (a token). l-DAE uses patch-wise PCA: z0 = V x0 with the top-d principal directions of patch covariance, no training at all. ' +
      'The paper found the kind of tokenizer matters little (PCA 65.1, AE 64.7, VAE 64.9 %).',
  },
  {
    target: '.field:has(#knob-latentDim)',
    title: 'Why d matters',
    text:
      'The latent dimension d is the knob that matters most. Too small and the tokens lose the image; too large and the noise can hide in directions the network is free to ignore. ' +
      'On ImageNet PCA gave 56.0 % at d = 8, 65.1 % at 32 and 60.0 % at 64. Move the slider: the reconstructions and the variance kept follow.',
  },
  {
    target: '[data-tour="tokenizer-basis"]',
    title: 'The basis the noise lives in',
    text:
      'These are the PCA basis patches (eigen-patches), most important first, and the cumulative explained variance with d marked. Noise is added only in these d directions, so it looks like smooth blotches, not speckle.',
  },
  {
    target: '[data-tour="noise"]',
    title: 'What the noise does',
    text:
      'Training adds Gaussian noise to the latents, z_t = z0 + σ_t ε, at a random level t, and asks the network to undo it. To denoise, it must know what images look like: that knowledge is the representation. ' +
      'Noisier schedules helped most in the paper (+4.4 points); l-DAE keeps γ_t = 1 and σ_t linear up to √2.',
  },
  {
    target: '[data-tour="objective"]',
    title: 'Why predict x0 in pixels',
    text:
      'l-DAE projects the noisy latent back to pixels (Vᵀz_t) so the network is a plain image ViT, and predicts the original image x0, weighting the error’s first d principal components by 1 and the rest by 0.1. ' +
      'Predicting the noise ε is what generators do; predicting the clean image is what a denoising autoencoder does (64.5 % in the paper).',
  },
  {
    target: '[data-tour="model"]',
    title: 'The network',
    text:
      'A small DiT-style vision transformer conditioned on t. Its middle block is the representation: the first half of the blocks acts as the encoder, the second half as the decoder.',
  },
  {
    target: '[data-tour="visualizer"]',
    title: 'Watch it denoise',
    text:
      'Rows are noise levels t, columns the clean image, its noised version, what the network sees, its prediction and the per-patch error. At high t the network must guess from what it has learned about images.',
  },
  {
    target: '[data-tour="runs"]',
    title: 'Compare runs, replay the paper',
    text:
      'Every run is kept in this browser with its settings and curves. Tick runs to overlay them on the charts, choose a reference to see what each changed, ' +
      'and Replay the paper to run its seven rows one after another and set our numbers beside the paper’s. A run cut off by a reload can be resumed from its checkpoint.',
  },
  {
    target: '[data-tour="charts"]',
    title: 'What the probe measures',
    text:
      'The loss says how well the network denoises, not how good its features are. The probe does: freeze the network, read the middle block at a small t, average over tokens and fit a linear classifier on labelled images (and a kNN, with no training). ' +
      'The raw-pixel line is the same classifier on the pixels themselves (about 85 % on Fashion-MNIST): features earn their keep only above it. Every chart has a data table.',
  },
];

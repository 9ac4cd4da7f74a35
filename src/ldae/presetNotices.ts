// "What to notice": for each preset, what to watch in the charts and the visualizer (teaching
// text, shown beside the preset). Record<PresetId, ...>: a new preset without a notice does not compile.
import type { PresetId } from './presets';

export const PRESET_NOTICES: Record<PresetId, string> = {
  'dit-baseline':
    'The network predicts the noise eps in the PCA latent space on the DDPM schedule. ' +
    'At high t in the visualizer the best guess of eps is almost the noisy input itself, so those levels teach little about images. ' +
    'Its loss is on the scale of eps (unit variance), not of the image: compare this row with the others by the probe, not by the loss.',
  'linear-gamma':
    'Only the noise schedule changes: gamma_t^2 falls linearly, so more of training happens at high noise. ' +
    'In the visualizer, see how early in t the object disappears compared with the DDPM row; ' +
    'in the paper this noisier schedule was worth +4.4 points (59.0 to 63.4), the largest gain among these rows.',
  'predict-z0':
    'The target becomes the clean latent z0 instead of the noise. ' +
    'The denoised rows now show the predicted image directly, and the loss measures reconstruction, so it sits on a different scale from the eps row. ' +
    'The paper lost a little here (65.1 to 62.4); the next rows win it back.',
  'no-input-scaling':
    'gamma_t = 1: the clean latent keeps its scale and noise is only added on top (sigma_t up to sqrt 2). ' +
    'Compare the noisy rows with the previous row: the image no longer fades towards grey, it drowns in noise. ' +
    'The loss weight 1 / (1 + sigma_t^2) keeps the noisiest levels from dominating.',
  'pixel-input':
    'The network sees pixels, V^T z_t, instead of the d latent numbers per patch. ' +
    'The noise now lives only in the d principal directions of each patch: in the visualizer it looks like smooth blotches, not white speckle. ' +
    'Same information as the previous row, another input space; watch whether the probe curve moves.',
  'pixel-output':
    'The network outputs pixels and is compared with V^T z0, the PCA reconstruction. ' +
    'The denoised rows can only be as sharp as that reconstruction: look at fine edges next to the clean image. ' +
    'The next row targets the original image instead.',
  ldae:
    'The final row: predict the original image x0, with weight 1 on the d principal directions of the error and 0.1 on the rest. ' +
    'Watch the probe chart against its three lines: far above random init, close to the latents z0, below raw pixels at this scale. ' +
    'The kNN curve needs no probe training, so it shows the features as they are.',
  'ldae-tuned':
    'The l-DAE objective trained on images shifted by up to 2 pixels, probed with a longer linear probe. ' +
    'Compare with the l-DAE row: most of the linear gain comes from the probe, while the kNN curve, which has no probe to tune, barely moves. ' +
    'The raw-pixel line is raw pixels at their best probe settings, so the gap you see is the honest one.',
};

// Patchify / unpatchify with reshape + transpose only, so both are differentiable in tfjs.
// Layout (every tokenizer, the PCA basis and the loss use it): tokens are row-major over the patch
// grid, token n = (y / P) * (W / P) + (x / P); inside a patch the D = P*P*C numbers are [P, P, C]
// row-major with the channel last, so pixel (y, x, c) of the image is entry
// ((y % P) * P + (x % P)) * C + c of its token (the R, G, B of one pixel are adjacent).
import * as tf from '@tensorflow/tfjs';

/** images [B, H, W, C] -> patches [B, N, D] with N = (H/P)(W/P), D = P*P*C. */
export function patchify(images: tf.Tensor4D, P: number): tf.Tensor3D {
  const [B, H, W, C] = images.shape;
  if (H % P !== 0 || W % P !== 0) throw new Error(`patch size ${P} must divide the image side ${H}x${W}`);
  const gh = H / P;
  const gw = W / P;
  return tf.tidy(() =>
    images
      .reshape([B, gh, P, gw, P * C])
      .transpose([0, 1, 3, 2, 4])
      .reshape([B, gh * gw, P * P * C]),
  );
}

/** patches [B, N, D] -> images [B, side, side, C] (square images, N = (side/P)^2, C = D / P^2). */
export function unpatchify(patches: tf.Tensor3D, P: number, side: number): tf.Tensor4D {
  const [B, N, D] = patches.shape;
  const g = side / P;
  if (!Number.isInteger(g) || g * g !== N) throw new Error(`${N} patches of size ${P} do not tile a ${side}x${side} image`);
  const C = D / (P * P);
  return tf.tidy(() =>
    patches
      .reshape([B, g, g, P, P * C])
      .transpose([0, 1, 3, 2, 4])
      .reshape([B, side, side, C]),
  );
}

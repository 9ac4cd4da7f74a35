// Multi-head scaled dot-product attention softmax(Q K^T / sqrt(hd)) V over [B*N, W] inputs.
//
// Default: heads batched as [B*H, N, hd] and two batched tf.matMul calls (autodiff).
// wasm: tfjs-backend-wasm runs batched matmuls (batch > 1) in a naive scalar loop (~3 GFLOP/s),
// but its depthwise conv is XNNPACK SIMD. A per-(b,h) matmul A[M,K] B[K,N] is exactly a
// depthwise conv with channels c = (b,h), A as the [M, K] image and B as a [1, K] filter with
// channel multiplier N (`channelMatMul`). The wasm path does all six attention matmuls (two
// forward, four backward, hand-written gradient) that way: ~3x faster per matmul here.
import * as tf from '@tensorflow/tfjs';
import { scalarArg } from '../deviceConstants';
import { type HeadLayout, hasHeadMatMul, headMatMul } from './headMatMul';

type CustomGradFn = Parameters<typeof tf.customGrad>[0];

export interface AttentionShape {
  batch: number;
  tokens: number;
  heads: number;
  headDim: number;
}

/** a [M,K,C], b [K,C,N] -> [M,C,N]: out[m,c,n] = sum_k a[m,k,c] b[k,c,n]. */
export function channelMatMul(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  const [m, k, c] = a.shape;
  const n = b.shape[2];
  const out = tf.depthwiseConv2d(tf.reshape(a, [1, m, k, c]) as tf.Tensor4D, tf.reshape(b, [1, k, c, n]) as tf.Tensor4D, 1, 'valid');
  return tf.reshape(out, [m, c, n]);
}

export function attention(q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D, s: AttentionShape): tf.Tensor2D {
  const backend = tf.getBackend();
  if (backend === 'wasm') return attentionWasm(q, k, v, s);
  return hasHeadMatMul(backend) ? attentionHeadsInPlace(q, k, v, s) : attentionBatched(q, k, v, s);
}

/**
 * Through headMatMul.ts's kernel: Q K^T, P V and the four gradient matmuls read q, k, v, dO in
 * their [B*N, W] layout and write O, dQ, dK, dV in it, so no transpose splits or merges the heads.
 * S = scale Q K^T, P = softmax(S), O = P V; dP = dO V^T, dS = P (dP - rowsum(dP P)),
 * dQ = scale dS K, dK = scale dS^T Q, dV = P^T dO.
 */
function attentionHeadsInPlace(q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D, s: AttentionShape): tf.Tensor2D {
  const shape = { batch: s.batch, heads: s.heads, tokens: s.tokens, headDim: s.headDim };
  const scale = 1 / Math.sqrt(s.headDim);
  const mm = (a: tf.Tensor, b: tf.Tensor, aLayout: HeadLayout, bLayout: HeadLayout, outLayout: HeadLayout, transposeA: boolean, transposeB: boolean, sc = 1) =>
    headMatMul(a, b, { ...shape, aLayout, bLayout, outLayout, transposeA, transposeB, scale: sc });
  const f = tf.customGrad(((qs: tf.Tensor2D, ks: tf.Tensor2D, vs: tf.Tensor2D, save: tf.GradSaveFunc) => {
    const p = tf.softmax(mm(qs, ks, 'heads', 'heads', 'plain', false, true, scale));
    save([qs, ks, vs, p]);
    return {
      value: mm(p, vs, 'plain', 'heads', 'heads', false, false),
      gradFunc: (dO: tf.Tensor, saved: tf.Tensor[]) => {
        const [q0, k0, v0, p0] = saved;
        const dP = mm(dO, v0, 'heads', 'heads', 'plain', false, true);
        const dS = tf.mul(p0, tf.sub(dP, tf.sum(tf.mul(dP, p0), -1, true)));
        return [mm(dS, k0, 'plain', 'heads', 'heads', false, false, scale), mm(dS, q0, 'plain', 'heads', 'heads', true, false, scale), mm(p0, dO, 'plain', 'heads', 'heads', true, false)];
      },
    };
  }) as unknown as CustomGradFn) as (q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D) => tf.Tensor2D;
  return f(q, k, v);
}

function attentionBatched(q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D, s: AttentionShape): tf.Tensor2D {
  const { batch: B, tokens: N, heads: H, headDim: hd } = s;
  const split = (x: tf.Tensor2D) => tf.reshape(tf.transpose(tf.reshape(x, [B, N, H, hd]), [0, 2, 1, 3]), [B * H, N, hd]) as tf.Tensor3D;
  const scores = tf.mul(tf.matMul(split(q), split(k), false, true), scalarArg(1 / Math.sqrt(hd)));
  const out = tf.matMul(tf.softmax(scores), split(v));
  return tf.reshape(tf.transpose(tf.reshape(out, [B, H, N, hd]), [0, 2, 1, 3]), [B * N, H * hd]);
}

// Index names below: i = query token, j = key token, d = head channel, c = (b, h) pair.
function attentionWasm(q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D, s: AttentionShape): tf.Tensor2D {
  const { batch: B, tokens: N, heads: H, headDim: hd } = s;
  const C = B * H;
  const W = H * hd;
  const scale = 1 / Math.sqrt(hd);
  // [B*N, W] = [b, n, h, d] -> the layouts channelMatMul needs.
  const asNdc = (x: tf.Tensor) => tf.reshape(tf.transpose(tf.reshape(x, [B, N, H, hd]), [1, 3, 0, 2]), [N, hd, C]) as tf.Tensor3D;
  const asDcn = (x: tf.Tensor) => tf.reshape(tf.transpose(tf.reshape(x, [B, N, H, hd]), [3, 0, 2, 1]), [hd, C, N]) as tf.Tensor3D;
  const asNcd = (x: tf.Tensor) => tf.reshape(tf.transpose(tf.reshape(x, [B, N, W]), [1, 0, 2]), [N, C, hd]) as tf.Tensor3D;
  const fromNcd = (x: tf.Tensor) => tf.reshape(tf.transpose(tf.reshape(x, [N, B, W]), [1, 0, 2]), [B * N, W]) as tf.Tensor2D;

  const f = tf.customGrad(((qs: tf.Tensor2D, ks: tf.Tensor2D, vs: tf.Tensor2D, save: tf.GradSaveFunc) => {
    const p = tf.softmax(tf.mul(channelMatMul(asNdc(qs), asDcn(ks)), scale)) as tf.Tensor3D; // [i,c,j]
    const o = channelMatMul(tf.transpose(p, [0, 2, 1]), asNcd(vs)); // [i,j,c] x [j,c,d] -> [i,c,d]
    save([qs, ks, vs, p]);
    return {
      value: fromNcd(o),
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
        const [q0, k0, v0, p0] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor3D];
        const dP = channelMatMul(asNdc(dy), asDcn(v0)); // [i,d,c] x [d,c,j] -> [i,c,j]
        const dS = tf.mul(tf.mul(p0, tf.sub(dP, tf.sum(tf.mul(dP, p0), -1, true))), scale) as tf.Tensor3D;
        const dV = channelMatMul(tf.transpose(p0, [2, 0, 1]), asNcd(dy)); // [j,i,c] x [i,c,d] -> [j,c,d]
        const dQ = channelMatMul(tf.transpose(dS, [0, 2, 1]), asNcd(k0)); // [i,j,c] x [j,c,d] -> [i,c,d]
        const dK = channelMatMul(tf.transpose(dS, [2, 0, 1]), asNcd(q0)); // [j,i,c] x [i,c,d] -> [j,c,d]
        return [fromNcd(dQ), fromNcd(dK), fromNcd(dV)];
      },
    };
  }) as unknown as CustomGradFn) as (q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D) => tf.Tensor2D;
  return f(q, k, v);
}

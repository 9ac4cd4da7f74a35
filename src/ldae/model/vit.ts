// DiT-style ViT over patch tokens (Peebles & Xie; l-DAE section 3): linear token embedding +
// positions, sinusoidal t embedding -> MLP -> c, blocks with adaLN-Zero (pre-LN without affine,
// multi-head self-attention, GELU MLP), final adaLN + linear head. The first half of the blocks
// is the encoder; `features` returns the middle block's output (block floor(depth/2)).
//
// Choices where the paper/DiT leave room, and why:
// - Each block has its own adaLN linear SiLU(c) -> 6 x width (DiT), zero-initialised.
// - tConditioning off: no t embedding; each block's modulations are a learned constant vector
//   (zero init), i.e. LayerNorm affine + zero-init gates (adaLN with a constant c).
// - Head zero-initialised as in DiT: a fresh model predicts 0 and every block is the identity,
//   so the first loss is E|target|^2 exactly; Adam moves the head at lr scale on step 1 anyway.
// - Q, K and V are three [W,W] linears (initialised with the Xavier bound of DiT's fused
//   [W,3W] qkv linear, so the same distribution): slicing a fused output copies the whole
//   tensor on wasm. Attention itself is in attention.ts (a faster formulation on wasm).
// - GELU is the tanh approximation, as in DiT.
import * as tf from '@tensorflow/tfjs';
import { attention } from './attention';
import { T_FREQ_DIM, sincosPositions, timestepEmbedding, timestepFrequencies } from './embeddings';
import { forwardFlopsPerImage } from './flops';
import { ParamFactory } from './init';
import { gelu, linear, modulatedLayerNorm, silu } from './layers';
import type { ViT, ViTConfig } from './types';

interface BlockParams {
  /** adaLN: SiLU(c) @ wMod + bMod -> 6 x W; wMod is null without t-conditioning. */
  wMod: tf.Variable | null;
  bMod: tf.Variable;
  wQ: tf.Variable;
  bQ: tf.Variable;
  wK: tf.Variable;
  bK: tf.Variable;
  wV: tf.Variable;
  bV: tf.Variable;
  wProj: tf.Variable;
  bProj: tf.Variable;
  wFc1: tf.Variable;
  bFc1: tf.Variable;
  wFc2: tf.Variable;
  bFc2: tf.Variable;
}

/** Modulation vectors per block: shift/scale/gate for attention, then for the MLP (DiT order). */
const MODS_PER_BLOCK = 6;
const MODS_FINAL = 2;

let modelCounter = 0;

export function createViT(config: ViTConfig, seed: number): ViT {
  const { tokens: N, inDim, outDim, width: W, depth, heads: H, condHidden: C } = config;
  if (W % H !== 0) throw new Error(`ViT width ${W} must be divisible by heads ${H}`);
  if (depth < 2) throw new Error(`ViT depth ${depth} must be at least 2 (encoder = the first floor(depth/2) blocks)`);
  const middle = Math.floor(depth / 2);
  const hd = W / H;
  const hidden = config.mlpRatio * W;

  const p = new ParamFactory(seed, `vit${modelCounter++}`);
  const wEmbed = p.xavier('embed/w', inDim, W);
  const bEmbed = p.zeros('embed/b', [W]);
  const constants: tf.Tensor[] = [];
  const pos =
    config.positions === 'learned'
      ? p.normal('pos', [N, W], 0.02)
      : keep(tf.tensor2d(sincosPositions(N, W)));

  // t conditioning (DiT TimestepEmbedder: normal(0.02) weights) or constant modulations.
  const tCond = config.tConditioning;
  const freqs = tCond ? keep(timestepFrequencies()) : null;
  const tMlp = tCond
    ? {
        w1: p.normal('t_mlp/w1', [T_FREQ_DIM, C], 0.02),
        b1: p.zeros('t_mlp/b1', [C]),
        w2: p.normal('t_mlp/w2', [C, C], 0.02),
        b2: p.zeros('t_mlp/b2', [C]),
      }
    : null;
  const modulation = (name: string, count: number) => ({
    wMod: tCond ? p.zeros(`${name}/adaLN/w`, [C, count * W]) : null,
    bMod: p.zeros(`${name}/adaLN/b`, [count * W]),
  });

  const qkvBound = Math.sqrt(6 / (W + 3 * W));
  const blocks: BlockParams[] = [];
  for (let i = 0; i < depth; i++) {
    blocks.push({
      ...modulation(`block${i}`, MODS_PER_BLOCK),
      wQ: p.uniform(`block${i}/q/w`, [W, W], qkvBound),
      bQ: p.zeros(`block${i}/q/b`, [W]),
      wK: p.uniform(`block${i}/k/w`, [W, W], qkvBound),
      bK: p.zeros(`block${i}/k/b`, [W]),
      wV: p.uniform(`block${i}/v/w`, [W, W], qkvBound),
      bV: p.zeros(`block${i}/v/b`, [W]),
      wProj: p.xavier(`block${i}/proj/w`, W, W),
      bProj: p.zeros(`block${i}/proj/b`, [W]),
      wFc1: p.xavier(`block${i}/fc1/w`, W, hidden),
      bFc1: p.zeros(`block${i}/fc1/b`, [hidden]),
      wFc2: p.xavier(`block${i}/fc2/w`, hidden, W),
      bFc2: p.zeros(`block${i}/fc2/b`, [W]),
    });
  }
  const finalMod = modulation('final', MODS_FINAL);
  const wHead = p.zeros('head/w', [W, outDim]);
  const bHead = p.zeros('head/b', [outDim]);

  function keep<T extends tf.Tensor>(t: T): T {
    constants.push(tf.keep(t));
    return t;
  }

  /** SiLU(c) [B,C] (null without t-conditioning) -> the `count` modulation vectors [B or 1, 1, W]. */
  function modulations(siluC: tf.Tensor2D | null, m: { wMod: tf.Variable | null; bMod: tf.Variable }, count: number): tf.Tensor[] {
    const mods = siluC && m.wMod ? linear(siluC, m.wMod as tf.Tensor2D, m.bMod as tf.Tensor1D) : tf.reshape(m.bMod, [1, count * W]);
    return tf.split(mods, count, 1).map((s) => tf.reshape(s, [s.shape[0], 1, W]));
  }

  /** SiLU(c) with c = MLP(sinusoidal(1000 t)), or null without t-conditioning. */
  function conditioning(t: tf.Tensor1D): tf.Tensor2D | null {
    if (!tMlp || !freqs) return null;
    const emb = timestepEmbedding(t, freqs);
    const c = linear(silu(linear(emb, tMlp.w1 as tf.Tensor2D, tMlp.b1 as tf.Tensor1D)) as tf.Tensor2D, tMlp.w2 as tf.Tensor2D, tMlp.b2 as tf.Tensor1D);
    return silu(c) as tf.Tensor2D;
  }

  /** Multi-head self-attention, x [B*N, W] -> [B*N, W]. */
  function selfAttention(x: tf.Tensor2D, b: BlockParams, B: number): tf.Tensor2D {
    const q = linear(x, b.wQ as tf.Tensor2D, b.bQ as tf.Tensor1D);
    const k = linear(x, b.wK as tf.Tensor2D, b.bK as tf.Tensor1D);
    const v = linear(x, b.wV as tf.Tensor2D, b.bV as tf.Tensor1D);
    const merged = attention(q, k, v, { batch: B, tokens: N, heads: H, headDim: hd });
    return linear(merged, b.wProj as tf.Tensor2D, b.bProj as tf.Tensor1D);
  }

  function mlp(x: tf.Tensor2D, b: BlockParams): tf.Tensor2D {
    const h = gelu(linear(x, b.wFc1 as tf.Tensor2D, b.bFc1 as tf.Tensor1D)) as tf.Tensor2D;
    return linear(h, b.wFc2 as tf.Tensor2D, b.bFc2 as tf.Tensor1D);
  }

  /** One DiT block on the residual stream x [B,N,W]. */
  function block(x: tf.Tensor3D, b: BlockParams, siluC: tf.Tensor2D | null, B: number): tf.Tensor3D {
    const [shiftA, scaleA, gateA, shiftM, scaleM, gateM] = modulations(siluC, b, MODS_PER_BLOCK);
    const hA = tf.reshape(modulatedLayerNorm(x, shiftA, scaleA), [B * N, W]) as tf.Tensor2D;
    x = tf.add(x, tf.mul(gateA, tf.reshape(selfAttention(hA, b, B), [B, N, W])));
    const hM = tf.reshape(modulatedLayerNorm(x, shiftM, scaleM), [B * N, W]) as tf.Tensor2D;
    return tf.add(x, tf.mul(gateM, tf.reshape(mlp(hM, b), [B, N, W])));
  }

  function run(
    tokens: tf.Tensor3D,
    t: tf.Tensor1D,
    blocksToRun: number,
    onResidual?: (x: tf.Tensor3D) => void,
  ): { x: tf.Tensor3D; siluC: tf.Tensor2D | null } {
    const [B, n, d] = tokens.shape;
    if (n !== N || d !== inDim) throw new Error(`ViT expects tokens [B,${N},${inDim}], got [${tokens.shape.join(',')}]`);
    const siluC = conditioning(t);
    let x = tf.add(tf.reshape(linear(tf.reshape(tokens, [B * N, inDim]), wEmbed as tf.Tensor2D, bEmbed as tf.Tensor1D), [B, N, W]), pos) as tf.Tensor3D;
    onResidual?.(x);
    for (let i = 0; i < blocksToRun; i++) {
      x = block(x, blocks[i], siluC, B);
      onResidual?.(x);
    }
    return { x, siluC };
  }

  return {
    config,
    variables: p.variables,
    apply(tokens, t) {
      const B = tokens.shape[0];
      const { x, siluC } = run(tokens, t, depth);
      const [shift, scale] = modulations(siluC, finalMod, MODS_FINAL);
      const h = tf.reshape(modulatedLayerNorm(x, shift, scale), [B * N, W]) as tf.Tensor2D;
      return tf.reshape(linear(h, wHead as tf.Tensor2D, bHead as tf.Tensor1D), [B, N, outDim]);
    },
    features(tokens, t) {
      return run(tokens, t, middle).x;
    },
    residuals(tokens, t) {
      const out: tf.Tensor3D[] = [];
      run(tokens, t, depth, (x) => out.push(x));
      return out;
    },
    paramCount() {
      return p.variables.reduce((s, v) => s + v.size, 0);
    },
    forwardFlopsPerImage() {
      return forwardFlopsPerImage(config);
    },
    dispose() {
      for (const v of p.variables) v.dispose();
      for (const c of constants) c.dispose();
    },
  };
}

// A trainer's full state as named float32 tensors, for run bundles (resume after reload, Export
// run, --resume): the ViT weights `vit/<param>` (as in a checkpoint), AdamW's moments
// `adam/m/<param>` and `adam/v/<param>` (per parameter whatever the optimizer's layout), its step
// counter `adam/step` and last lr `adam/lr` (shape []), and the EMA `ema/<param>` when the run
// has one. Names and shapes: docs/bundle-format.md.
import * as tf from '@tensorflow/tfjs';
import { modelWeights, weightName } from '../checkpoint/checkpoint';
import type { NamedTensor } from '../checkpoint/safetensors';
import type { Trainer, TrainerPosition } from '../trainer';

export class TrainerStateError extends Error {}

const paramName = (v: tf.Variable) => weightName(v).replace(/^vit\//, '');

/** What a state for this trainer must hold: name -> shape. */
function expectedShapes(trainer: Trainer): Map<string, number[]> {
  const params = trainer.model.vit.variables;
  const shapes = new Map<string, number[]>();
  for (const v of params) {
    shapes.set(`vit/${paramName(v)}`, [...v.shape]);
    shapes.set(`adam/m/${paramName(v)}`, [...v.shape]);
    shapes.set(`adam/v/${paramName(v)}`, [...v.shape]);
    if (trainer.ema) shapes.set(`ema/${paramName(v)}`, [...v.shape]);
  }
  shapes.set('adam/step', []);
  shapes.set('adam/lr', []);
  return shapes;
}

/** Moments as one entry per parameter: the optimizer keeps them per variable or as one flat vector. */
function perParameter(moment: Float32Array[], params: tf.Variable[]): Float32Array[] {
  if (moment.length === params.length) return moment;
  const out: Float32Array[] = [];
  let offset = 0;
  for (const p of params) {
    out.push(moment[0].slice(offset, offset + p.size));
    offset += p.size;
  }
  return out;
}

export async function trainerStateTensors(trainer: Trainer): Promise<NamedTensor[]> {
  const params = trainer.model.vit.variables;
  const read = (vs: readonly tf.Variable[]) => Promise.all(vs.map(async (v) => (await v.data()) as Float32Array));
  const { m, v } = trainer.optimizer.moments;
  const [mData, vData] = [perParameter(await read(m), params), perParameter(await read(v), params)];
  const [stepVar, lrVar] = trainer.optimizer.stateVariables.slice(-2);
  const out: NamedTensor[] = await modelWeights(trainer.model);
  params.forEach((p, i) => {
    out.push({ name: `adam/m/${paramName(p)}`, shape: [...p.shape], data: mData[i] });
    out.push({ name: `adam/v/${paramName(p)}`, shape: [...p.shape], data: vData[i] });
  });
  out.push({ name: 'adam/step', shape: [], data: (await stepVar.data()) as Float32Array });
  out.push({ name: 'adam/lr', shape: [], data: (await lrVar.data()) as Float32Array });
  if (trainer.ema) {
    const ema = await read(trainer.ema.values);
    params.forEach((p, i) => out.push({ name: `ema/${paramName(p)}`, shape: [...p.shape], data: ema[i] }));
  }
  return out;
}

/** null when `tensors` is a complete state for this trainer (names and shapes), else one sentence. */
export function trainerStateMismatch(trainer: Trainer, tensors: readonly NamedTensor[]): string | null {
  const wanted = expectedShapes(trainer);
  const given = new Map(tensors.map((t) => [t.name, t]));
  const missing = [...wanted.keys()].filter((n) => !given.has(n));
  const unexpected = [...given.keys()].filter((n) => !wanted.has(n));
  const wrong = [...wanted].flatMap(([n, shape]) => {
    const t = given.get(n);
    return t && t.shape.join(',') !== shape.join(',') ? [`${n} is [${t.shape.join(',')}], the model needs [${shape.join(',')}]`] : [];
  });
  const list = (xs: string[]) => (xs.length <= 3 ? xs.join(', ') : `${xs.slice(0, 3).join(', ')} and ${xs.length - 3} more`);
  const parts = [missing.length ? `missing ${list(missing)}` : '', unexpected.length ? `unexpected ${list(unexpected)}` : '', wrong.length ? list(wrong) : ''].filter(Boolean);
  return parts.length ? `the saved training state does not fit the model built from its config: ${parts.join('; ')}` : null;
}

/** Puts a saved state into the trainer; TrainerStateError (and nothing changed) when it does not fit. */
export function applyTrainerState(trainer: Trainer, tensors: readonly NamedTensor[], position: TrainerPosition): void {
  const problem = trainerStateMismatch(trainer, tensors);
  if (problem) throw new TrainerStateError(problem);
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const params = trainer.model.vit.variables;
  const { m, v } = trainer.optimizer.moments;
  const [stepVar, lrVar] = trainer.optimizer.stateVariables.slice(-2);
  const data = (name: string) => byName.get(name)!.data;
  tf.tidy(() => {
    const assignMoments = (targets: tf.Variable[], kind: 'm' | 'v') => {
      const parts = params.map((p) => data(`adam/${kind}/${paramName(p)}`));
      if (targets.length === params.length) targets.forEach((t, i) => t.assign(tf.tensor(parts[i], t.shape, 'float32')));
      else {
        const flat = new Float32Array(parts.reduce((n, x) => n + x.length, 0));
        let offset = 0;
        for (const x of parts) {
          flat.set(x, offset);
          offset += x.length;
        }
        targets[0].assign(tf.tensor(flat, targets[0].shape, 'float32'));
      }
    };
    params.forEach((p) => p.assign(tf.tensor(data(`vit/${paramName(p)}`), p.shape, 'float32')));
    assignMoments(m, 'm');
    assignMoments(v, 'v');
    stepVar.assign(tf.scalar(data('adam/step')[0]));
    lrVar.assign(tf.scalar(data('adam/lr')[0]));
    trainer.ema?.values.forEach((e, i) => e.assign(tf.tensor(data(`ema/${paramName(params[i])}`), e.shape, 'float32')));
  });
  trainer.restorePosition(position);
}

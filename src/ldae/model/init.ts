// Seeded parameter initialisation as in DiT. Every tensor gets its own derived seed.
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../random';

export class ParamFactory {
  readonly variables: tf.Variable[] = [];
  private count = 0;

  constructor(
    private readonly seed: number,
    private readonly prefix: string,
  ) {}

  private add(name: string, value: tf.Tensor): tf.Variable {
    const v = tf.variable(value, true, `${this.prefix}/${name}`);
    value.dispose();
    this.variables.push(v);
    return v;
  }

  private nextSeed(): number {
    return deriveSeed(this.seed, 'vit-init', this.count++);
  }

  /** Xavier (Glorot) uniform for a [fanIn, fanOut] weight: U(+-sqrt(6 / (fanIn + fanOut))). */
  xavier(name: string, fanIn: number, fanOut: number): tf.Variable<tf.Rank.R2> {
    const a = Math.sqrt(6 / (fanIn + fanOut));
    return this.add(name, tf.randomUniform([fanIn, fanOut], -a, a, 'float32', this.nextSeed())) as tf.Variable<tf.Rank.R2>;
  }

  /** U(-bound, bound). */
  uniform(name: string, shape: number[], bound: number): tf.Variable {
    return this.add(name, tf.randomUniform(shape, -bound, bound, 'float32', this.nextSeed()));
  }

  normal(name: string, shape: number[], std: number): tf.Variable {
    return this.add(name, tf.randomNormal(shape, 0, std, 'float32', this.nextSeed()));
  }

  zeros(name: string, shape: number[]): tf.Variable {
    return this.add(name, tf.zeros(shape));
  }
}

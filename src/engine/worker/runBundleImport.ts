// Import run: a run bundle file checked completely before anything is stored: its size, the zip,
// the format and version, the config, and the weights' names and shapes against the model and
// trainer its config builds (built once at their seeded init, never trained). Every problem is a
// BundleError with one sentence naming the file.
import * as tf from '@tensorflow/tfjs';
import { BundleError, runBundleFromBytes, type RunBundle } from '../../ldae/bundle/runBundle';
import { trainerStateMismatch } from '../../ldae/bundle/trainerStateTensors';
import { createLdaeModel, type LdaeModel } from '../../ldae/ldaeModel';
import { restoreTokenizer } from '../../ldae/tokenizers';
import { Trainer } from '../../ldae/trainer';
import type { ImageShape } from '../../types/data';

/** Larger files are refused before they are read (a small-size run's bundle is a few MB). */
export const MAX_BUNDLE_BYTES = 512 * 1024 * 1024;

const mb = (bytes: number) => `${Math.round(bytes / (1024 * 1024))} MB`;

export async function checkedImport(file: File, imageShapeOf: (dataset: string) => ImageShape | null): Promise<{ bundle: RunBundle; bytes: Uint8Array }> {
  const fail = (why: string): never => {
    throw new BundleError(`${file.name}: ${why}`);
  };
  if (file.size > MAX_BUNDLE_BYTES) fail(`the file is ${mb(file.size)}, larger than the ${mb(MAX_BUNDLE_BYTES)} a run bundle may be here`);
  const bytes = new Uint8Array(await file.arrayBuffer());
  let bundle: RunBundle;
  try {
    bundle = runBundleFromBytes(bytes);
  } catch (e) {
    if (e instanceof BundleError) fail(e.message);
    throw e;
  }
  const problem = stateProblem(bundle!, imageShapeOf);
  if (problem) fail(problem);
  return { bundle: bundle!, bytes };
}

/** null when the bundle's tensors fit what its config builds, else one sentence. */
export function stateProblem(bundle: RunBundle, imageShapeOf: (dataset: string) => ImageShape | null): string | null {
  const cfg = bundle.record.config;
  const shape = imageShapeOf(cfg.dataset);
  if (!shape) return `the run was trained on the dataset ${cfg.dataset}, which is not in this browser: import that dataset first`;
  let model: LdaeModel | null = null;
  let trainer: Trainer | null = null;
  const images = tf.zeros([1, shape.height, shape.width, shape.channels]) as tf.Tensor4D;
  try {
    let tokenizer;
    try {
      tokenizer = restoreTokenizer(bundle.tokenizer);
    } catch (e) {
      return `the bundle tokenizer does not load: ${e instanceof Error ? e.message : String(e)}`;
    }
    // The loss weighting holds no weights; 'none' spares the data PCA the shapes do not depend on.
    try {
      model = createLdaeModel({ ...cfg, lossWeighting: 'none' }, tokenizer, null, shape);
    } catch (e) {
      tokenizer.dispose();
      return `its config does not build a model here: ${e instanceof Error ? e.message : String(e)}`;
    }
    trainer = new Trainer(model, images);
    return trainerStateMismatch(trainer, bundle.tensors);
  } finally {
    trainer?.dispose();
    model?.dispose();
    images.dispose();
  }
}

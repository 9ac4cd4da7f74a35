// Node: a run bundle (src/ldae/bundle/runBundle.ts) as one file, written atomically.
import { readFile } from 'node:fs/promises';
import { BundleError, runBundleFromBytes, runBundleToBytes, type RunBundle } from '../ldae/bundle/runBundle';
import { writeFileAtomic } from './atomicWrite';

export async function writeRunBundleFile(file: string, bundle: RunBundle): Promise<number> {
  const bytes = runBundleToBytes(bundle);
  await writeFileAtomic(file, bytes);
  return bytes.length;
}

/** BundleError with one sentence naming the file for a missing, unreadable or malformed bundle. */
export async function readRunBundleFile(file: string): Promise<RunBundle> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new BundleError(code === 'ENOENT' ? `run bundle ${file} does not exist` : `cannot read run bundle ${file} (${code ?? (e as Error).message})`);
  }
  try {
    return runBundleFromBytes(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    if (e instanceof BundleError) throw new BundleError(`${file}: ${e.message}`);
    throw e;
  }
}

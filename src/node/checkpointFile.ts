// Node: a checkpoint (src/ldae/checkpoint/) as one file on disk, written atomically.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { CheckpointError, checkpointFromBytes, checkpointToBytes, type Checkpoint } from '../ldae/checkpoint/checkpoint';
import { writeFileAtomic } from './atomicWrite';

export async function writeCheckpointFile(file: string, c: Checkpoint): Promise<number> {
  const bytes = checkpointToBytes(c);
  await writeFileAtomic(file, bytes);
  return bytes.length;
}

export interface CheckpointFile {
  checkpoint: Checkpoint;
  /** sha256 of the file's bytes (hex): what a cache of results computed from it is keyed by. */
  sha256: string;
  bytes: number;
}

/** CheckpointError with one sentence for a missing, unreadable or malformed file. */
export async function readCheckpointFile(file: string): Promise<CheckpointFile> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CheckpointError(code === 'ENOENT' ? `checkpoint ${file} does not exist` : `cannot read checkpoint ${file} (${code ?? (e as Error).message})`);
  }
  try {
    const checkpoint = checkpointFromBytes(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return { checkpoint, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length };
  } catch (e) {
    if (e instanceof CheckpointError) throw new CheckpointError(`${file}: ${e.message}`);
    throw e;
  }
}

// Node: finished sweep cells as JSON files under .cache/sweeps, `<hash>.json` holding
// { key, value }, so an interrupted sweep resumes where it stopped. The full key is stored and
// compared on load: a hash collision or a damaged file reads as a miss (the cell runs again).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './atomicWrite';

/** .cache/sweeps, or the directory in LDAE_SWEEP_CACHE_DIR (tests use a fresh one). */
const DEFAULT_SWEEP_CACHE_DIR = process.env.LDAE_SWEEP_CACHE_DIR || path.join('.cache', 'sweeps');

export class FileSweepCellCache<T> {
  constructor(readonly dir: string = DEFAULT_SWEEP_CACHE_DIR) {}

  fileFor(hash: string): string {
    return path.join(this.dir, `${hash}.json`);
  }

  async load(hash: string, key: string): Promise<T | null> {
    try {
      const stored = JSON.parse(await readFile(this.fileFor(hash), 'utf8')) as { key?: unknown; value?: T };
      return stored.key === key && stored.value !== undefined ? stored.value : null;
    } catch {
      return null;
    }
  }

  async save(hash: string, key: string, value: T): Promise<void> {
    await writeFileAtomic(this.fileFor(hash), JSON.stringify({ key, value }) + '\n');
  }
}

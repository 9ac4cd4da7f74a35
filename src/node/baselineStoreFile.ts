// Node: probe baselines as JSON files under .cache/baselines, one per cache key:
// `${hashKey(key)}.json` holding { key, value }. The full key is stored and compared on load, so
// a hash collision reads as a miss, never as someone else's baseline.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './atomicWrite';
import { hashKey, type BaselineStore } from '../ldae/probe';
import type { ProbeMeasurement } from '../ldae/probe';

/** .cache/baselines, or the directory in LDAE_BASELINE_CACHE_DIR (tests use a fresh one). */
const DEFAULT_BASELINE_CACHE_DIR = process.env.LDAE_BASELINE_CACHE_DIR || path.join('.cache', 'baselines');

export class FileBaselineStore implements BaselineStore {
  constructor(readonly dir: string = DEFAULT_BASELINE_CACHE_DIR) {}

  fileFor(key: string): string {
    return path.join(this.dir, `${hashKey(key)}.json`);
  }

  async load(key: string): Promise<ProbeMeasurement | null> {
    try {
      const stored = JSON.parse(await readFile(this.fileFor(key), 'utf8')) as { key?: unknown; value?: ProbeMeasurement };
      const v = stored.value;
      if (stored.key !== key || !v) return null;
      const fields = [v.linearTestAcc, v.linearTrainAcc, v.knnTestAcc, v.seconds];
      return fields.every((x) => typeof x === 'number' && Number.isFinite(x)) ? v : null;
    } catch {
      return null; // missing or unreadable: measure again
    }
  }

  async save(key: string, value: ProbeMeasurement): Promise<void> {
    await writeFileAtomic(this.fileFor(key), JSON.stringify({ key, value }) + '\n');
  }
}

// An in-memory tokenizer cache (per session; also the reference store for tests).
import type { SerializedTokenizer } from '../types';
import type { TokenizerCache } from './types';

export class MemoryTokenizerCache implements TokenizerCache {
  private readonly entries = new Map<string, SerializedTokenizer>();

  async get(key: string): Promise<SerializedTokenizer | null> {
    return this.entries.get(key) ?? null;
  }

  async set(key: string, value: SerializedTokenizer): Promise<void> {
    this.entries.set(key, value);
  }

  get size(): number {
    return this.entries.size;
  }
}

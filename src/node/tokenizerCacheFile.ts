// Node: fitted tokenizers as binary files under .cache/tokenizers (one file per cache key).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './atomicWrite';
import { tokenizerFromBytes, tokenizerToBytes } from '../ldae/tokenizers/cache/binary';
import type { TokenizerCache } from '../ldae/tokenizers/cache/types';
import type { SerializedTokenizer } from '../ldae/tokenizers/types';

export const DEFAULT_TOKENIZER_CACHE_DIR = path.join('.cache', 'tokenizers');

export class FileTokenizerCache implements TokenizerCache {
  constructor(readonly dir: string = DEFAULT_TOKENIZER_CACHE_DIR) {}

  fileFor(key: string): string {
    return path.join(this.dir, `${key.replace(/[^A-Za-z0-9._-]/g, '_')}.bin`);
  }

  async get(key: string): Promise<SerializedTokenizer | null> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.fileFor(key));
    } catch {
      return null;
    }
    return tokenizerFromBytes(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }

  async set(key: string, value: SerializedTokenizer): Promise<void> {
    await writeFileAtomic(this.fileFor(key), tokenizerToBytes(value));
  }
}

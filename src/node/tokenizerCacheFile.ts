// Node: fitted tokenizers as binary files under .cache/tokenizers (one file per cache key).
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
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
    await mkdir(this.dir, { recursive: true });
    const file = this.fileFor(key);
    const partial = `${file}.${process.pid}.partial`;
    await writeFile(partial, tokenizerToBytes(value));
    await rename(partial, file);
  }
}

// Fitted tokenizers are cached by everything that determines them, so switching back to a
// tokenizer is instant. Two stores implement this: IndexedDB in the browser
// (src/engine/worker/tokenizerCacheIdb.ts) and files under .cache/tokenizers in Node
// (src/node/tokenizerCacheFile.ts); memory.ts is a per-session store.
import type { SerializedTokenizer } from '../types';

export interface TokenizerCache {
  get(key: string): Promise<SerializedTokenizer | null>;
  set(key: string, value: SerializedTokenizer): Promise<void>;
}

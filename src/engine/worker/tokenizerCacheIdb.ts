// Browser: fitted tokenizers in IndexedDB (database "ldae-playground", store "tokenizers"), stored
// in the same byte format as the Node file cache.
import { createStore, get, set, type UseStore } from 'idb-keyval';
import { tokenizerFromBytes, tokenizerToBytes } from '../../ldae/tokenizers/cache/binary';
import type { TokenizerCache } from '../../ldae/tokenizers/cache/types';
import type { SerializedTokenizer } from '../../ldae/tokenizers/types';

export class IdbTokenizerCache implements TokenizerCache {
  private readonly store: UseStore;

  constructor(dbName = 'ldae-playground', storeName = 'tokenizers') {
    this.store = createStore(dbName, storeName);
  }

  async get(key: string): Promise<SerializedTokenizer | null> {
    const bytes = await get<Uint8Array>(key, this.store);
    return bytes ? tokenizerFromBytes(bytes) : null;
  }

  async set(key: string, value: SerializedTokenizer): Promise<void> {
    await set(key, tokenizerToBytes(value), this.store);
  }
}

import { describe, expect, it } from 'vitest';
import { CHUNK_BYTES, joinChunks, splitChunks } from '../../src/engine/worker/datasetStoreIdb';

describe('imported datasets are stored in chunks (Chromium refuses IndexedDB values over ~128 MB)', () => {
  it('splits into pieces of at most the chunk size and joins back exactly', () => {
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) % 256);
    const pieces = splitChunks(bytes, 300);
    expect(pieces.map((p) => p.length)).toEqual([300, 300, 300, 100]);
    expect(joinChunks(pieces)).toEqual(bytes);
    expect(splitChunks(new Uint8Array(0), 300)).toHaveLength(1);
    // A full CIFAR-10 asset (60,000 x 3073 bytes + header) needs 6 chunks, each under 128 MB.
    expect(Math.ceil((60_000 * 3073) / CHUNK_BYTES)).toBe(6);
    expect(CHUNK_BYTES).toBeLessThan(128 * 1024 * 1024);
  });
});

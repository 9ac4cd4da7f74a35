// Browser (page or worker): fetches data/<id>.bin.gz from our own origin with byte progress,
// then gunzips with DecompressionStream and decodes. Measures transfer bytes and decode time.
import type { DatasetId } from '../ldae/config';
import { decodeAsset, hasAssetMagic } from './format';
import { assetPath } from './registry';
import type { LoadedDataset } from './types';

export type ByteProgress = (loadedBytes: number, totalBytes: number | null) => void;

async function readAll(stream: ReadableStream<Uint8Array>, onChunk?: (bytes: number) => void): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.length;
    onChunk?.(total);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  return readAll(stream);
}

/**
 * `baseUrl` is the app's base (e.g. `import.meta.env.BASE_URL` resolved against the origin).
 * If a server already removed the gzip layer (Content-Encoding: gzip), the bytes start with the
 * asset magic and are decoded as they are.
 */
export async function loadDatasetBrowser(id: DatasetId, baseUrl: string, onProgress?: ByteProgress): Promise<LoadedDataset> {
  const url = new URL(assetPath(id), baseUrl).href;
  const response = await fetch(url);
  if (!response.ok || response.body === null) {
    throw new Error(`could not fetch dataset ${id} from ${url}: HTTP ${response.status} ${response.statusText}`);
  }
  const lengthHeader = response.headers.get('Content-Length');
  const totalBytes = lengthHeader !== null && response.headers.get('Content-Encoding') === null ? Number(lengthHeader) : null;
  onProgress?.(0, totalBytes);
  const received = await readAll(response.body, (n) => onProgress?.(n, totalBytes));

  const t0 = performance.now();
  const raw = hasAssetMagic(received) ? received : await gunzip(received);
  const { header, train, test } = decodeAsset(raw);
  const decodeMs = performance.now() - t0;
  if (header.id !== id) throw new Error(`asset ${url} holds dataset ${header.id}, expected ${id}`);
  return {
    meta: {
      id: header.id,
      name: header.name,
      height: header.height,
      width: header.width,
      channels: header.channels,
      classNames: header.classNames,
      trainCount: header.trainCount,
      testCount: header.testCount,
      transferBytes: received.length,
      decodeMs,
    },
    train,
    test,
  };
}

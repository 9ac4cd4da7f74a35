// Browser (page or worker): fetches data/<id>.gz.bin from our own origin with byte progress,
// gunzips it with DecompressionStream as it arrives and decodes it. Measures transfer bytes and
// the decode time after the last byte arrived.
import type { BuiltinDatasetId as DatasetId } from '../ldae/config';
import { decodeAsset, hasAssetMagic, toLoadedDataset } from './format';
import { assetPath } from './registry';
import type { LoadedDataset } from '../types/data';

export type ByteProgress = (loadedBytes: number, totalBytes: number | null) => void;

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.length;
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

function isGzip(bytes: Uint8Array | undefined): boolean {
  return bytes !== undefined && bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Counts the bytes of `body` as they arrive and, when they are gzip, gunzips them while the
 * download goes on. Resolves to the decoded bytes, the bytes received and the time the last
 * byte arrived.
 */
async function receive(
  body: ReadableStream<Uint8Array>,
  onBytes: (received: number) => void,
): Promise<{ raw: Uint8Array; receivedBytes: number; arrivedAt: number }> {
  const reader = body.getReader();
  const first = await reader.read();
  let receivedBytes = first.value?.length ?? 0;
  let arrivedAt = performance.now();
  onBytes(receivedBytes);
  const counted = new ReadableStream<Uint8Array>({
    start(controller) {
      if (first.done) {
        controller.close();
        return;
      }
      controller.enqueue(first.value);
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) {
        arrivedAt = performance.now();
        controller.close();
        return;
      }
      receivedBytes += value.length;
      onBytes(receivedBytes);
      controller.enqueue(value);
    },
  });
  const decoded = isGzip(first.value) ? counted.pipeThrough(new DecompressionStream('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>) : counted;
  const raw = await readAll(decoded);
  return { raw, receivedBytes, arrivedAt };
}

/**
 * `baseUrl` is the app's base (e.g. `import.meta.env.BASE_URL` resolved against the origin).
 * The gzip layer is removed while the asset downloads; `decodeMs` is the time from the last
 * byte's arrival to the decoded dataset. If a server already removed the gzip layer
 * (Content-Encoding: gzip), the bytes are used as they are.
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
  const { raw, receivedBytes, arrivedAt } = await receive(response.body, (n) => onProgress?.(n, totalBytes));
  if (!hasAssetMagic(raw)) throw new Error(`${url} is not a dataset asset (neither gzip nor LDAE bytes)`);
  const decoded = decodeAsset(raw);
  const decodeMs = performance.now() - arrivedAt;
  if (decoded.header.id !== id) throw new Error(`asset ${url} holds dataset ${decoded.header.id}, expected ${id}`);
  return toLoadedDataset(decoded, receivedBytes, decodeMs);
}

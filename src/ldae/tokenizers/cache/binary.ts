// A serialised tokenizer as one byte buffer: "LDTK", a little-endian u32 header length, a JSON
// header (everything but the float arrays, plus each array's shape and offset), zero padding to a
// multiple of 4, then the float32 arrays back to back (little-endian, as on every tfjs platform).
import type { SerializedTokenizer } from '../types';

const MAGIC = 'LDTK';

interface Header {
  kind: SerializedTokenizer['kind'];
  patchSize: number;
  patchDim: number;
  latentDim: number;
  extras: SerializedTokenizer['extras'];
  arrays: { name: string; shape: number[]; offset: number; length: number }[];
}

export function tokenizerToBytes(s: SerializedTokenizer): Uint8Array {
  let offset = 0;
  const arrays = Object.entries(s.arrays).map(([name, a]) => {
    const entry = { name, shape: a.shape, offset, length: a.data.length };
    offset += a.data.length;
    return entry;
  });
  const header: Header = { kind: s.kind, patchSize: s.patchSize, patchDim: s.patchDim, latentDim: s.latentDim, extras: s.extras, arrays };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = Math.ceil((8 + json.length) / 4) * 4;
  const bytes = new Uint8Array(dataStart + 4 * offset);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(bytes.buffer).setUint32(4, json.length, true);
  bytes.set(json, 8);
  const floats = new Float32Array(bytes.buffer, dataStart, offset);
  for (const entry of arrays) floats.set(s.arrays[entry.name].data, entry.offset);
  return bytes;
}

export function tokenizerFromBytes(bytes: Uint8Array): SerializedTokenizer {
  if (bytes.length < 8 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) throw new Error('not a serialised tokenizer (bad magic)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLength = view.getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + jsonLength))) as Header;
  const dataStart = Math.ceil((8 + jsonLength) / 4) * 4;
  const total = header.arrays.reduce((n, a) => n + a.length, 0);
  if (bytes.length < dataStart + 4 * total) throw new Error('serialised tokenizer is truncated');
  // Copy into an aligned buffer: the input may sit at any byte offset.
  const floats = new Float32Array(bytes.slice(dataStart, dataStart + 4 * total).buffer);
  const arrays: SerializedTokenizer['arrays'] = {};
  for (const a of header.arrays) arrays[a.name] = { shape: a.shape, data: floats.slice(a.offset, a.offset + a.length) };
  return { kind: header.kind, patchSize: header.patchSize, patchDim: header.patchDim, latentDim: header.latentDim, arrays, extras: header.extras };
}

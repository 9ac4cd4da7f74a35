// The safetensors byte format (huggingface/safetensors), float32 tensors only: an 8-byte
// little-endian u64 header length N, N bytes of JSON {name: {dtype: "F32", shape, data_offsets:
// [begin, end]}, "__metadata__": {string: string}} padded with spaces to a multiple of 8, then
// the tensors' raw little-endian bytes back to back (offsets relative to the end of the header,
// no holes). PyTorch reads it with `safetensors.torch.load_file`.

export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface SafetensorsContents {
  tensors: NamedTensor[];
  metadata: Record<string, string>;
}

export class SafetensorsError extends Error {}

const METADATA_KEY = '__metadata__';
const HEADER_ALIGN = 8;
/** The reference implementation refuses larger headers too. */
const MAX_HEADER_BYTES = 100_000_000;

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

const elementCount = (shape: readonly number[]) => shape.reduce((n, s) => n * s, 1);

export function encodeSafetensors({ tensors, metadata }: SafetensorsContents): Uint8Array {
  const header: Record<string, HeaderEntry | Record<string, string>> = { [METADATA_KEY]: metadata };
  let offset = 0;
  for (const t of tensors) {
    if (t.name === METADATA_KEY || t.name in header) throw new SafetensorsError(`tensor name "${t.name}" is reserved or repeated`);
    if (elementCount(t.shape) !== t.data.length) throw new SafetensorsError(`tensor "${t.name}": shape [${t.shape.join(',')}] does not hold ${t.data.length} values`);
    header[t.name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + 4 * t.data.length] };
    offset += 4 * t.data.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / HEADER_ALIGN) * HEADER_ALIGN;
  const start = 8 + headerLength;
  const bytes = new Uint8Array(start + offset);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(headerLength), true);
  bytes.set(json, 8);
  bytes.fill(0x20, 8 + json.length, start);
  for (const t of tensors) {
    const begin = start + (header[t.name] as HeaderEntry).data_offsets[0];
    for (let i = 0; i < t.data.length; i++) view.setFloat32(begin + 4 * i, t.data[i], true);
  }
  return bytes;
}

/** Parses and checks the layout; throws SafetensorsError with one readable sentence. */
export function decodeSafetensors(bytes: Uint8Array): SafetensorsContents {
  if (bytes.length < 8) throw new SafetensorsError(`file is ${bytes.length} bytes, too short for a safetensors header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > MAX_HEADER_BYTES) throw new SafetensorsError(`header length ${headerLength} is implausible (not a safetensors file?)`);
  if (8 + headerLength > bytes.length) throw new SafetensorsError(`file is truncated: header needs ${8 + headerLength} bytes, file has ${bytes.length}`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength))) as Record<string, unknown>;
  } catch {
    throw new SafetensorsError('header is not valid JSON (not a safetensors file?)');
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw new SafetensorsError('header is not a JSON object');
  const start = 8 + headerLength;
  const dataLength = bytes.length - start;

  const metadata: Record<string, string> = {};
  const rawMeta = header[METADATA_KEY];
  if (rawMeta !== undefined) {
    if (rawMeta === null || typeof rawMeta !== 'object') throw new SafetensorsError('__metadata__ is not a string map');
    for (const [k, v] of Object.entries(rawMeta)) {
      if (typeof v !== 'string') throw new SafetensorsError(`__metadata__.${k} is not a string`);
      metadata[k] = v;
    }
  }

  const entries = Object.entries(header)
    .filter(([name]) => name !== METADATA_KEY)
    .map(([name, e]) => [name, checkEntry(name, e)] as const)
    .sort((a, b) => a[1].data_offsets[0] - b[1].data_offsets[0]);
  let expected = 0;
  const tensors: NamedTensor[] = [];
  for (const [name, e] of entries) {
    const [begin, end] = e.data_offsets;
    if (begin !== expected) throw new SafetensorsError(`tensor "${name}" starts at byte ${begin}, expected ${expected} (holes or overlaps)`);
    if (end > dataLength) throw new SafetensorsError(`file is truncated: tensor "${name}" ends at data byte ${end}, data has ${dataLength}`);
    const data = new Float32Array(elementCount(e.shape));
    for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(start + begin + 4 * i, true);
    tensors.push({ name, shape: e.shape, data });
    expected = end;
  }
  if (expected !== dataLength) throw new SafetensorsError(`${dataLength - expected} bytes after the last tensor (not a safetensors file?)`);
  return { tensors, metadata };
}

function checkEntry(name: string, e: unknown): HeaderEntry {
  const x = e as Partial<HeaderEntry> | null;
  if (!x || typeof x !== 'object') throw new SafetensorsError(`tensor "${name}": header entry is not an object`);
  if (x.dtype !== 'F32') throw new SafetensorsError(`tensor "${name}": dtype ${String(x.dtype)} is not supported (only F32)`);
  const shape = x.shape;
  if (!Array.isArray(shape) || shape.some((s) => !Number.isInteger(s) || s < 0)) throw new SafetensorsError(`tensor "${name}": bad shape`);
  const offsets = x.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || offsets.some((o) => !Number.isInteger(o) || o < 0)) {
    throw new SafetensorsError(`tensor "${name}": bad data_offsets`);
  }
  if (offsets[1] - offsets[0] !== 4 * elementCount(shape)) {
    throw new SafetensorsError(`tensor "${name}": data_offsets [${offsets.join(', ')}] do not hold shape [${shape.join(',')}] of F32`);
  }
  return { dtype: 'F32', shape, data_offsets: [offsets[0], offsets[1]] };
}

// Archive layers with clear messages: gzip and zip through fflate, tar through nanotar (both
// small, maintained, and run unchanged in browsers, workers and Node).
import { gunzipSync, unzipSync } from 'fflate';
import { parseTar } from 'nanotar';
import { ImportError, type ImportEntry } from './types';

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** A POSIX/GNU tar has "ustar" at offset 257 of its first header. */
export function isTar(bytes: Uint8Array): boolean {
  return bytes.length >= 512 && String.fromCharCode(...bytes.subarray(257, 262)) === 'ustar';
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function extension(path: string): string {
  const name = baseName(path).toLowerCase();
  if (name.endsWith('.tar.gz')) return 'tar.gz';
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1);
}

export function memoryEntry(path: string, bytes: Uint8Array): ImportEntry {
  return { path, size: bytes.length, read: () => Promise.resolve(bytes) };
}

export function gunzip(bytes: Uint8Array, file: string): Uint8Array {
  try {
    return gunzipSync(bytes);
  } catch (e) {
    throw new ImportError(`${file}: not a readable gzip file (${(e as Error).message}): the download is truncated or corrupt`);
  }
}

/** The regular files of a tar archive (views into `bytes`). */
export function untar(bytes: Uint8Array, file: string): ImportEntry[] {
  // nanotar reads `bytes.buffer` from offset 0: give it a buffer of its own.
  const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
  let items;
  try {
    items = parseTar(own);
  } catch (e) {
    throw new ImportError(`${file}: the tar archive is truncated or corrupt (${(e as Error).message})`);
  }
  const out: ImportEntry[] = [];
  for (const item of items) {
    if (item.type !== 'file' && item.type !== 'contiguousFile') continue;
    const data = item.data ?? new Uint8Array(0);
    if (data.length !== item.size) throw new ImportError(`${file}: ${item.name} declares ${item.size} bytes but holds ${data.length}: the archive is truncated`);
    out.push(memoryEntry(item.name, data));
  }
  // The last header sits inside the final 512 bytes nanotar does not look at: the file was cut.
  if (out.length === 0) throw new ImportError(`${file}: no files in the tar archive (truncated or not a tar file)`);
  return out;
}

/** The files of a zip archive (directories dropped). */
export function unzip(bytes: Uint8Array, file: string): ImportEntry[] {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (e) {
    throw new ImportError(`${file}: not a readable zip file (${(e as Error).message}): truncated or corrupt`);
  }
  return Object.entries(files)
    .filter(([path]) => !path.endsWith('/'))
    .map(([path, data]) => memoryEntry(path, data));
}

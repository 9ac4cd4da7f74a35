// Node only: the CLI's --data PATH. A folder of CIFAR-10 .bin batches, a CIFAR-10 archive
// (.tar.gz, .tgz, .tar), an image folder or a .zip of one -> an imported dataset.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { extension, memoryEntry } from './archives';
import { importCifar10 } from './cifar';
import { importImageFolder, importImageZip } from './folder';
import { nodeImageDecoder } from './nodeDecoder';
import { ImportError, type ImportEntry, type ImportOptions, type ImportResult } from './types';

const CIFAR_ARCHIVES = ['tar.gz', 'tgz', 'tar', 'gz'];
/** Names that make a folder a CIFAR-10 one (the binary batches, or the python / matlab ones, to say which to use). */
const CIFAR_FILE = /^(data_batch_\d+|test_batch)(\.bin|\.mat)?$/;

/** Every regular file under `dir`, with its path relative to `dir` ('/'-separated), read lazily. */
async function walk(dir: string, rel = ''): Promise<ImportEntry[]> {
  const out: ImportEntry[] = [];
  const items = await readdir(path.join(dir, rel), { withFileTypes: true });
  for (const item of items) {
    const relPath = rel ? `${rel}/${item.name}` : item.name;
    const full = path.join(dir, relPath);
    if (item.isDirectory()) out.push(...(await walk(dir, relPath)));
    else if (item.isFile()) {
      const { size } = await stat(full);
      out.push({ path: relPath, size, read: async () => new Uint8Array(await readFile(full)) });
    }
  }
  return out;
}

export async function importFromPath(target: string, opts: ImportOptions): Promise<ImportResult> {
  let info;
  try {
    info = await stat(target);
  } catch {
    throw new ImportError(`${target}: no such file or folder`);
  }
  const name = path.basename(path.resolve(target));
  if (info.isDirectory()) {
    const entries = await walk(target);
    const cifar = entries.some((e) => CIFAR_FILE.test(path.posix.basename(e.path)));
    return cifar ? importCifar10(entries, opts) : importImageFolder(entries, name, nodeImageDecoder, opts);
  }
  const ext = extension(target);
  const bytes = new Uint8Array(await readFile(target));
  if (ext === 'zip') return importImageZip(bytes, name, nodeImageDecoder, opts);
  if (CIFAR_ARCHIVES.includes(ext) || ext === 'bin') return importCifar10([memoryEntry(name, bytes)], opts);
  throw new ImportError(`${target}: not an image folder, .zip, CIFAR-10 archive (.tar.gz) or .bin batch`);
}

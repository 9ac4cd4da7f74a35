// Files the user chose or dropped -> ImportFile paths the importers read: relative to the chosen
// folder (its name becomes the source), or the bare file names for loose files.
import type { ImportFile, ImportKind } from '../../engine/protocol';

export interface ChosenFiles {
  kind: ImportKind;
  files: ImportFile[];
  source: string;
}

const CIFAR_FILE = /\.(tar\.gz|tgz|tar|gz|bin)$|^batches\.meta\.txt$/i;

/** A directory input's files: webkitRelativePath is "<folder>/<class>/<file>"; the folder name is dropped. */
export function folderInputFiles(list: FileList | File[]): ChosenFiles | null {
  const files = Array.from(list);
  if (files.length === 0) return null;
  const source = (files[0].webkitRelativePath || files[0].name).split('/')[0];
  return {
    kind: 'image-folder',
    source,
    files: files.map((file) => {
      const rel = file.webkitRelativePath || file.name;
      return { path: rel.startsWith(`${source}/`) ? rel.slice(source.length + 1) : rel, file };
    }),
  };
}

/** Loose files (a .zip, or the CIFAR-10 archive / .bin batches): their names. */
export function looseFiles(list: FileList | File[], kind: ImportKind): ChosenFiles | null {
  const files = Array.from(list);
  if (files.length === 0) return null;
  return { kind, source: files.length === 1 ? files[0].name : `${files.length} files`, files: files.map((file) => ({ path: file.name, file })) };
}

function readAllEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => {
    const all: FileSystemEntry[] = [];
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) resolve(all);
        else {
          all.push(...batch);
          next();
        }
      }, reject);
    next();
  });
}

async function walk(entry: FileSystemEntry, prefix: string, out: ImportFile[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ path: prefix + entry.name, file });
  } else if (entry.isDirectory) {
    for (const child of await readAllEntries((entry as FileSystemDirectoryEntry).createReader())) await walk(child, `${prefix}${entry.name}/`, out);
  }
}

/**
 * A drop: one folder (an image folder; paths below it), a .zip (image folder), or CIFAR-10 files
 * (.tar.gz / .bin). Null when nothing usable was dropped.
 */
export async function droppedFiles(items: DataTransferItemList): Promise<ChosenFiles | null> {
  const entries = Array.from(items)
    .map((i) => (i.kind === 'file' ? i.webkitGetAsEntry() : null))
    .filter((e): e is FileSystemEntry => e !== null);
  if (entries.length === 1 && entries[0].isDirectory) {
    const out: ImportFile[] = [];
    await walk(entries[0], '', out);
    const root = `${entries[0].name}/`;
    return { kind: 'image-folder', source: entries[0].name, files: out.map((f) => ({ ...f, path: f.path.startsWith(root) ? f.path.slice(root.length) : f.path })) };
  }
  const files: File[] = [];
  for (const e of entries) if (e.isFile) files.push(await new Promise<File>((resolve, reject) => (e as FileSystemFileEntry).file(resolve, reject)));
  if (files.length === 0) return null;
  return looseFiles(files, files.every((f) => CIFAR_FILE.test(f.name)) ? 'cifar-10' : 'image-folder');
}

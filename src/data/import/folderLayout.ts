// Which files of a chosen image folder (or zip) are images of which class and split. Pure: paths in,
// a plan out; nothing is read or decoded here.
//
// Layout: one subfolder per class (cat/001.png, dog/a/002.jpg: the first folder is the class). A
// common top folder (my-photos/cat/001.png, as a folder input or most zips give it) is removed
// first. When the top level holds `train/` and `test/` (any case), they are the split:
// train/cat/001.png, test/cat/002.png. Hidden and system files (.DS_Store, __MACOSX/, Thumbs.db),
// files that are not images, images the decoder cannot read and files outside a class folder are
// skipped and counted.
import { baseName, extension } from './archives';
import { IMAGE_EXTENSIONS, type ImageDecoder, type ImportEntry } from './types';

export interface PlannedImage {
  entry: ImportEntry;
  /** Index into FolderLayout.classNames. */
  label: number;
  /** Given by train/ and test/ folders; null when the import makes the split. */
  split: 'train' | 'test' | null;
}

export interface FolderLayout {
  classNames: string[];
  images: PlannedImage[];
  /** The path and why, for every file left out. */
  skipped: string[];
  /** Whether train/ and test/ folders give the split. */
  givenSplit: boolean;
  /** Image files that lie outside any class folder (for the "no class folders" message). */
  looseImages: number;
}

const SYSTEM_FILES = new Set(['thumbs.db', 'desktop.ini']);

function isSystemPath(parts: string[]): boolean {
  return parts.some((p) => p.startsWith('.') || p === '__MACOSX') || SYSTEM_FILES.has(parts[parts.length - 1].toLowerCase());
}

/** Removes top folders all paths share, as long as every path keeps a folder and a file name. */
function stripCommonRoot(paths: string[][]): string[][] {
  let out = paths;
  for (;;) {
    if (out.length === 0 || out.some((p) => p.length < 3)) return out;
    const first = out[0][0];
    if (out.some((p) => p[0] !== first) || isSplitFolder(first)) return out;
    out = out.map((p) => p.slice(1));
  }
}

function isSplitFolder(name: string): name is 'train' | 'test' {
  const n = name.toLowerCase();
  return n === 'train' || n === 'test';
}

export function planFolder(entries: ImportEntry[], decoder: ImageDecoder): FolderLayout {
  const skipped: string[] = [];
  const candidates: { entry: ImportEntry; parts: string[] }[] = [];
  for (const entry of [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const parts = entry.path.split('/').filter((p) => p.length > 0 && p !== '.');
    const ext = extension(entry.path);
    if (parts.length === 0) continue;
    if (isSystemPath(parts)) skipped.push(`${entry.path} (hidden or system file)`);
    else if (decoder.extensions.includes(ext)) candidates.push({ entry, parts });
    else if ((IMAGE_EXTENSIONS as readonly string[]).includes(ext)) skipped.push(`${entry.path} (${decoder.unsupportedNote})`);
    else skipped.push(`${entry.path} (not an image${ext ? `: .${ext}` : ''})`);
  }
  const stripped = stripCommonRoot(candidates.map((c) => c.parts));
  const givenSplit = stripped.some((p) => p.length >= 2 && p[0].toLowerCase() === 'train') && stripped.some((p) => p.length >= 2 && p[0].toLowerCase() === 'test');
  const classIndex = new Map<string, number>();
  const planned: { entry: ImportEntry; className: string; split: PlannedImage['split'] }[] = [];
  let looseImages = 0;
  stripped.forEach((parts, i) => {
    const { entry } = candidates[i];
    const inClass = givenSplit ? (isSplitFolder(parts[0]) ? parts.slice(1) : null) : parts;
    if (inClass === null) {
      skipped.push(`${entry.path} (outside train/ and test/)`);
    } else if (inClass.length < 2) {
      looseImages++;
      skipped.push(`${entry.path} (not in a class folder)`);
    } else {
      planned.push({ entry, className: inClass[0], split: givenSplit ? (parts[0].toLowerCase() as 'train' | 'test') : null });
    }
  });
  const classNames = [...new Set(planned.map((p) => p.className))].sort();
  classNames.forEach((c, k) => classIndex.set(c, k));
  return {
    classNames,
    images: planned.map((p) => ({ entry: p.entry, label: classIndex.get(p.className)!, split: p.split })),
    skipped,
    givenSplit,
    looseImages,
  };
}

/** A short name of the chosen folder or archive: its base name without .zip. */
export function sourceName(source: string): string {
  const base = baseName(source.replace(/\/+$/, ''));
  return base.toLowerCase().endsWith('.zip') ? base.slice(0, -4) : base;
}

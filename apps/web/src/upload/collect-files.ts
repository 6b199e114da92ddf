/** A file to upload, with its path inside a dropped or picked folder (for the failure list). */
export interface UploadFile {
  readonly file: File;
  readonly path: string;
}

/** Operating-system clutter that is never DICOM (.DS_Store, ._*, Thumbs.db). */
export function isClutter(name: string): boolean {
  return name.startsWith('.') || /^thumbs\.db$/i.test(name) || /^desktop\.ini$/i.test(name);
}

function pathOf(file: File): string {
  // Set by <input webkitdirectory>; empty for plain files.
  return file.webkitRelativePath || file.name;
}

export function fromFileList(files: Iterable<File>): UploadFile[] {
  return [...files].filter((f) => !isClutter(f.name)).map((file) => ({ file, path: pathOf(file) }));
}

function readAllEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  // readEntries answers in chunks (100 in Chromium) until it answers an empty list.
  return new Promise((resolve, reject) => {
    const all: FileSystemEntry[] = [];
    const next = () =>
      reader.readEntries((chunk) => {
        if (chunk.length === 0) resolve(all);
        else {
          all.push(...chunk);
          next();
        }
      }, reject);
    next();
  });
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

async function walk(entry: FileSystemEntry, out: UploadFile[]): Promise<void> {
  if (isClutter(entry.name)) return;
  if (entry.isFile) {
    out.push({ file: await fileOf(entry as FileSystemFileEntry), path: entry.fullPath.replace(/^\//, '') });
  } else if (entry.isDirectory) {
    for (const child of await readAllEntries((entry as FileSystemDirectoryEntry).createReader())) await walk(child, out);
  }
}

/** Files of a drop: plain files, and every file inside dropped folders (DataTransfer items as file system entries). */
export async function fromDataTransfer(transfer: DataTransfer): Promise<UploadFile[]> {
  const entries: FileSystemEntry[] = [];
  for (const item of [...transfer.items]) {
    if (item.kind !== 'file') continue;
    const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null;
    if (entry) entries.push(entry);
  }
  if (entries.length === 0) return fromFileList(transfer.files);
  const out: UploadFile[] = [];
  for (const entry of entries) await walk(entry, out);
  return out;
}

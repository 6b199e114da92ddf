import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** Writes Part 10 files to a fresh temp folder (0000.dcm, 0001.dcm, ...) for tools such as storescu; returns the paths. */
export async function writeDicomFiles(files: readonly Uint8Array[]): Promise<string[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'storescu-'));
  return Promise.all(
    files.map(async (f, i) => {
      const p = path.join(dir, `${String(i).padStart(4, '0')}.dcm`);
      await writeFile(p, f);
      return p;
    }),
  );
}

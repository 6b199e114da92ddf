import fs from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileThread } from './file-thread.js';

describe('FileThread', () => {
  const threads: FileThread[] = [];
  const thread = (): FileThread => {
    const t = new FileThread('test files');
    threads.push(t);
    return t;
  };
  afterEach(async () => {
    await Promise.all(threads.splice(0).map((t) => t.close()));
  });

  it('creates a file and answers its descriptor; publish cuts it, closes it and links it to its target', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'file-thread-'));
    const files = thread();
    const file = path.join(dir, 'spool.dcm');
    const fd = await files.run({ op: 'create', file, mode: 0o640 });
    expect(typeof fd).toBe('number');
    fs.writeSync(fd!, Buffer.from('the instance, then what was written ahead'), 0, undefined, 0);
    const target = path.join(dir, 'content');
    await files.run({ op: 'publish', fd: fd!, cutTo: 'the instance'.length, file, target });
    expect(await readFile(target, 'latin1')).toBe('the instance');
    expect(fs.statSync(target).ino).toBe(fs.statSync(file).ino); // one file, two names
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('640');
    await files.run({ op: 'syncDir', dir });
  });

  it('runs what one turn asked for in order, in one message, and rejects each failed op with its code', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'file-thread-'));
    const files = thread();
    const a = path.join(dir, 'a');
    // In order: the second create of `a` only succeeds because the unlink before it ran first.
    const [first, removed, second, again] = await Promise.allSettled([
      files.run({ op: 'create', file: a, mode: 0o600 }),
      files.run({ op: 'unlink', file: a }),
      files.run({ op: 'create', file: a, mode: 0o600 }),
      files.run({ op: 'create', file: a, mode: 0o600 }),
    ]);
    expect(first.status).toBe('fulfilled');
    expect(removed.status).toBe('fulfilled');
    expect(second.status).toBe('fulfilled');
    expect(again.status).toBe('rejected');
    const err = (again as PromiseRejectedResult).reason as NodeJS.ErrnoException;
    expect(err.code).toBe('EEXIST');
    expect(err.message).toMatch(/^test files, create: EEXIST/);
    for (const r of [first, second]) await files.run({ op: 'close', fd: (r as PromiseFulfilledResult<number>).value });
    await expect(files.run({ op: 'syncDir', dir: path.join(dir, 'missing') })).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(files.run({ op: 'unlink', file: path.join(dir, 'missing') })).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('publish to a name that exists: EEXIST, and the descriptor is closed all the same', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'file-thread-'));
    const files = thread();
    const file = path.join(dir, 'spool.dcm');
    const target = path.join(dir, 'content');
    await writeFile(target, 'already there');
    const fd = (await files.run({ op: 'create', file, mode: 0o640 }))!;
    await expect(files.run({ op: 'publish', fd, cutTo: null, file, target })).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await readFile(target, 'latin1')).toBe('already there');
    // Closed by the thread: closing it again fails.
    await expect(files.run({ op: 'close', fd })).rejects.toMatchObject({ code: 'EBADF' });
  });

  it("descriptors it created stay open after the thread ends (they are the process's, not the thread's)", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'file-thread-'));
    const files = thread();
    const file = path.join(dir, 'kept');
    const fd = (await files.run({ op: 'create', file, mode: 0o600 }))!;
    await files.close();
    fs.writeSync(fd, Buffer.from('written after the thread ended'));
    fs.closeSync(fd);
    expect(await readFile(file, 'latin1')).toBe('written after the thread ended');
    // A later op starts another thread.
    await files.run({ op: 'unlink', file });
    expect(fs.existsSync(file)).toBe(false);
  });
});

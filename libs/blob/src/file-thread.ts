import { Worker } from 'node:worker_threads';

/**
 * What a file thread does, in the order asked:
 * - `write`: copy `size` bytes at `offset` of `fd` into a new `tmp`, then rename it to `target` (the blob journal);
 * - `sync`: fdatasync `file` (opened and closed for it);
 * - `create`: create `file` (it must not exist) for writing; answers its descriptor;
 * - `syncDir`: fsync the folder `dir` (its descriptor is kept open by the thread, a bounded set of folders);
 * - `publish`: cut the file open as `fd` to `cutTo` bytes (when not null), close `fd` (always, also when the cut
 *   failed), then link `file` to `target`: a spool file getting its content address;
 * - `close`: close `fd`;
 * - `unlink`: remove `file`;
 * - `closeDirs`: close the folders' descriptors that `syncDir` kept (before the thread ends).
 */
export type FileOp =
  | { readonly op: 'write'; readonly fd: number; readonly offset: number; readonly size: number; readonly tmp: string; readonly target: string }
  | { readonly op: 'sync'; readonly file: string }
  | { readonly op: 'create'; readonly file: string; readonly mode: number }
  | { readonly op: 'syncDir'; readonly dir: string }
  | { readonly op: 'publish'; readonly fd: number; readonly cutTo: number | null; readonly file: string; readonly target: string }
  | { readonly op: 'close'; readonly fd: number }
  | { readonly op: 'unlink'; readonly file: string }
  | { readonly op: 'closeDirs' };

/** One op's outcome, as the thread posts it: a value (create: the descriptor), or an error's message and code. */
interface OpResult {
  readonly value?: number;
  readonly error?: string;
  readonly code?: string;
}

/** The thread's code (evaluated: no file to resolve, whether this module runs from dist or from source). */
const FILE_THREAD_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const buf = Buffer.allocUnsafe(1 << 20);
const dirFds = new Map();
const MAX_DIR_FDS = 512;
function syncFile(file) {
  const fd = fs.openSync(file, fs.constants.O_RDONLY);
  try {
    fs.fdatasyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
function syncDir(dir) {
  let fd = dirFds.get(dir);
  if (fd === undefined) {
    if (dirFds.size >= MAX_DIR_FDS) closeDirs();
    fd = fs.openSync(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
    dirFds.set(dir, fd);
  }
  fs.fsyncSync(fd);
}
function writeOut({ fd, offset, size, tmp, target }) {
  const out = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o640);
  try {
    for (let done = 0; done < size; ) {
      const n = fs.readSync(fd, buf, 0, Math.min(buf.length, size - done), offset + done);
      if (n === 0) throw new Error('journal segment ends before the object does');
      for (let w = 0; w < n; ) w += fs.writeSync(out, buf, w, n - w, done + w);
      done += n;
    }
  } finally {
    fs.closeSync(out);
  }
  fs.renameSync(tmp, target);
}
function publish({ fd, cutTo, file, target }) {
  try {
    if (cutTo !== null) fs.ftruncateSync(fd, cutTo);
  } finally {
    fs.closeSync(fd);
  }
  fs.linkSync(file, target);
}
function closeDirs() {
  for (const fd of dirFds.values()) try { fs.closeSync(fd); } catch {}
  dirFds.clear();
}
function run(item) {
  switch (item.op) {
    case 'write': return writeOut(item);
    case 'sync': return syncFile(item.file);
    case 'create': return fs.openSync(item.file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, item.mode);
    case 'syncDir': return syncDir(item.dir);
    case 'publish': return publish(item);
    case 'close': return fs.closeSync(item.fd);
    case 'unlink': return fs.unlinkSync(item.file);
    case 'closeDirs': return closeDirs();
    default: throw new Error('unknown file op ' + item.op);
  }
}
parentPort.on('message', ({ id, items }) => {
  const results = items.map((item) => {
    try {
      const value = run(item);
      return typeof value === 'number' ? { value } : {};
    } catch (err) {
      if (item.op === 'write') try { fs.unlinkSync(item.tmp); } catch {}
      return { error: String((err && err.message) || err), code: err && err.code };
    }
  });
  parentPort.postMessage({ id, results });
});
`;

interface QueuedOp {
  readonly item: FileOp;
  resolve(value: number | undefined): void;
  reject(err: Error): void;
}

/**
 * File work on a thread of its own, with synchronous calls there: what is asked for in one turn of the event loop goes
 * in one message, and one message answers it. The thread pool costs the event loop a hand-off per call (on a shared
 * 2-vCPU VM about 0.1 ms each: waking a pool thread that then competes for the CPU), here one per batch. Ops run one
 * after the other, in the order asked. A rejection carries the call's `code` (EEXIST, ENOENT...).
 */
export class FileThread {
  private worker: Worker | null = null;
  private queue: QueuedOp[] = [];
  private readonly inFlight = new Map<number, QueuedOp[]>();
  private seq = 0;
  private scheduled = false;

  /** `name` goes into error messages ("blob journal, write: ..."). */
  constructor(private readonly name: string) {}

  run(item: FileOp): Promise<number | undefined> {
    return new Promise<number | undefined>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.send());
      }
    });
  }

  /** Ends the thread once what was asked of it is done (a later run() starts another). */
  async close(): Promise<void> {
    if (!this.worker) return;
    await this.run({ op: 'closeDirs' }).catch(() => undefined);
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }

  private send(): void {
    this.scheduled = false;
    const batch = this.queue.splice(0);
    if (batch.length === 0) return;
    const worker = this.start();
    const id = ++this.seq;
    this.inFlight.set(id, batch);
    worker.ref();
    worker.postMessage({ id, items: batch.map((b) => b.item) });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    // Descriptors the thread opens are the process's, handed to the event loop and closed anywhere: Node must not
    // track them as the thread's own (it would close them when the thread ends, and warn when a number comes again).
    const worker = new Worker(FILE_THREAD_SOURCE, { eval: true, trackUnmanagedFds: false });
    worker.on('message', ({ id, results }: { id: number; results: OpResult[] }) => {
      const batch = this.inFlight.get(id) ?? [];
      this.inFlight.delete(id);
      batch.forEach((b, i) => {
        const result = results[i] ?? { error: 'no answer from the file thread' };
        if (result.error === undefined) {
          b.resolve(result.value);
          return;
        }
        const err: NodeJS.ErrnoException = new Error(`${this.name}, ${b.item.op}: ${result.error}`);
        if (result.code) err.code = result.code;
        b.reject(err);
      });
      if (this.inFlight.size === 0) worker.unref();
    });
    const fail = (err: Error): void => {
      if (this.worker === worker) this.worker = null;
      for (const batch of this.inFlight.values()) for (const b of batch) b.reject(err);
      this.inFlight.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`a file thread of the ${this.name} exited (${code})`)));
    worker.unref();
    this.worker = worker;
    return worker;
  }
}

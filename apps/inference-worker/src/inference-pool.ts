import { Worker } from 'node:worker_threads';
import type { ModelManifest, SessionOptions } from '@cruciate/inference';
import type { AnalysisResult } from './analysis.js';
import { PermanentJobError } from './errors.js';
import type { AnalyzeRequest, ThreadMessage } from './inference-thread.js';

interface Pending {
  resolve(value: { result: AnalysisResult | null; readMs: number }): void;
  reject(err: Error): void;
}

class InferenceThread {
  readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();

  /** Set when the thread died; the pool replaces it. */
  dead = false;

  constructor(options: SessionOptions, onFallback: (reason: string) => void, onDeath: (thread: InferenceThread, err: Error) => void) {
    this.worker = new Worker(new URL('./inference-thread.js', import.meta.url), { workerData: options });
    this.worker.on('message', (message: ThreadMessage) => {
      if ('fallback' in message) {
        onFallback(message.fallback);
        return;
      }
      const pending = this.pending.get(message.id);
      if (!pending) return;
      this.pending.delete(message.id);
      if (message.ok) pending.resolve({ result: message.result, readMs: message.readMs });
      else pending.reject(message.permanent ? new PermanentJobError(message.message) : new Error(message.message));
    });
    const die = (err: Error): void => {
      if (this.dead) return;
      this.dead = true;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      onDeath(this, err);
    };
    this.worker.on('error', die);
    this.worker.on('exit', (code) => die(new Error(`inference thread exited (${code})`)));
  }

  run(request: AnalyzeRequest): Promise<{ result: AnalysisResult | null; readMs: number }> {
    if (this.dead) return Promise.reject(new Error('inference thread is gone'));
    return new Promise((resolve, reject) => {
      this.pending.set(request.id, { resolve, reject });
      this.worker.postMessage(request);
    });
  }
}

/** One inference thread per concurrent job; each keeps its own onnxruntime sessions (one per model version). */
export class InferencePool {
  private readonly threads: InferenceThread[];
  private readonly busy: boolean[];
  private nextId = 1;
  private readonly waiting: ((slot: number) => void)[] = [];
  private closing = false;
  private readonly spawn: () => InferenceThread;

  constructor(
    size: number,
    options: SessionOptions,
    onFallback: (reason: string) => void,
    private readonly onThreadDeath: (err: Error) => void = () => undefined,
  ) {
    let warned = false;
    // One clear warning, however many threads fall back.
    const once = (reason: string): void => {
      if (!warned) onFallback(reason);
      warned = true;
    };
    this.spawn = () => new InferenceThread(options, once, (thread, err) => this.replace(thread, err));
    this.threads = Array.from({ length: size }, () => this.spawn());
    this.busy = this.threads.map(() => false);
  }

  /** A thread that crashed (e.g. out of memory) is replaced in its slot, so later jobs never wait on a dead thread. */
  private replace(dead: InferenceThread, err: Error): void {
    if (this.closing) return;
    const slot = this.threads.indexOf(dead);
    if (slot < 0) return;
    this.onThreadDeath(err);
    this.threads[slot] = this.spawn();
  }

  async analyze(
    modelVersionId: string,
    manifest: ModelManifest,
    modelPath: string,
    filePaths: readonly string[],
  ): Promise<{ result: AnalysisResult; readMs: number }> {
    const slot = await this.acquire();
    try {
      const { result, readMs } = await this.threads[slot]!.run({ id: this.nextId++, modelVersionId, manifest, modelPath, filePaths });
      if (!result) throw new Error('inference thread answered without a result');
      return { result, readMs };
    } finally {
      this.release(slot);
    }
  }

  /** Loads and warms a model version on every thread (at start), so the first job does not pay for it. */
  async warm(modelVersionId: string, manifest: ModelManifest, modelPath: string): Promise<void> {
    await Promise.all(this.threads.map((t) => t.run({ id: this.nextId++, modelVersionId, manifest, modelPath, filePaths: [], warmOnly: true })));
  }

  private acquire(): Promise<number> {
    const free = this.busy.indexOf(false);
    if (free >= 0) {
      this.busy[free] = true;
      return Promise.resolve(free);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(slot: number): void {
    const next = this.waiting.shift();
    if (next) next(slot);
    else this.busy[slot] = false;
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }
}

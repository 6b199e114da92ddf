import { Worker } from 'node:worker_threads';
import type { ModelManifest, SessionOptions } from '@cruciate/inference';
import type { AnalysisResult } from './analysis.js';
import { PermanentJobError } from './errors.js';
import type { AnalyzeRequest, ThreadMessage } from './inference-thread.js';

interface Pending {
  resolve(value: { result: AnalysisResult; readMs: number }): void;
  reject(err: Error): void;
}

class InferenceThread {
  readonly worker: Worker;
  busy = false;
  private readonly pending = new Map<number, Pending>();

  constructor(options: SessionOptions, onFallback: (reason: string) => void) {
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
    this.worker.on('error', (err) => {
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    });
  }

  run(request: AnalyzeRequest): Promise<{ result: AnalysisResult; readMs: number }> {
    return new Promise((resolve, reject) => {
      this.pending.set(request.id, { resolve, reject });
      this.worker.postMessage(request);
    });
  }
}

/** One inference thread per concurrent job; each keeps its own onnxruntime sessions (one per model version). */
export class InferencePool {
  private readonly threads: InferenceThread[];
  private nextId = 1;
  private readonly waiting: ((thread: InferenceThread) => void)[] = [];

  constructor(size: number, options: SessionOptions, onFallback: (reason: string) => void) {
    let warned = false;
    // One clear warning, however many threads fall back.
    const once = (reason: string): void => {
      if (!warned) onFallback(reason);
      warned = true;
    };
    this.threads = Array.from({ length: size }, () => new InferenceThread(options, once));
  }

  async analyze(
    modelVersionId: string,
    manifest: ModelManifest,
    modelPath: string,
    filePaths: readonly string[],
  ): Promise<{ result: AnalysisResult; readMs: number }> {
    const thread = await this.acquire();
    try {
      return await thread.run({ id: this.nextId++, modelVersionId, manifest, modelPath, filePaths });
    } finally {
      this.release(thread);
    }
  }

  private acquire(): Promise<InferenceThread> {
    const free = this.threads.find((t) => !t.busy);
    if (free) {
      free.busy = true;
      return Promise.resolve(free);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(thread: InferenceThread): void {
    const next = this.waiting.shift();
    if (next) next(thread);
    else thread.busy = false;
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }
}

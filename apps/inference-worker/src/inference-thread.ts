import { readFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { initPixelCodecs } from '@cruciate/dicom';
import type { ModelManifest, SessionOptions } from '@cruciate/inference';
import { type AnalysisResult, SeriesAnalyzer } from './analysis.js';
import { PermanentJobError } from './errors.js';

/** A request to the inference thread: analyse one series with one model version. */
export interface AnalyzeRequest {
  readonly id: number;
  readonly modelVersionId: string;
  readonly manifest: ModelManifest;
  readonly modelPath: string;
  readonly filePaths: readonly string[];
  /** Only load and warm up the model (at worker start), analyse nothing. */
  readonly warmOnly?: boolean;
}

export type ThreadMessage =
  | { readonly id: number; readonly ok: true; readonly result: AnalysisResult | null; readonly readMs: number }
  | { readonly id: number; readonly ok: false; readonly permanent: boolean; readonly message: string }
  | { readonly fallback: string };

/**
 * The inference thread: reads the series' files, decodes, preprocesses, runs the model and computes CAMs, so the
 * worker's event loop (job claiming, heartbeats, health checks) never waits on onnxruntime.
 */
if (parentPort) {
  const port = parentPort;
  const options = workerData as SessionOptions;
  // Load the WASM codecs now, not on the first compressed series.
  initPixelCodecs().catch(() => undefined);
  const analyzer = new SeriesAnalyzer(options, (reason) => port.postMessage({ fallback: reason } satisfies ThreadMessage));
  port.on('message', (request: AnalyzeRequest | 'close') => {
    if (request === 'close') {
      void analyzer.close().then(() => port.close());
      return;
    }
    type Reply = Exclude<ThreadMessage, { fallback: string }>;
    void (async (): Promise<Reply> => {
      try {
        const model = await analyzer.model(request.modelVersionId, request.manifest, async () => new Uint8Array(await readFile(request.modelPath)));
        if (request.warmOnly) return { id: request.id, ok: true, result: null, readMs: 0 };
        const t = performance.now();
        const files = await Promise.all(request.filePaths.map((p) => readFile(p)));
        const readMs = performance.now() - t;
        const result = await analyzer.analyze(model, files);
        return { id: request.id, ok: true, result, readMs };
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        return { id: request.id, ok: false, permanent: err instanceof PermanentJobError, message };
      }
    })().then((reply) => port.postMessage(reply, reply.ok && reply.result ? [reply.result.cam.buffer as ArrayBuffer] : []));
  });
}

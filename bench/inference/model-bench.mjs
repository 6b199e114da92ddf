// In-process part of the inference benchmark: decode -> preprocess -> model run of one series through the same
// library calls the worker makes (libs/dicom, libs/inference), and the peak GFLOP/s of onnxruntime on this machine
// (a large MatMul), each at a given number of intra-op threads.

import { decodeFrame, parseInstance } from '@cruciate/dicom';
import { buildModelInput, LoadedModel } from '@cruciate/inference';
import * as ort from 'onnxruntime-node';
import { matmulFlops, matmulModel } from './matmul-model.mjs';

/** Parse + pixel decode of every file, as the worker's SeriesAnalyzer does (apps/inference-worker/src/analysis.ts). */
export async function decodeSeries(files) {
  const slices = [];
  let orientation = null;
  for (const bytes of files) {
    const parsed = parseInstance(bytes);
    orientation ??= parsed.imageOrientationPatient;
    const pixels = await decodeFrame(bytes, parsed, 0);
    slices.push({
      pixels,
      rows: parsed.rows,
      columns: parsed.columns,
      position: parsed.imagePositionPatient,
      instanceNumber: parsed.instanceNumber,
      rescaleSlope: parsed.rescaleSlope ?? 1,
      rescaleIntercept: parsed.rescaleIntercept ?? 0,
    });
  }
  return { slices, orientation };
}

/**
 * `warmUp` untimed then `runs` timed iterations of decode, preprocess (slice order, resample to the model's size)
 * and the model run on one session with `threads` intra-op threads. Returns the milliseconds of each stage per run.
 */
export async function modelLatency({ modelBytes, manifest, files, threads, warmUp, runs }) {
  const model = await LoadedModel.load(modelBytes, manifest, { executionProvider: 'cpu', intraOpThreads: threads });
  const samples = { decode: [], preprocess: [], inference: [], total: [] };
  let shape = null;
  let executionProvider = model.executionProvider;
  try {
    for (let i = 0; i < warmUp + runs; i++) {
      const t0 = performance.now();
      const { slices, orientation } = await decodeSeries(files);
      const t1 = performance.now();
      const input = buildModelInput(slices, orientation, manifest);
      const t2 = performance.now();
      const output = await model.run(input);
      const t3 = performance.now();
      if (output.logits.length !== manifest.labels.length)
        throw new Error(`model returned ${output.logits.length} logits for ${manifest.labels.length} labels`);
      shape ??= [...input.dims];
      if (i < warmUp) continue;
      samples.decode.push(t1 - t0);
      samples.preprocess.push(t2 - t1);
      samples.inference.push(t3 - t2);
      samples.total.push(t3 - t0);
    }
  } finally {
    await model.release();
  }
  return { threads, executionProvider, inputShape: shape, samples };
}

/**
 * Peak floating-point throughput of onnxruntime's CPU provider here: C = A x B with n x n float32 matrices (2 n^3
 * FLOP per run) on a session with `threads` intra-op threads. Returns the milliseconds of each timed run.
 */
export async function matmulPeak({ n, threads, warmUp, runs }) {
  const session = await ort.InferenceSession.create(matmulModel(n), {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
  });
  const a = new Float32Array(n * n);
  const b = new Float32Array(n * n);
  for (let i = 0; i < a.length; i++) {
    a[i] = ((i * 7919) % 1000) / 1000 - 0.5;
    b[i] = ((i * 104729) % 1000) / 1000 - 0.5;
  }
  const feeds = { A: new ort.Tensor('float32', a, [n, n]), B: new ort.Tensor('float32', b, [n, n]) };
  const ms = [];
  try {
    for (let i = 0; i < warmUp + runs; i++) {
      const t0 = performance.now();
      const out = await session.run(feeds);
      const t1 = performance.now();
      out.C.dispose();
      if (i >= warmUp) ms.push(t1 - t0);
    }
  } finally {
    await session.release();
  }
  return { n, threads, flop: matmulFlops(n), ms };
}

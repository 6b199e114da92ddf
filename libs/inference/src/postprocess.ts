import type { ModelManifest } from './manifest.js';

/** What one run of the model returned, as flat float arrays in C order. */
export interface RawModelOutput {
  readonly logits: Float32Array;
  readonly probs?: Float32Array;
  /** [slices, classes, camHeight, camWidth] */
  readonly cam: Float32Array;
  /** [slices, classes] */
  readonly sliceEvidence?: Float32Array;
}

export interface LabelProbability {
  readonly label: string;
  readonly probability: number;
}

export interface InferenceSummary {
  readonly probabilities: readonly LabelProbability[];
  readonly predictedIndex: number;
  readonly predictedLabel: string;
  readonly pUnhealthy: number;
  /** Index into the sorted slices (the tensor's slice axis). */
  readonly keySlice: number;
  /** 0..100: higher is read first. */
  readonly priority: number;
}

export class OutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputError';
  }
}

export function softmax(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i] ?? -Infinity);
  const out = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    out[i] = Math.exp((logits[i] ?? 0) - max);
    sum += out[i] ?? 0;
  }
  for (let i = 0; i < out.length; i++) out[i] = (out[i] ?? 0) / sum;
  return out;
}

export function argmax(values: ArrayLike<number>, from = 0, count = values.length - from, stride = 1): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let i = 0; i < count; i++) {
    const v = values[from + i * stride] ?? -Infinity;
    if (v > bestValue) {
      bestValue = v;
      best = i;
    }
  }
  return best;
}

/**
 * Study priority from the probabilities: P(unhealthy) weighted with the expected severity (labels are ordered from
 * healthy to most severe), 0..100.
 */
export function studyPriority(probabilities: ArrayLike<number>, healthyIndex: number): number {
  const classes = probabilities.length;
  let severity = 0;
  for (let i = 0; i < classes; i++) severity += (probabilities[i] ?? 0) * (i / Math.max(classes - 1, 1));
  const pUnhealthy = 1 - (probabilities[healthyIndex] ?? 0);
  return Math.round(100 * (0.6 * pUnhealthy + 0.4 * severity));
}

/**
 * Probabilities, predicted class, P(unhealthy), key slice and priority from the model's outputs. The key slice is the
 * slice with the most evidence for the predicted class (the per-slice evidence output, else the CAM's peak).
 */
export function summarise(output: RawModelOutput, manifest: ModelManifest, slices: number): InferenceSummary {
  const classes = manifest.labels.length;
  if (output.logits.length !== classes) throw new OutputError(`logits has ${output.logits.length} values, the manifest has ${classes} labels`);
  const camSize = manifest.cam.height * manifest.cam.width;
  if (output.cam.length !== slices * classes * camSize) {
    throw new OutputError(`cam has ${output.cam.length} values, expected ${slices}x${classes}x${manifest.cam.height}x${manifest.cam.width}`);
  }
  if (output.sliceEvidence && output.sliceEvidence.length !== slices * classes) {
    throw new OutputError(`slice evidence has ${output.sliceEvidence.length} values, expected ${slices}x${classes}`);
  }
  const probs = output.probs ? Float64Array.from(output.probs) : softmax(output.logits);
  let total = 0;
  for (const p of probs) {
    if (!Number.isFinite(p) || p < 0) throw new OutputError('the model returned a non-finite or negative probability');
    total += p;
  }
  if (Math.abs(total - 1) > 1e-3) throw new OutputError(`probabilities sum to ${total.toFixed(6)}, not 1`);
  for (const v of output.cam) if (!Number.isFinite(v)) throw new OutputError('the CAM holds non-finite values');
  const predictedIndex = argmax(probs);
  const healthyIndex = manifest.labels.indexOf(manifest.healthy_label);
  const keySlice = output.sliceEvidence
    ? argmax(output.sliceEvidence, predictedIndex, slices, classes)
    : argmax(
        Array.from({ length: slices }, (_, s) => {
          let peak = -Infinity;
          const start = (s * classes + predictedIndex) * camSize;
          for (let i = 0; i < camSize; i++) peak = Math.max(peak, output.cam[start + i] ?? -Infinity);
          return peak;
        }),
      );
  return {
    probabilities: manifest.labels.map((label, i) => ({ label, probability: probs[i] ?? 0 })),
    predictedIndex,
    predictedLabel: manifest.labels[predictedIndex] as string,
    pUnhealthy: Math.min(1, Math.max(0, 1 - (probs[healthyIndex] ?? 0))),
    keySlice,
    priority: studyPriority(probs, healthyIndex),
  };
}

/**
 * Display form of the CAM ("relu-series-max"): max(cam, 0) divided by the largest value of that class over all slices,
 * so every class map lies in 0..1 and slices of one series compare. A class with no positive evidence stays 0.
 */
export function normaliseCam(cam: Float32Array, slices: number, classes: number, height: number, width: number): Float32Array {
  const size = height * width;
  const out = new Float32Array(cam.length);
  for (let c = 0; c < classes; c++) {
    let max = 0;
    for (let s = 0; s < slices; s++) {
      const start = (s * classes + c) * size;
      for (let i = 0; i < size; i++) max = Math.max(max, cam[start + i] ?? 0);
    }
    for (let s = 0; s < slices; s++) {
      const start = (s * classes + c) * size;
      for (let i = 0; i < size; i++) out[start + i] = max > 0 ? Math.max(cam[start + i] ?? 0, 0) / max : 0;
    }
  }
  return out;
}

/**
 * Class activation maps from last-conv feature maps and the linear head (Zhou et al. 2016), for models that export
 * features instead of the CAM: cam[s,c] = sum_k weights[c,k] * features[s,k]. features [slices, channels, h, w],
 * weights [classes, channels]; returns [slices, classes, h, w].
 */
export function camFromFeatures(features: Float32Array, weights: Float32Array, slices: number, channels: number, classes: number, size: number): Float32Array {
  if (features.length !== slices * channels * size) throw new OutputError('feature maps do not match slices x channels x size');
  if (weights.length !== classes * channels) throw new OutputError('head weights do not match classes x channels');
  const out = new Float32Array(slices * classes * size);
  for (let s = 0; s < slices; s++) {
    for (let c = 0; c < classes; c++) {
      const target = (s * classes + c) * size;
      for (let k = 0; k < channels; k++) {
        const w = weights[c * channels + k] ?? 0;
        if (w === 0) continue;
        const source = (s * channels + k) * size;
        for (let i = 0; i < size; i++) out[target + i] = (out[target + i] ?? 0) + w * (features[source + i] ?? 0);
      }
    }
  }
  return out;
}

/** One class map of one slice, bilinearly upsampled (half-pixel centres) to height x width, values kept in 0..1. */
export function upsampleCamSlice(
  cam: Float32Array,
  slice: number,
  classIndex: number,
  classes: number,
  camHeight: number,
  camWidth: number,
  height: number,
  width: number,
): Float32Array {
  const start = (slice * classes + classIndex) * camHeight * camWidth;
  const source = cam.subarray(start, start + camHeight * camWidth);
  const out = new Float32Array(height * width);
  const scaleY = camHeight / height;
  const scaleX = camWidth / width;
  for (let y = 0; y < height; y++) {
    const sy = Math.min(Math.max(scaleY * (y + 0.5) - 0.5, 0), camHeight - 1);
    const r0 = Math.floor(sy);
    const r1 = Math.min(r0 + 1, camHeight - 1);
    const ly = sy - r0;
    for (let x = 0; x < width; x++) {
      const sx = Math.min(Math.max(scaleX * (x + 0.5) - 0.5, 0), camWidth - 1);
      const c0 = Math.floor(sx);
      const c1 = Math.min(c0 + 1, camWidth - 1);
      const lx = sx - c0;
      const top = (1 - lx) * (source[r0 * camWidth + c0] ?? 0) + lx * (source[r0 * camWidth + c1] ?? 0);
      const bottom = (1 - lx) * (source[r1 * camWidth + c0] ?? 0) + lx * (source[r1 * camWidth + c1] ?? 0);
      out[y * width + x] = (1 - ly) * top + ly * bottom;
    }
  }
  return out;
}

/** An 256-entry colour map (perceptually ordered, dark blue -> green -> yellow -> red) as RGB triples. */
export const CAM_COLOURS: Uint8Array = (() => {
  const stops: [number, number, number, number][] = [
    [0, 48, 18, 59],
    [0.25, 40, 130, 240],
    [0.5, 30, 200, 110],
    [0.75, 250, 200, 40],
    [1, 200, 20, 20],
  ];
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const t = i / 255;
    let j = 0;
    while (j < stops.length - 2 && t > (stops[j + 1]?.[0] ?? 1)) j++;
    const [t0, r0, g0, b0] = stops[j] as [number, number, number, number];
    const [t1, r1, g1, b1] = stops[j + 1] as [number, number, number, number];
    const f = (t - t0) / (t1 - t0);
    lut[i * 3] = Math.round(r0 + f * (r1 - r0));
    lut[i * 3 + 1] = Math.round(g0 + f * (g1 - g0));
    lut[i * 3 + 2] = Math.round(b0 + f * (b1 - b0));
  }
  return lut;
})();

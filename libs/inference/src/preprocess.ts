import type { ModelManifest } from './manifest.js';

/** One decoded slice: stored pixel values (before rescale) and where it lies in the patient. */
export interface SliceInput {
  readonly pixels: ArrayLike<number>;
  readonly rows: number;
  readonly columns: number;
  /** ImagePositionPatient (mm), or null when the instance lacks it. */
  readonly position: readonly number[] | null;
  readonly instanceNumber: number | null;
  readonly rescaleSlope?: number;
  readonly rescaleIntercept?: number;
}

export interface ModelInput {
  readonly data: Float32Array;
  readonly dims: readonly [number, 1, number, number];
  /** order[i] = index into the given slices of the i-th slice of the tensor. */
  readonly order: readonly number[];
}

export class PreprocessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PreprocessError';
  }
}

/** The slice normal (row direction x column direction) of an ImageOrientationPatient. */
export function sliceNormal(orientation: readonly number[]): [number, number, number] {
  if (orientation.length !== 6 || orientation.some((v) => !Number.isFinite(v))) {
    throw new PreprocessError('ImageOrientationPatient must have 6 finite values');
  }
  const [rx, ry, rz, cx, cy, cz] = orientation as [number, number, number, number, number, number];
  const n: [number, number, number] = [ry * cz - rz * cy, rz * cx - rx * cz, rx * cy - ry * cx];
  const length = Math.hypot(...n);
  if (length < 1e-6) throw new PreprocessError('ImageOrientationPatient row and column directions are parallel');
  return [n[0] / length, n[1] / length, n[2] / length];
}

/**
 * Slice order: ascending position along the slice normal; series without positions fall back to InstanceNumber, then
 * to the given order. Ties keep the given order (stable sort).
 */
export function orderSlices(slices: readonly SliceInput[], orientation: readonly number[] | null): number[] {
  const indices = slices.map((_, i) => i);
  const havePositions = orientation !== null && slices.every((s) => s.position !== null && s.position.length === 3);
  if (havePositions) {
    const n = sliceNormal(orientation);
    const along = slices.map((s) => {
      const p = s.position as readonly number[];
      return (p[0] ?? 0) * n[0] + (p[1] ?? 0) * n[1] + (p[2] ?? 0) * n[2];
    });
    return indices.sort((a, b) => (along[a] ?? 0) - (along[b] ?? 0));
  }
  if (slices.every((s) => s.instanceNumber !== null)) {
    return indices.sort((a, b) => (slices[a]?.instanceNumber ?? 0) - (slices[b]?.instanceNumber ?? 0));
  }
  return indices;
}

/**
 * Bilinear resampling with half-pixel centres, no antialiasing: exactly PyTorch's
 * `interpolate(mode='bilinear', align_corners=False)` for a given output size. Writes outH*outW values at `offset`.
 */
export function resampleBilinear(
  source: ArrayLike<number>,
  rows: number,
  columns: number,
  outHeight: number,
  outWidth: number,
  out: Float32Array,
  offset = 0,
  slope = 1,
  intercept = 0,
): void {
  if (source.length < rows * columns) throw new PreprocessError(`slice has ${source.length} pixels, expected ${rows * columns}`);
  const scaleY = rows / outHeight;
  const scaleX = columns / outWidth;
  const x0 = new Int32Array(outWidth);
  const xStep = new Int32Array(outWidth);
  const xLambda = new Float64Array(outWidth);
  for (let x = 0; x < outWidth; x++) {
    const src = Math.max(scaleX * (x + 0.5) - 0.5, 0);
    const i = Math.floor(src);
    x0[x] = i;
    xStep[x] = i < columns - 1 ? 1 : 0;
    xLambda[x] = src - i;
  }
  for (let y = 0; y < outHeight; y++) {
    const srcY = Math.max(scaleY * (y + 0.5) - 0.5, 0);
    const r = Math.floor(srcY);
    const rowStep = r < rows - 1 ? columns : 0;
    const yl1 = srcY - r;
    const yl0 = 1 - yl1;
    const base = r * columns;
    const target = offset + y * outWidth;
    for (let x = 0; x < outWidth; x++) {
      const c = base + (x0[x] ?? 0);
      const step = xStep[x] ?? 0;
      const xl1 = xLambda[x] ?? 0;
      const xl0 = 1 - xl1;
      const top = xl0 * (source[c] ?? 0) + xl1 * (source[c + step] ?? 0);
      const bottom = xl0 * (source[c + rowStep] ?? 0) + xl1 * (source[c + rowStep + step] ?? 0);
      out[target + x] = (yl0 * top + yl1 * bottom) * slope + intercept;
    }
  }
}

/** Per-series z-score in place (used when the manifest asks for it outside the graph). */
export function zscoreInPlace(data: Float32Array): void {
  let sum = 0;
  for (const v of data) sum += v;
  const mean = sum / data.length;
  let squares = 0;
  for (const v of data) squares += (v - mean) * (v - mean);
  const std = Math.sqrt(squares / data.length) || 1;
  for (let i = 0; i < data.length; i++) data[i] = ((data[i] ?? 0) - mean) / std;
}

/**
 * The model's input tensor from decoded slices, as the manifest says: slices sorted along the normal, each resampled to
 * the model's height x width (rescale slope/intercept applied), normalised outside the graph only when the manifest says so.
 */
export function buildModelInput(slices: readonly SliceInput[], orientation: readonly number[] | null, manifest: ModelManifest): ModelInput {
  const { height, width } = manifest.input;
  const { min, max } = manifest.input.slices;
  if (slices.length < min || slices.length > max) {
    throw new PreprocessError(`the series has ${slices.length} slices; model ${manifest.name} ${manifest.version} accepts ${min} to ${max}`);
  }
  const order = orderSlices(slices, orientation);
  const data = new Float32Array(slices.length * height * width);
  order.forEach((index, i) => {
    const slice = slices[index] as SliceInput;
    if (!Number.isInteger(slice.rows) || !Number.isInteger(slice.columns) || slice.rows < 2 || slice.columns < 2) {
      throw new PreprocessError(`slice ${index} has an invalid size ${slice.rows}x${slice.columns}`);
    }
    resampleBilinear(slice.pixels, slice.rows, slice.columns, height, width, data, i * height * width, slice.rescaleSlope ?? 1, slice.rescaleIntercept ?? 0);
  });
  for (const v of data) {
    if (!Number.isFinite(v)) throw new PreprocessError('pixel data holds non-finite values after rescale');
  }
  if (manifest.input.normalisation.method === 'per-series-zscore' && !manifest.input.normalisation.in_graph) zscoreInPlace(data);
  return { data, dims: [slices.length, 1, height, width], order };
}

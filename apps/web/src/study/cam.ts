/**
 * Class activation maps for the viewer: the API's CAM array, bilinear upsampling to the image, the colour map.
 * Pure functions: no DOM, no canvas.
 */

/** `GET {finding.camUrl}`: shape [slices, classes, h, w], data 0..1 in C order, slices in the model order. */
export interface CamArray {
  readonly findingId: string;
  readonly labels: readonly string[];
  readonly shape: readonly number[];
  readonly keySliceIndex: number;
  readonly sliceSopInstanceUids: readonly string[];
  readonly data: readonly number[];
}

/** A checked CAM volume with a lookup from SOP Instance UID to its slice in the array. */
export interface CamVolume {
  readonly labels: readonly string[];
  readonly slices: number;
  readonly classes: number;
  readonly height: number;
  readonly width: number;
  readonly data: Float32Array;
  readonly sliceBySop: ReadonlyMap<string, number>;
}

export class CamFormatError extends Error {
  override readonly name = 'CamFormatError';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Validates the JSON the API answers and turns it into a CamVolume. Throws CamFormatError when it does not add up. */
export function toCamVolume(json: unknown): CamVolume {
  if (!isRecord(json)) throw new CamFormatError('CAM response is not an object');
  const { labels, shape, data, sliceSopInstanceUids } = json;
  if (!Array.isArray(labels) || !labels.every((l) => typeof l === 'string')) throw new CamFormatError('CAM labels missing');
  if (!Array.isArray(shape) || shape.length !== 4 || !shape.every((n) => Number.isInteger(n) && (n as number) > 0))
    throw new CamFormatError('CAM shape must be 4 positive integers');
  const [slices, classes, height, width] = shape as [number, number, number, number];
  if (!Array.isArray(data) || data.length !== slices * classes * height * width) throw new CamFormatError('CAM data does not match its shape');
  if (classes !== labels.length) throw new CamFormatError('CAM classes do not match its labels');
  const sops = Array.isArray(sliceSopInstanceUids) ? sliceSopInstanceUids : [];
  const sliceBySop = new Map<string, number>();
  sops.forEach((sop, i) => {
    if (typeof sop === 'string' && i < slices) sliceBySop.set(sop, i);
  });
  return { labels, slices, classes, height, width, data: Float32Array.from(data as number[]), sliceBySop };
}

/**
 * One class map of one slice, bilinearly upsampled (half-pixel centres, edges clamped) to height x width. Same sampling
 * as the API's PNG overlays (libs/inference upsampleCamSlice).
 */
export function upsampleCam(cam: CamVolume, slice: number, classIndex: number, height: number, width: number): Float32Array {
  const { height: ch, width: cw } = cam;
  const start = (slice * cam.classes + classIndex) * ch * cw;
  const src = cam.data.subarray(start, start + ch * cw);
  const out = new Float32Array(height * width);
  const scaleY = ch / height;
  const scaleX = cw / width;
  // Column weights are the same for every row: compute them once.
  const c0s = new Int32Array(width);
  const c1s = new Int32Array(width);
  const lxs = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const sx = Math.min(Math.max(scaleX * (x + 0.5) - 0.5, 0), cw - 1);
    const c0 = Math.floor(sx);
    c0s[x] = c0;
    c1s[x] = Math.min(c0 + 1, cw - 1);
    lxs[x] = sx - c0;
  }
  for (let y = 0; y < height; y++) {
    const sy = Math.min(Math.max(scaleY * (y + 0.5) - 0.5, 0), ch - 1);
    const r0 = Math.floor(sy) * cw;
    const r1 = Math.min(Math.floor(sy) + 1, ch - 1) * cw;
    const ly = sy - Math.floor(sy);
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const c0 = c0s[x] as number;
      const c1 = c1s[x] as number;
      const lx = lxs[x] as number;
      const top = (1 - lx) * (src[r0 + c0] as number) + lx * (src[r0 + c1] as number);
      const bottom = (1 - lx) * (src[r1 + c0] as number) + lx * (src[r1 + c1] as number);
      out[row + x] = (1 - ly) * top + ly * bottom;
    }
  }
  return out;
}

/** 256-entry colour map as RGB triples (dark blue -> blue -> green -> yellow -> red), the API's CAM_COLOURS. */
export const CAM_COLOURS: Uint8Array = (() => {
  const stops: readonly (readonly [number, number, number, number])[] = [
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
    const [t0, r0, g0, b0] = stops[j] as readonly [number, number, number, number];
    const [t1, r1, g1, b1] = stops[j + 1] as readonly [number, number, number, number];
    const f = (t - t0) / (t1 - t0);
    lut[i * 3] = Math.round(r0 + f * (r1 - r0));
    lut[i * 3 + 1] = Math.round(g0 + f * (g1 - g0));
    lut[i * 3 + 2] = Math.round(b0 + f * (b1 - b0));
  }
  return lut;
})();

/** Below this CAM value the overlay is transparent (weak evidence does not tint the image). */
export const CAM_TRANSPARENT_BELOW = 0.15;

/** RGBA of one CAM value (0..1): the colour map, alpha rising with the value, transparent below the threshold. */
export function camColour(value: number): [number, number, number, number] {
  const v = Math.min(1, Math.max(0, Number.isFinite(value) ? value : 0));
  const c = Math.round(v * 255) * 3;
  return [CAM_COLOURS[c] as number, CAM_COLOURS[c + 1] as number, CAM_COLOURS[c + 2] as number, v < CAM_TRANSPARENT_BELOW ? 0 : Math.round(v * 255)];
}

/** Colour-maps upsampled CAM values into `rgba` (4 bytes per value). The overlay's opacity is applied when drawing. */
export function camToRgba(values: Float32Array, rgba: Uint8ClampedArray | Uint8Array): void {
  for (let i = 0, o = 0; i < values.length; i++, o += 4) {
    const raw = values[i] as number;
    const v = raw > 1 ? 1 : raw > 0 ? raw : 0;
    const c = Math.round(v * 255) * 3;
    rgba[o] = CAM_COLOURS[c] as number;
    rgba[o + 1] = CAM_COLOURS[c + 1] as number;
    rgba[o + 2] = CAM_COLOURS[c + 2] as number;
    rgba[o + 3] = v < CAM_TRANSPARENT_BELOW ? 0 : Math.round(v * 255);
  }
}

/** CSS linear-gradient of the colour map from 0 (left) to 1 (right), for the legend. */
export function camLegendGradient(steps = 8): string {
  const stops: string[] = [];
  for (let i = 0; i <= steps; i++) {
    const [r, g, b] = camColour(i / steps);
    stops.push(`rgb(${r}, ${g}, ${b}) ${Math.round((i / steps) * 100)}%`);
  }
  return `linear-gradient(to right, ${stops.join(', ')})`;
}

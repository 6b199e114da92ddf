/**
 * Window/level (VOI LUT) maths for the viewer. Pure functions: no DOM, no canvas.
 *
 * Pixels stay as stored (Int16/Uint16/Uint8 arrays); the modality transform (RescaleSlope/Intercept) and the linear VOI
 * window (PS3.3 C.11.2.1.2.1, the same formula the API's `rendered` endpoint uses) are folded into one lookup table
 * indexed by `stored - lutOffset`, rebuilt whenever the window changes (at most 65 536 entries).
 */

export interface WindowLevel {
  readonly center: number;
  readonly width: number;
}

/** Modality LUT of a series: modality value = stored * slope + intercept. */
export interface RescaleTransform {
  readonly slope: number;
  readonly intercept: number;
}

export interface StoredRange {
  readonly min: number;
  readonly max: number;
}

export type PresetId = 'default' | 'soft-tissue' | 'bone' | 'full-range';

export interface WindowPreset {
  readonly id: PresetId;
  readonly label: string;
  readonly window: WindowLevel;
}

/** DICOM linear VOI function of one modality value to 0..255. Widths below 1 act as 1. */
export function voiToGray8(value: number, window: WindowLevel): number {
  const w = Math.max(1, window.width);
  const low = window.center - 0.5 - (w - 1) / 2;
  const high = window.center - 0.5 + (w - 1) / 2;
  if (value <= low) return 0;
  if (value > high) return 255;
  return Math.round(((value - (window.center - 0.5)) / (w - 1) + 0.5) * 255);
}

export interface Lut {
  /** Grey level per stored value: lut[stored - offset]. */
  readonly table: Uint8Array;
  readonly offset: number;
}

/**
 * One table from stored value to grey over a stored range (rescale, then window; `invert` for MONOCHROME1, where high
 * values are dark).
 */
export function buildLut(range: StoredRange, rescale: RescaleTransform, window: WindowLevel, invert = false): Lut {
  const min = Math.floor(range.min);
  const max = Math.max(min, Math.ceil(range.max));
  const table = new Uint8Array(max - min + 1);
  for (let stored = min; stored <= max; stored++) {
    const g = voiToGray8(stored * rescale.slope + rescale.intercept, window);
    table[stored - min] = invert ? 255 - g : g;
  }
  return { table, offset: min };
}

/** The whole value range a typed pixel array can hold (the LUT then covers any slice of that type). */
export function typeRange(pixels: Int16Array | Uint16Array | Uint8Array): StoredRange {
  if (pixels instanceof Uint8Array) return { min: 0, max: 255 };
  if (pixels instanceof Int16Array) return { min: -32768, max: 32767 };
  return { min: 0, max: 65535 };
}

/**
 * Writes the windowed image into `rgba` (4 bytes per pixel, opaque grey). Values outside the table's range clamp to
 * its ends, so a slice outside the range the table was built for still draws.
 */
export function applyLut(pixels: ArrayLike<number>, lut: Lut, rgba: Uint8ClampedArray | Uint8Array): void {
  const { table, offset } = lut;
  const last = table.length - 1;
  for (let i = 0, o = 0; i < pixels.length; i++, o += 4) {
    let k = (pixels[i] as number) - offset;
    if (k < 0) k = 0;
    else if (k > last) k = last;
    const g = table[k] as number;
    rgba[o] = g;
    rgba[o + 1] = g;
    rgba[o + 2] = g;
    rgba[o + 3] = 255;
  }
}

/** Smallest and largest stored value of some frames. */
export function storedRange(frames: readonly ArrayLike<number>[]): StoredRange {
  let min = Infinity;
  let max = -Infinity;
  for (const frame of frames) {
    for (let i = 0; i < frame.length; i++) {
      const v = frame[i] as number;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return Number.isFinite(min) ? { min, max } : { min: 0, max: 0 };
}

/** A histogram of stored values over some frames (integers), for percentiles. */
export interface Histogram {
  readonly counts: Uint32Array;
  readonly offset: number;
  readonly total: number;
}

export function histogram(frames: readonly ArrayLike<number>[], range: StoredRange): Histogram {
  const offset = Math.floor(range.min);
  const counts = new Uint32Array(Math.max(1, Math.ceil(range.max) - offset + 1));
  let total = 0;
  for (const frame of frames) {
    for (let i = 0; i < frame.length; i++) {
      const k = Math.round(frame[i] as number) - offset;
      if (k >= 0 && k < counts.length) {
        counts[k] = (counts[k] as number) + 1;
        total++;
      }
    }
  }
  return { counts, offset, total };
}

/** The stored value at a percentile (0..100) of a histogram. */
export function percentile(h: Histogram, p: number): number {
  if (h.total === 0) return h.offset;
  const target = (Math.min(100, Math.max(0, p)) / 100) * (h.total - 1);
  let seen = 0;
  for (let k = 0; k < h.counts.length; k++) {
    seen += h.counts[k] as number;
    if (seen > target) return k + h.offset;
  }
  return h.counts.length - 1 + h.offset;
}

/** The window that maps modality values lo..hi to black..white. */
export function windowBetween(lo: number, hi: number): WindowLevel {
  if (hi <= lo) return { center: lo + 0.5, width: 1 };
  return { center: (lo + hi) / 2 + 0.5, width: hi - lo + 1 };
}

function modality(stored: number, rescale: RescaleTransform): number {
  return stored * rescale.slope + rescale.intercept;
}

function between(h: Histogram, rescale: RescaleTransform, lowP: number, highP: number): WindowLevel {
  const a = modality(percentile(h, lowP), rescale);
  const b = modality(percentile(h, highP), rescale);
  return windowBetween(Math.min(a, b), Math.max(a, b));
}

/**
 * Presets. MR signal has no absolute scale (unlike CT's Hounsfield units), so apart from the header window they are
 * taken from the series' own histogram: "Soft tissue" narrows onto the mid intensities (10th..90th percentile, more
 * contrast for ligament and meniscus), "Bone" opens the low end (0.5th..70th percentile, marrow and cortex, dark in
 * fat-suppressed PD), "Full range" spans every stored value. "Default" is the header's WindowCenter/Width, or the
 * 0.5th..99.5th percentile window when the header has none.
 */
export function windowPresets(h: Histogram, range: StoredRange, rescale: RescaleTransform, header: WindowLevel | null): WindowPreset[] {
  const full = windowBetween(
    Math.min(modality(range.min, rescale), modality(range.max, rescale)),
    Math.max(modality(range.min, rescale), modality(range.max, rescale)),
  );
  return [
    { id: 'default', label: 'Default', window: header ?? between(h, rescale, 0.5, 99.5) },
    { id: 'soft-tissue', label: 'Soft tissue', window: between(h, rescale, 10, 90) },
    { id: 'bone', label: 'Bone', window: between(h, rescale, 0.5, 70) },
    { id: 'full-range', label: 'Full range', window: full },
  ];
}

/**
 * Mouse drag: horizontal movement changes the width, vertical the center (dragging down raises the center, which
 * darkens the image, as in most PACS viewers). `scale` is modality units per pixel of movement.
 */
export function dragWindow(start: WindowLevel, dx: number, dy: number, scale: number): WindowLevel {
  return { center: start.center + dy * scale, width: Math.max(1, start.width + dx * scale) };
}

/** Modality units per pixel of drag: the full range crosses in about 500 px, never below 0.1 per pixel. */
export function dragScale(range: StoredRange, rescale: RescaleTransform): number {
  return Math.max(0.1, (Math.abs(range.max - range.min) * Math.abs(rescale.slope)) / 500);
}

export function formatWindow(window: WindowLevel): string {
  const round = (v: number): string => (Math.abs(v) >= 100 ? String(Math.round(v)) : String(Math.round(v * 10) / 10));
  return `W ${round(window.width)} / L ${round(window.center)}`;
}

export function sameWindow(a: WindowLevel, b: WindowLevel): boolean {
  return a.center === b.center && a.width === b.width;
}

import { describe, expect, it } from 'vitest';
import { parseManifest, type ModelManifest } from './manifest.js';
import { buildModelInput, orderSlices, PreprocessError, resampleBilinear, sliceNormal, type SliceInput } from './preprocess.js';
import { validManifest } from './test-manifest.js';

const SAGITTAL = [0, 1, 0, 0, 0, -1];

function ramp(rows: number, columns: number, f: (r: number, c: number) => number): Float32Array {
  const out = new Float32Array(rows * columns);
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) out[r * columns + c] = f(r, c);
  return out;
}

describe('sliceNormal', () => {
  it('is row x column, normalised', () => {
    // Sagittal: rows run anterior->posterior (+y), columns head->feet (-z); the normal points to the patient's right (-x).
    expect(sliceNormal(SAGITTAL).map((v) => v + 0)).toEqual([-1, 0, 0]);
    expect(sliceNormal([1, 0, 0, 0, 1, 0]).map((v) => v + 0)).toEqual([0, 0, 1]);
    const [x, y, z] = sliceNormal([0, 0.6, 0.8, 0, 0.8, -0.6]);
    expect(Math.hypot(x, y, z)).toBeCloseTo(1, 12);
    expect(x).toBeCloseTo(-1, 12);
  });

  it('refuses parallel or malformed directions', () => {
    expect(() => sliceNormal([1, 0, 0, 1, 0, 0])).toThrow(PreprocessError);
    expect(() => sliceNormal([1, 0, 0])).toThrow(/6 finite values/);
  });
});

describe('orderSlices', () => {
  const slice = (position: number[] | null, instanceNumber: number | null): SliceInput => ({ pixels: [], rows: 0, columns: 0, position, instanceNumber });

  it('sorts by position along the normal, not by instance number', () => {
    // Along the sagittal normal (-x): x = 3 comes first, then 0, then -3.
    const slices = [slice([-3, 0, 0], 1), slice([3, 5, 5], 2), slice([0, -9, 2], 3)];
    expect(orderSlices(slices, SAGITTAL)).toEqual([1, 2, 0]);
  });

  it('falls back to InstanceNumber when a position is missing, then to arrival order', () => {
    expect(orderSlices([slice([-1, 0, 0], 3), slice(null, 1), slice([0, 0, 0], 2)], SAGITTAL)).toEqual([1, 2, 0]);
    expect(orderSlices([slice(null, null), slice(null, 4)], SAGITTAL)).toEqual([0, 1]);
  });
});

describe('resampleBilinear (PyTorch bilinear, align_corners=False)', () => {
  it('keeps an image of the same size unchanged', () => {
    const source = ramp(5, 7, (r, c) => r * 100 + c * c);
    const out = new Float32Array(35);
    resampleBilinear(source, 5, 7, 5, 7, out);
    expect(Array.from(out)).toEqual(Array.from(source));
  });

  it('halving averages each 2x2 block', () => {
    const source = ramp(4, 4, (r, c) => r * 4 + c);
    const out = new Float32Array(4);
    resampleBilinear(source, 4, 4, 2, 2, out);
    expect(Array.from(out)).toEqual([2.5, 4.5, 10.5, 12.5]);
  });

  it('upsampling clamps at the border and interpolates between centres', () => {
    const out = new Float32Array(4);
    resampleBilinear([0, 10], 1, 2, 1, 4, out);
    // Output centres at source x = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to the last pixel).
    expect(Array.from(out)).toEqual([0, 2.5, 7.5, 10]);
  });

  it('applies rescale slope and intercept', () => {
    const out = new Float32Array(1);
    resampleBilinear([10], 1, 1, 1, 1, out, 0, 2, -5);
    expect(out[0]).toBe(15);
  });

  it('refuses a frame shorter than rows x columns', () => {
    expect(() => resampleBilinear([1, 2, 3], 2, 2, 1, 1, new Float32Array(1))).toThrow(/3 pixels, expected 4/);
  });
});

describe('buildModelInput', () => {
  const manifest: ModelManifest = parseManifest({ ...validManifest(), input: { ...validManifest().input, height: 4, width: 4, slices: { min: 2, max: 3 } } });

  it('sorts, resamples and packs [slices, 1, H, W]', () => {
    const slices: SliceInput[] = [5, -5, 0].map((x) => ({
      pixels: new Uint16Array(64).fill(x + 100),
      rows: 8,
      columns: 8,
      position: [-x, 0, 0],
      instanceNumber: null,
    }));
    const input = buildModelInput(slices, SAGITTAL, manifest);
    expect(input.dims).toEqual([3, 1, 4, 4]);
    expect(input.order).toEqual([1, 2, 0]);
    expect(input.data.slice(0, 16).every((v) => v === 95)).toBe(true);
    expect(input.data.slice(32).every((v) => v === 105)).toBe(true);
  });

  it('refuses slice counts outside the manifest range with the numbers', () => {
    const one: SliceInput[] = [{ pixels: new Uint16Array(4), rows: 2, columns: 2, position: [0, 0, 0], instanceNumber: 1 }];
    expect(() => buildModelInput(one, SAGITTAL, manifest)).toThrow(/1 slices; model .* accepts 2 to 3/);
  });

  it('normalises outside the graph only when the manifest says so', () => {
    const outside = parseManifest({ ...validManifest(), input: { ...manifest.input, normalisation: { method: 'per-series-zscore', in_graph: false } } });
    const slices: SliceInput[] = [0, 1].map((x) => ({
      pixels: new Uint16Array(4).fill(x * 10),
      rows: 2,
      columns: 2,
      position: [-x, 0, 0],
      instanceNumber: null,
    }));
    const input = buildModelInput(slices, SAGITTAL, outside);
    const mean = input.data.reduce((a, b) => a + b, 0) / input.data.length;
    expect(Math.abs(mean)).toBeLessThan(1e-6);
    expect(input.data[0]).toBeCloseTo(-1, 6);
  });
});

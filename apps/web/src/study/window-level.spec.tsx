import { describe, expect, it } from 'vitest';
import {
  applyLut,
  buildLut,
  dragScale,
  dragWindow,
  formatWindow,
  histogram,
  percentile,
  storedRange,
  typeRange,
  voiToGray8,
  windowBetween,
  windowPresets,
} from './window-level.js';

describe('voiToGray8 (DICOM linear VOI)', () => {
  it('maps the window ends to black and white and the centre to mid grey', () => {
    const w = windowBetween(0, 200); // centre 100.5, width 201
    expect(voiToGray8(-1000, w)).toBe(0);
    expect(voiToGray8(0, w)).toBe(0);
    expect(voiToGray8(100, w)).toBe(128);
    expect(voiToGray8(200, w)).toBe(255);
    expect(voiToGray8(5000, w)).toBe(255);
  });

  it('is monotonic inside the window', () => {
    const w = { center: 500, width: 300 };
    let last = -1;
    for (let v = 300; v <= 700; v += 7) {
      const g = voiToGray8(v, w);
      expect(g).toBeGreaterThanOrEqual(last);
      last = g;
    }
  });

  it('treats widths below 1 as a threshold at the centre', () => {
    expect(voiToGray8(9, { center: 10, width: 0 })).toBe(0);
    expect(voiToGray8(10, { center: 10, width: 0 })).toBe(255);
  });
});

describe('buildLut / applyLut', () => {
  it('folds rescale and window into one table over the stored range', () => {
    const lut = buildLut({ min: 0, max: 10 }, { slope: 2, intercept: -10 }, { center: 0.5, width: 21 });
    expect(lut.offset).toBe(0);
    expect(lut.table.length).toBe(11);
    // stored 5 -> modality 0 -> just below the centre
    expect(lut.table[5]).toBe(voiToGray8(0, { center: 0.5, width: 21 }));
    expect(lut.table[0]).toBe(0);
    expect(lut.table[10]).toBe(255);
  });

  it('inverts for MONOCHROME1', () => {
    const lut = buildLut({ min: 0, max: 255 }, { slope: 1, intercept: 0 }, { center: 128, width: 256 }, true);
    expect(lut.table[0]).toBe(255);
    expect(lut.table[255]).toBe(0);
  });

  it('writes opaque grey RGBA and clamps values outside the table', () => {
    const lut = buildLut({ min: 0, max: 100 }, { slope: 1, intercept: 0 }, { center: 50.5, width: 101 });
    const pixels = new Int16Array([-5, 0, 50, 100, 200]);
    const rgba = new Uint8ClampedArray(pixels.length * 4);
    applyLut(pixels, lut, rgba);
    expect(Array.from(rgba.subarray(0, 4))).toEqual([0, 0, 0, 255]);
    expect(rgba[8]).toBe(lut.table[50]);
    expect(rgba[9]).toBe(lut.table[50]);
    expect(Array.from(rgba.subarray(16, 20))).toEqual([255, 255, 255, 255]);
  });

  it('covers the whole range of the pixel type', () => {
    expect(typeRange(new Uint16Array(1))).toEqual({ min: 0, max: 65535 });
    expect(typeRange(new Int16Array(1))).toEqual({ min: -32768, max: 32767 });
    expect(typeRange(new Uint8Array(1))).toEqual({ min: 0, max: 255 });
  });
});

describe('histogram / percentile / presets', () => {
  const frame = Uint16Array.from({ length: 1001 }, (_, i) => i);
  const range = storedRange([frame]);
  const h = histogram([frame], range);

  it('finds the range and percentiles', () => {
    expect(range).toEqual({ min: 0, max: 1000 });
    expect(percentile(h, 0)).toBe(0);
    expect(percentile(h, 50)).toBe(500);
    expect(percentile(h, 100)).toBe(1000);
  });

  it('offers Default (header), Soft tissue, Bone and Full range', () => {
    const presets = windowPresets(h, range, { slope: 1, intercept: 0 }, { center: 400, width: 800 });
    expect(presets.map((p) => p.label)).toEqual(['Default', 'Soft tissue', 'Bone', 'Full range']);
    expect(presets[0]!.window).toEqual({ center: 400, width: 800 });
    expect(presets[1]!.window).toEqual(windowBetween(100, 900));
    expect(presets[3]!.window).toEqual(windowBetween(0, 1000));
    // Soft tissue is narrower than full range.
    expect(presets[1]!.window.width).toBeLessThan(presets[3]!.window.width);
  });

  it('computes Default from the histogram without a header window', () => {
    const [def] = windowPresets(h, range, { slope: 1, intercept: 0 }, null);
    expect(def!.window).toEqual(windowBetween(5, 995));
  });
});

describe('dragWindow', () => {
  it('changes width horizontally and centre vertically, never below width 1', () => {
    const start = { center: 100, width: 200 };
    expect(dragWindow(start, 10, 0, 2)).toEqual({ center: 100, width: 220 });
    expect(dragWindow(start, 0, -10, 2)).toEqual({ center: 80, width: 200 });
    expect(dragWindow(start, -1000, 0, 2).width).toBe(1);
  });

  it('scales with the value range', () => {
    expect(dragScale({ min: 0, max: 1000 }, { slope: 1, intercept: 0 })).toBe(2);
    expect(dragScale({ min: 0, max: 10 }, { slope: 1, intercept: 0 })).toBe(0.1);
  });

  it('formats the readout', () => {
    expect(formatWindow({ center: 400.4, width: 1200 })).toBe('W 1200 / L 400');
    expect(formatWindow({ center: 12.34, width: 5.55 })).toBe('W 5.6 / L 12.3');
  });
});

import { describe, expect, it } from 'vitest';
import { CAM_COLOURS, CAM_TRANSPARENT_BELOW, CamFormatError, camColour, camLegendGradient, camToRgba, toCamVolume, upsampleCam } from './cam.js';

function camJson(overrides: Record<string, unknown> = {}) {
  // 2 slices, 2 classes, 2x2: slice s, class c, value = s*0.5 + c*0.25 at (0,0), 0 elsewhere.
  const data: number[] = [];
  for (let s = 0; s < 2; s++) for (let c = 0; c < 2; c++) data.push(s * 0.5 + c * 0.25, 0, 0, 0);
  return {
    findingId: 'f1',
    labels: ['healthy', 'complete_rupture'],
    shape: [2, 2, 2, 2],
    keySliceIndex: 1,
    sliceSopInstanceUids: ['1.1', '1.2'],
    data,
    ...overrides,
  };
}

describe('toCamVolume', () => {
  it('checks and indexes the API response', () => {
    const cam = toCamVolume(camJson());
    expect(cam.slices).toBe(2);
    expect(cam.classes).toBe(2);
    expect(cam.sliceBySop.get('1.2')).toBe(1);
    expect(cam.data).toBeInstanceOf(Float32Array);
  });

  it('rejects data that does not match the shape or labels', () => {
    expect(() => toCamVolume(camJson({ data: [1, 2] }))).toThrow(CamFormatError);
    expect(() => toCamVolume(camJson({ labels: ['a'] }))).toThrow(CamFormatError);
    expect(() => toCamVolume(camJson({ shape: [2, 2, 2] }))).toThrow(CamFormatError);
    expect(() => toCamVolume(null)).toThrow(CamFormatError);
  });
});

describe('upsampleCam (bilinear, half-pixel centres)', () => {
  it('keeps a constant map constant', () => {
    const cam = toCamVolume({ labels: ['a'], shape: [1, 1, 2, 2], data: [0.4, 0.4, 0.4, 0.4], sliceSopInstanceUids: ['x'] });
    const up = upsampleCam(cam, 0, 0, 7, 5);
    expect(up.length).toBe(35);
    for (const v of up) expect(v).toBeCloseTo(0.4, 6);
  });

  it('clamps corners to the source corners and interpolates between', () => {
    const cam = toCamVolume({ labels: ['a'], shape: [1, 1, 2, 2], data: [0, 1, 0, 1], sliceSopInstanceUids: ['x'] });
    const up = upsampleCam(cam, 0, 0, 4, 4);
    // Columns: x=0 -> sx=-0.25 clamps to 0; x=1 -> 0.25; x=2 -> 0.75; x=3 -> 1.25 clamps to 1.
    expect(Array.from(up.subarray(0, 4)).map((v) => Math.round(v * 100) / 100)).toEqual([0, 0.25, 0.75, 1]);
    // Same in every row (the map only varies along x).
    expect(Array.from(up.subarray(12, 16)).map((v) => Math.round(v * 100) / 100)).toEqual([0, 0.25, 0.75, 1]);
  });

  it('selects the slice and class', () => {
    const cam = toCamVolume(camJson());
    expect(upsampleCam(cam, 1, 1, 2, 2)[0]).toBeCloseTo(0.75, 6);
    expect(upsampleCam(cam, 0, 1, 2, 2)[0]).toBeCloseTo(0.25, 6);
    expect(upsampleCam(cam, 1, 0, 2, 2)[0]).toBeCloseTo(0.5, 6);
  });

  it('upsamples 8x8 to 256x256 quickly enough for scrolling', () => {
    const cam = toCamVolume({ labels: ['a'], shape: [1, 1, 8, 8], data: Array.from({ length: 64 }, (_, i) => i / 63), sliceSopInstanceUids: ['x'] });
    const up = upsampleCam(cam, 0, 0, 256, 256);
    expect(up.length).toBe(65536);
    expect(Math.min(...up)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...up)).toBeLessThanOrEqual(1);
  });
});

describe('colour map', () => {
  it('is transparent below the threshold and opaque-ish red at 1', () => {
    expect(camColour(0)[3]).toBe(0);
    expect(camColour(CAM_TRANSPARENT_BELOW - 0.01)[3]).toBe(0);
    expect(camColour(0.5)[3]).toBe(128);
    expect(camColour(1)).toEqual([200, 20, 20, 255]);
    expect(camColour(0).slice(0, 3)).toEqual([48, 18, 59]);
  });

  it('clamps out-of-range values and NaN', () => {
    expect(camColour(2)).toEqual(camColour(1));
    expect(camColour(-1)).toEqual(camColour(0));
    expect(camColour(Number.NaN)).toEqual(camColour(0));
  });

  it('writes RGBA per value like camColour', () => {
    const values = new Float32Array([0, 0.5, 1]);
    const rgba = new Uint8ClampedArray(12);
    camToRgba(values, rgba);
    expect(Array.from(rgba.subarray(4, 8))).toEqual(camColour(0.5));
    expect(Array.from(rgba.subarray(8, 12))).toEqual(camColour(1));
  });

  it('has 256 entries and a legend gradient from 0 to 1', () => {
    expect(CAM_COLOURS.length).toBe(768);
    const g = camLegendGradient(4);
    expect(g.startsWith('linear-gradient(to right, rgb(48, 18, 59) 0%')).toBe(true);
    expect(g.endsWith('rgb(200, 20, 20) 100%)')).toBe(true);
  });
});

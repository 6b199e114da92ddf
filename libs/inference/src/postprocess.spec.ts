import { describe, expect, it } from 'vitest';
import { parseManifest } from './manifest.js';
import { camFromFeatures, CAM_COLOURS, normaliseCam, OutputError, softmax, studyPriority, summarise, upsampleCamSlice } from './postprocess.js';
import { validManifest } from './test-manifest.js';

const manifest = parseManifest(validManifest()); // 4 labels, CAM 2x2

describe('softmax', () => {
  it('sums to 1 and is stable for large logits', () => {
    const p = softmax([1000, 1001, 999, 1000]);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(p[1]).toBeGreaterThan(p[0] ?? 1);
    expect(Array.from(p).every(Number.isFinite)).toBe(true);
  });
});

describe('summarise', () => {
  const slices = 3;
  const cam = new Float32Array(slices * 4 * 4);
  const sliceEvidence = new Float32Array(slices * 4);
  sliceEvidence[1 * 4 + 2] = 5; // slice 1 carries the most evidence for class 2
  sliceEvidence[2 * 4 + 0] = 9; // slice 2 for class 0

  it('predicts from the probabilities and picks the key slice from the evidence of the predicted class', () => {
    const summary = summarise({ logits: new Float32Array([0, 1, 4, 2]), cam, sliceEvidence }, manifest, slices);
    expect(summary.predictedLabel).toBe('partial_rupture');
    expect(summary.keySlice).toBe(1);
    expect(summary.probabilities.map((p) => p.label)).toEqual(manifest.labels);
    expect(summary.pUnhealthy).toBeCloseTo(1 - (summary.probabilities[0]?.probability ?? 0), 12);
    expect(summary.priority).toBeGreaterThan(50);
  });

  it('without slice evidence the key slice is the CAM peak of the predicted class', () => {
    const peaked = new Float32Array(cam);
    peaked[(2 * 4 + 0) * 4 + 3] = 1; // slice 2, class 0
    const summary = summarise({ logits: new Float32Array([5, 0, 0, 0]), cam: peaked }, manifest, slices);
    expect(summary.predictedLabel).toBe('healthy');
    expect(summary.keySlice).toBe(2);
    expect(summary.priority).toBeLessThan(10);
  });

  it('refuses outputs whose shapes or values are wrong', () => {
    expect(() => summarise({ logits: new Float32Array(3), cam }, manifest, slices)).toThrow(/3 values, the manifest has 4 labels/);
    expect(() => summarise({ logits: new Float32Array(4), cam: new Float32Array(5) }, manifest, slices)).toThrow(OutputError);
    expect(() => summarise({ logits: new Float32Array([NaN, 0, 0, 0]), cam }, manifest, slices)).toThrow(/non-finite/);
    expect(() => summarise({ logits: new Float32Array(4), probs: new Float32Array([0.5, 0.1, 0.1, 0.1]), cam }, manifest, slices)).toThrow(/sum to 0.8/);
  });
});

describe('studyPriority', () => {
  it('orders certain complete ruptures above uncertain strains above healthy', () => {
    const complete = studyPriority([0, 0, 0, 1], 0);
    const strain = studyPriority([0.5, 0.5, 0, 0], 0);
    const healthy = studyPriority([1, 0, 0, 0], 0);
    expect(complete).toBe(100);
    expect(healthy).toBe(0);
    expect(strain).toBeGreaterThan(healthy);
    expect(strain).toBeLessThan(complete);
  });
});

describe('CAM maths', () => {
  it('normalises each class over the series to 0..1 with negatives cut', () => {
    const cam = new Float32Array([-1, 2, 4, 0, /* class 1 */ -3, -3, -3, -3, /* slice 1 class 0 */ 8, 0, 0, 0, /* class 1 */ 0, 0, 0, 0]);
    const out = normaliseCam(cam, 2, 2, 2, 2);
    expect(Array.from(out.slice(0, 4))).toEqual([0, 0.25, 0.5, 0]);
    expect(out[8]).toBe(1);
    expect(Array.from(out.slice(4, 8))).toEqual([0, 0, 0, 0]);
  });

  it('computes CAM = sum_k w[c,k] A_k', () => {
    const features = new Float32Array([1, 2, /* k1 */ 10, 20]); // 1 slice, 2 channels, size 2
    const weights = new Float32Array([1, 0.5, /* class 1 */ -1, 0]);
    expect(Array.from(camFromFeatures(features, weights, 1, 2, 2, 2))).toEqual([6, 12, -1, -2]);
    expect(() => camFromFeatures(features, new Float32Array(3), 1, 2, 2, 2)).toThrow(/head weights/);
  });

  it('upsamples a class map keeping its range and corners', () => {
    const cam = new Float32Array([0, 1, 1, 0, /* class 1 */ 0, 0, 0, 0]);
    const up = upsampleCamSlice(cam, 0, 0, 2, 2, 2, 8, 8);
    expect(up[0]).toBe(0);
    expect(up[7]).toBe(1);
    expect(Math.max(...up)).toBeLessThanOrEqual(1);
    expect(Math.min(...up)).toBeGreaterThanOrEqual(0);
  });

  it('has a 256-entry colour map from dark to red', () => {
    expect(CAM_COLOURS).toHaveLength(768);
    expect(CAM_COLOURS[255 * 3]).toBeGreaterThan(CAM_COLOURS[0] ?? 255);
  });
});

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseManifest } from './manifest.js';
import { checkModel, LoadedModel } from './onnx-session.js';
import { summarise } from './postprocess.js';
import { buildModelInput, type SliceInput } from './preprocess.js';

/** Golden vectors exported by ml/ (PyTorch) beside the bundled model; CI checks the TypeScript path against them. */
const MODEL_DIR = path.resolve(import.meta.dirname, '../../../models/acl-phantom-mrnet/1.0.0');

interface GoldenCase {
  id: string;
  label: string;
  file: string;
  rows: number;
  columns: number;
  slices: number;
  image_orientation_patient: number[];
  image_position_patient: number[][];
  expected: { logits: number[]; probs: number[]; predicted: string; slice_evidence: number[][]; cam: number[]; key_slice: number };
}

const manifestJson: unknown = JSON.parse(readFileSync(path.join(MODEL_DIR, 'manifest.json'), 'utf8'));
const manifest = parseManifest(manifestJson);
const modelBytes = readFileSync(path.join(MODEL_DIR, manifest.onnx_file));
const golden = JSON.parse(readFileSync(path.join(MODEL_DIR, 'golden', 'golden.json'), 'utf8')) as { cases: GoldenCase[] };

function slicesOf(c: GoldenCase): SliceInput[] {
  const raw = gunzipSync(readFileSync(path.join(MODEL_DIR, 'golden', c.file)));
  const size = c.rows * c.columns;
  expect(raw.length).toBe(c.slices * size * 2);
  return Array.from({ length: c.slices }, (_, s) => {
    const pixels = new Uint16Array(size);
    for (let i = 0; i < size; i++) pixels[i] = raw.readUInt16LE((s * size + i) * 2);
    return { pixels, rows: c.rows, columns: c.columns, position: c.image_position_patient[s] ?? null, instanceNumber: null };
  });
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return max;
};

describe('bundled model: TypeScript preprocessing + onnxruntime-node = PyTorch', () => {
  it('the manifest names the committed .onnx by its SHA-256 and says it is not for clinical use', () => {
    expect(createHash('sha256').update(modelBytes).digest('hex')).toBe(manifest.sha256);
    expect(manifest.intended_use).toMatch(/not for clinical use/);
    expect(manifest.intended_use).toMatch(/synthetic phantoms/);
    expect(modelBytes.length).toBeLessThan(5 * 1024 * 1024);
  });

  it('passes the registry checks (names, shapes, smoke runs)', async () => {
    const model = await checkModel(modelBytes, manifest);
    await model.release();
  });

  it.each(golden.cases.map((c) => [c.id, c] as const))('%s: logits within 1e-4, CAMs within 1e-3, same class and key slice', async (_id, c) => {
    const model = await LoadedModel.load(modelBytes, manifest, { intraOpThreads: 1 });
    try {
      const input = buildModelInput(slicesOf(c), c.image_orientation_patient, manifest);
      const output = await model.run(input);
      const logitsDiff = maxAbsDiff(output.logits, c.expected.logits);
      const camDiff = maxAbsDiff(output.cam, c.expected.cam);
      process.stdout.write(`golden ${c.id}: max |TS+onnxruntime - PyTorch| logits ${logitsDiff.toExponential(2)}, cam ${camDiff.toExponential(2)}\n`);
      expect(logitsDiff).toBeLessThanOrEqual(1e-4);
      if (output.probs) expect(maxAbsDiff(output.probs, c.expected.probs)).toBeLessThanOrEqual(1e-4);
      expect(camDiff).toBeLessThanOrEqual(1e-3);
      if (output.sliceEvidence) expect(maxAbsDiff(output.sliceEvidence, c.expected.slice_evidence.flat())).toBeLessThanOrEqual(1e-3);
      const summary = summarise(output, manifest, c.slices);
      expect(summary.predictedLabel).toBe(c.expected.predicted);
      expect(summary.keySlice).toBe(c.expected.key_slice);
      // The phantom's true label: the model gets these held-out cases right.
      expect(summary.predictedLabel).toBe(c.label);
    } finally {
      await model.release();
    }
  });
});

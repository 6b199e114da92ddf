import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifest, type ModelManifest } from './manifest.js';
import { checkModel, LoadedModel, ModelCheckError, smokeSeries } from './onnx-session.js';
import { buildModelInput } from './preprocess.js';
import { summarise } from './postprocess.js';
import { validManifest } from './test-manifest.js';

const fixture = (name: string): Uint8Array => readFileSync(path.resolve(import.meta.dirname, '../fixtures', name));
const tiny = fixture('tiny-valid.onnx');
const manifestFor = (overrides: Record<string, unknown> = {}): ModelManifest => {
  const base = validManifest();
  return parseManifest({ ...base, cam: { ...(base.cam as object), height: 8, width: 8 }, ...overrides });
};

async function reasonsOf(bytes: Uint8Array, manifest: ModelManifest): Promise<readonly string[]> {
  try {
    const model = await checkModel(bytes, manifest);
    await model.release();
  } catch (err) {
    expect(err).toBeInstanceOf(ModelCheckError);
    return (err as ModelCheckError).reasons;
  }
  return [];
}

describe('LoadedModel', () => {
  it('runs any slice count in range and returns the shapes the manifest promises', async () => {
    const manifest = manifestFor();
    const model = await LoadedModel.load(tiny, manifest, { intraOpThreads: 1 });
    try {
      for (const count of [12, 28]) {
        const series = smokeSeries(count);
        const output = await model.run(buildModelInput(series.slices, series.orientation, manifest));
        expect(output.logits).toHaveLength(4);
        expect(output.cam).toHaveLength(count * 4 * 8 * 8);
        expect(output.sliceEvidence).toHaveLength(count * 4);
        const summary = summarise(output, manifest, count);
        expect(summary.probabilities.reduce((a, p) => a + p.probability, 0)).toBeCloseTo(1, 5);
      }
    } finally {
      await model.release();
    }
  });

  it('falls back to the CPU with the reason when CUDA is asked for but not installed', async () => {
    const reasons: string[] = [];
    const model = await LoadedModel.load(tiny, manifestFor(), { executionProvider: 'cuda' }, (r) => reasons.push(r));
    try {
      // This machine's onnxruntime-node has no CUDA provider (a GPU image installs it at build time).
      expect(model.executionProvider).toBe('cpu');
      expect(reasons).toHaveLength(1);
      expect(reasons[0]?.length).toBeGreaterThan(0);
    } finally {
      await model.release();
    }
  });
});

describe('checkModel', () => {
  it('accepts a model whose names, shapes and smoke runs match its manifest', async () => {
    expect(await reasonsOf(tiny, manifestFor())).toEqual([]);
  });

  it('refuses a corrupt file', async () => {
    const reasons = await reasonsOf(tiny.subarray(0, 300), manifestFor());
    expect(reasons[0]).toMatch(/^the ONNX file does not load in onnxruntime/);
  });

  it('refuses a manifest that lies about the input name or size', async () => {
    const m = validManifest();
    expect(await reasonsOf(tiny, manifestFor({ input: { ...m.input, name: 'image' } }))).toEqual([
      "the model's inputs are [series], the manifest says [image]",
    ]);
    expect(await reasonsOf(tiny, manifestFor({ input: { ...m.input, height: 64 } }))).toEqual([
      'input "series" has shape [slices, 1, 128, 128], the manifest says [slices, 1, 64, 128]',
    ]);
  });

  it('refuses a manifest that names outputs the model lacks', async () => {
    const reasons = await reasonsOf(tiny, manifestFor({ outputs: { logits: 'scores', cam: 'cam' } }));
    expect(reasons).toEqual(['the model has no output "scores" (it has logits, probs, cam, slice_evidence)']);
  });

  it('refuses a manifest that lies about the labels or the CAM size', async () => {
    const threeLabels = await reasonsOf(tiny, manifestFor({ labels: ['healthy', 'strain', 'rupture'] }));
    expect(threeLabels[0]).toMatch(/returned 4 logits for 3 labels/);
    const camSize = await reasonsOf(tiny, manifestFor({ cam: { ...(validManifest().cam as object), height: 4, width: 4 } }));
    expect(camSize[0]).toMatch(/"cam" has \d+ values, the manifest says 8x4x4x4/);
  });

  it('refuses a model whose smoke run gives NaN probabilities', async () => {
    const reasons = await reasonsOf(fixture('nan-probs.onnx'), manifestFor());
    expect(reasons[0]).toMatch(/smoke run with 8 slices: .*non-finite/);
  });
});

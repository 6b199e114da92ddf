import * as ort from 'onnxruntime-node';
import type { ModelManifest } from './manifest.js';
import { OutputError, type RawModelOutput, summarise } from './postprocess.js';
import { buildModelInput, type ModelInput, type SliceInput } from './preprocess.js';

export type ExecutionProvider = 'cpu' | 'cuda';

export interface SessionOptions {
  readonly executionProvider?: ExecutionProvider;
  /** Threads one run may use (onnxruntime intra-op threads); 0 lets onnxruntime choose. */
  readonly intraOpThreads?: number;
}

/** Why a model was refused: every reason found, each specific. */
export class ModelCheckError extends Error {
  constructor(readonly reasons: readonly string[]) {
    super(reasons.join('; '));
    this.name = 'ModelCheckError';
  }
}

/** A loaded model version: one onnxruntime session, reused for every run. */
export class LoadedModel {
  private constructor(
    readonly manifest: ModelManifest,
    private readonly session: ort.InferenceSession,
    /** The provider the session actually runs on. */
    readonly executionProvider: ExecutionProvider,
  ) {}

  /**
   * Creates the session. `cuda` needs onnxruntime-node's CUDA provider libraries; when they are missing the session is
   * created on the CPU and `onFallback` is told why.
   */
  static async load(bytes: Uint8Array, manifest: ModelManifest, options: SessionOptions = {}, onFallback?: (reason: string) => void): Promise<LoadedModel> {
    const base: ort.InferenceSession.SessionOptions = {
      graphOptimizationLevel: 'all',
      ...(options.intraOpThreads ? { intraOpNumThreads: options.intraOpThreads, interOpNumThreads: 1 } : {}),
    };
    if (options.executionProvider === 'cuda') {
      try {
        const session = await ort.InferenceSession.create(bytes, { ...base, executionProviders: ['cuda'], logSeverityLevel: 4 });
        return new LoadedModel(manifest, session, 'cuda');
      } catch (err) {
        onFallback?.(err instanceof Error ? err.message : String(err));
      }
    }
    const session = await ort.InferenceSession.create(bytes, { ...base, executionProviders: ['cpu'] });
    return new LoadedModel(manifest, session, 'cpu');
  }

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  get inputMetadata(): readonly ort.InferenceSession.ValueMetadata[] {
    return this.session.inputMetadata;
  }

  /** One run on a prepared input tensor. */
  async run(input: ModelInput): Promise<RawModelOutput> {
    const outputs = this.manifest.outputs;
    const feeds = { [this.manifest.input.name]: new ort.Tensor('float32', input.data, [...input.dims]) };
    const result = await this.session.run(feeds);
    const floats = (outputName: string | undefined): Float32Array | undefined => {
      if (outputName === undefined) return undefined;
      const tensor = result[outputName];
      if (!tensor) throw new OutputError(`the model returned no output "${outputName}"`);
      if (tensor.type !== 'float32') throw new OutputError(`output "${outputName}" is ${tensor.type}, not float32`);
      return tensor.data as Float32Array;
    };
    const logits = floats(outputs.logits) as Float32Array;
    const cam = floats(outputs.cam) as Float32Array;
    const probs = floats(outputs.probs);
    const sliceEvidence = floats(outputs.slice_evidence);
    for (const tensor of Object.values(result)) tensor.dispose();
    return { logits, cam, ...(probs ? { probs } : {}), ...(sliceEvidence ? { sliceEvidence } : {}) };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/**
 * A deterministic built-in series for smoke runs: a bright oblique band on a gradient with mild structured noise, in
 * 12-bit range, `rows` x `columns`, sagittal positions.
 */
export function smokeSeries(slices: number, rows = 160, columns = 160): { slices: SliceInput[]; orientation: number[] } {
  const out: SliceInput[] = [];
  for (let s = 0; s < slices; s++) {
    const pixels = new Uint16Array(rows * columns);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < columns; c++) {
        const band = Math.abs(r - c * 0.8 - rows * 0.1) < rows * 0.04 && Math.abs(s - slices / 2) < slices / 4 ? 1500 : 0;
        pixels[r * columns + c] = 300 + Math.round((r / rows) * 800 + (c / columns) * 400 + band + ((r * 7 + c * 13 + s * 31) % 97));
      }
    }
    out.push({ pixels, rows, columns, position: [-(s - slices / 2) * 3, 0, 0], instanceNumber: s + 1 });
  }
  return { slices: out, orientation: [0, 1, 0, 0, 0, -1] };
}

function dimsMatch(actual: readonly (number | string)[] | undefined, expected: readonly (number | null)[]): boolean {
  if (!actual || actual.length !== expected.length) return false;
  return expected.every((e, i) => e === null || typeof actual[i] !== 'number' || actual[i] === e);
}

/**
 * Everything the registry checks before a model version is accepted, beyond the manifest schema: the file loads in
 * onnxruntime, its input and output names and shapes are the manifest's, and runs on the built-in series at the
 * smallest and a typical slice count return the shapes the manifest promises and finite probabilities that sum to 1.
 * Returns the loaded model (the caller releases it); throws ModelCheckError listing every problem.
 */
export async function checkModel(bytes: Uint8Array, manifest: ModelManifest): Promise<LoadedModel> {
  let model: LoadedModel;
  try {
    model = await LoadedModel.load(bytes, manifest, { intraOpThreads: 1 });
  } catch (err) {
    throw new ModelCheckError([`the ONNX file does not load in onnxruntime: ${(err instanceof Error ? err.message : String(err)).split('\n')[0] ?? ''}`]);
  }
  const reasons: string[] = [];
  const { input, outputs, labels, cam } = manifest;
  if (model.inputNames.length !== 1 || model.inputNames[0] !== input.name) {
    reasons.push(`the model's inputs are [${model.inputNames.join(', ')}], the manifest says [${input.name}]`);
  } else {
    const meta = model.inputMetadata[0];
    const shape = meta && meta.isTensor ? meta.shape : undefined;
    if (meta && meta.isTensor && meta.type !== 'float32') reasons.push(`input "${input.name}" is ${meta.type}, the manifest says float32`);
    if (!dimsMatch(shape, [null, 1, input.height, input.width])) {
      reasons.push(`input "${input.name}" has shape [${(shape ?? []).join(', ')}], the manifest says [slices, 1, ${input.height}, ${input.width}]`);
    }
  }
  const declared = [outputs.logits, outputs.probs, outputs.cam, outputs.slice_evidence].filter((n): n is string => n !== undefined);
  const missing = declared.filter((n) => !model.outputNames.includes(n));
  if (missing.length > 0) reasons.push(`the model has no output ${missing.map((n) => `"${n}"`).join(', ')} (it has ${model.outputNames.join(', ')})`);
  if (reasons.length === 0) {
    const classes = labels.length;
    const counts = [...new Set([input.slices.min, Math.min(Math.max(16, input.slices.min), input.slices.max)])];
    for (const count of counts) {
      const series = smokeSeries(count);
      try {
        const output = await model.run(buildModelInput(series.slices, series.orientation, manifest));
        if (output.logits.length !== classes) {
          reasons.push(`with ${count} slices the model returned ${output.logits.length} logits for ${classes} labels`);
          break;
        }
        const camExpected = count * classes * cam.height * cam.width;
        if (output.cam.length !== camExpected) {
          reasons.push(
            `with ${count} slices "${outputs.cam}" has ${output.cam.length} values, the manifest says ${count}x${classes}x${cam.height}x${cam.width}`,
          );
          break;
        }
        summarise(output, manifest, count);
      } catch (err) {
        reasons.push(`smoke run with ${count} slices: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
        break;
      }
    }
  }
  if (reasons.length > 0) {
    await model.release();
    throw new ModelCheckError(reasons);
  }
  return model;
}

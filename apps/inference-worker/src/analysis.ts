import { decodeFrame, parseInstance, PixelDecodeError, type ParsedInstance } from '@cruciate/dicom';
import {
  buildModelInput,
  type InferenceSummary,
  LoadedModel,
  type ModelManifest,
  normaliseCam,
  OutputError,
  PreprocessError,
  type SessionOptions,
  type SliceInput,
  summarise,
} from '@cruciate/inference';
import { DicomRejectError } from '@cruciate/dicom';
import { PermanentJobError } from './errors.js';

export interface AnalysisTimings {
  decodeMs: number;
  preprocessMs: number;
  inferenceMs: number;
  camMs: number;
}

export interface AnalysisResult {
  readonly summary: InferenceSummary;
  /** Display CAMs (0..1) [slices, classes, h, w] in the model's slice order. */
  readonly cam: Float32Array;
  readonly camShape: readonly [number, number, number, number];
  /** order[i] = index into the given files of the i-th slice. */
  readonly order: readonly number[];
  readonly timings: AnalysisTimings;
  readonly executionProvider: string;
}

/** Pixels of one instance as model input: stored values, with the rescale the preprocessing applies. */
async function sliceOf(bytes: Uint8Array, parsed: ParsedInstance): Promise<SliceInput> {
  const { rows, columns } = parsed;
  if (rows === null || columns === null) throw new PermanentJobError(`instance ${parsed.sopInstanceUid} has no Rows/Columns`);
  if ((parsed.samplesPerPixel ?? 1) !== 1)
    throw new PermanentJobError(`instance ${parsed.sopInstanceUid} is not monochrome (SamplesPerPixel ${parsed.samplesPerPixel})`);
  const pixels = await decodeFrame(bytes, parsed, 0);
  return {
    pixels,
    rows,
    columns,
    position: parsed.imagePositionPatient,
    instanceNumber: parsed.instanceNumber,
    rescaleSlope: parsed.rescaleSlope ?? 1,
    rescaleIntercept: parsed.rescaleIntercept ?? 0,
  };
}

/**
 * Decode -> preprocess -> model -> CAM for one series, with the time of each stage. Errors that retrying cannot fix
 * become PermanentJobError.
 */
export class SeriesAnalyzer {
  private readonly models = new Map<string, Promise<LoadedModel>>();

  constructor(
    private readonly options: SessionOptions,
    private readonly onFallback: (reason: string) => void,
  ) {}

  /** Loads (once) and warms up a model version. */
  model(versionId: string, manifest: ModelManifest, bytes: () => Promise<Uint8Array>): Promise<LoadedModel> {
    let loading = this.models.get(versionId);
    if (!loading) {
      loading = (async () => {
        const model = await LoadedModel.load(await bytes(), manifest, this.options, this.onFallback);
        await warmUp(model);
        return model;
      })();
      loading.catch(() => this.models.delete(versionId));
      this.models.set(versionId, loading);
    }
    return loading;
  }

  hasModel(versionId: string): boolean {
    return this.models.has(versionId);
  }

  async analyze(model: LoadedModel, files: readonly Uint8Array[]): Promise<AnalysisResult> {
    const manifest = model.manifest;
    try {
      let t = performance.now();
      const slices: SliceInput[] = [];
      let orientation: readonly number[] | null = null;
      for (const bytes of files) {
        const parsed = parseInstance(bytes);
        orientation ??= parsed.imageOrientationPatient;
        slices.push(await sliceOf(bytes, parsed));
      }
      const decodeMs = performance.now() - t;
      t = performance.now();
      const input = buildModelInput(slices, orientation, manifest);
      const preprocessMs = performance.now() - t;
      t = performance.now();
      const output = await model.run(input);
      const inferenceMs = performance.now() - t;
      t = performance.now();
      const count = input.dims[0];
      const summary = summarise(output, manifest, count);
      const cam = normaliseCam(output.cam, count, manifest.labels.length, manifest.cam.height, manifest.cam.width);
      const camMs = performance.now() - t;
      return {
        summary,
        cam,
        camShape: [count, manifest.labels.length, manifest.cam.height, manifest.cam.width],
        order: input.order,
        timings: { decodeMs, preprocessMs, inferenceMs, camMs },
        executionProvider: model.executionProvider,
      };
    } catch (err) {
      if (err instanceof PixelDecodeError && !err.permanent) throw err;
      if (err instanceof PixelDecodeError || err instanceof DicomRejectError || err instanceof PreprocessError || err instanceof OutputError) {
        throw new PermanentJobError(err.message);
      }
      throw err;
    }
  }

  async close(): Promise<void> {
    for (const loading of this.models.values()) await (await loading.catch(() => null))?.release();
    this.models.clear();
  }
}

async function warmUp(model: LoadedModel): Promise<void> {
  const { height, width, slices } = model.manifest.input;
  const count = Math.min(Math.max(16, slices.min), slices.max);
  const data = new Float32Array(count * height * width);
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) % 1000;
  await model.run({ data, dims: [count, 1, height, width], order: [] });
}

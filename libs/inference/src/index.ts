export { modelManifestSchema, parseManifest, isNotForClinicalUse, ManifestError, NOT_FOR_CLINICAL_USE, type ModelManifest } from './manifest.js';
export { buildModelInput, orderSlices, resampleBilinear, sliceNormal, zscoreInPlace, PreprocessError, type ModelInput, type SliceInput } from './preprocess.js';
export {
  argmax,
  camFromFeatures,
  CAM_COLOURS,
  normaliseCam,
  OutputError,
  softmax,
  studyPriority,
  summarise,
  upsampleCamSlice,
  type InferenceSummary,
  type LabelProbability,
  type RawModelOutput,
} from './postprocess.js';
export { checkModel, LoadedModel, ModelCheckError, smokeSeries, type ExecutionProvider, type SessionOptions } from './onnx-session.js';

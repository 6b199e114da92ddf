export {
  TRANSFER_SYNTAX,
  SOP_CLASS,
  DicomRejectError,
  type DicomRejectCode,
  type ParsedInstance,
  type SeriesSummary,
  type SeriesSelection,
  type Plane,
} from './types.js';
export {
  parseInstance,
  parseInstanceHead,
  readInstanceHead,
  completeInstanceHead,
  type InstanceHead,
  inflatePart10,
  expectedPixelDataLength,
  DEFAULT_MAX_INSTANCE_BYTES,
  UNCOMPRESSED_TRANSFER_SYNTAXES,
  type ParseInstanceOptions,
} from './parse-instance.js';
export {
  planeOf,
  selectSeries,
  chooseSeries,
  seriesHints,
  PLANE_DOMINANCE,
  DEFAULT_MIN_INSTANCES,
  type SeriesHints,
  type SelectSeriesOptions,
  type SeriesDecision,
  type PlaneSource,
} from './series-selection.js';
export {
  decodeUncompressedFrame,
  applyRescale,
  windowToGray8,
  defaultWindow,
  encodePngGray8,
  encodePngRgba,
  crc32,
  type PixelFrame,
  type Window,
  type DefaultWindowOptions,
} from './pixels.js';
export { PixelDecodeError, type PixelDecodeErrorCode, type PixelDecodeErrorOptions } from './pixels-errors.js';
export { decodeFrame, monochromeLayout, storedValues, DECODABLE_TRANSFER_SYNTAXES, type MonochromeLayout } from './pixels-decode.js';
export { initPixelCodecs } from './pixels-codecs.js';
export { describeTransferSyntax } from './pixels-transfer-syntax.js';
export { toDicomJson, BULK_DATA_VRS } from './dicom-json.js';

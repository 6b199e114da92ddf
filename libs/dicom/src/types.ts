/** Transfer syntaxes the platform accepts, by UID. */
export const TRANSFER_SYNTAX = {
  IMPLICIT_VR_LITTLE_ENDIAN: '1.2.840.10008.1.2',
  EXPLICIT_VR_LITTLE_ENDIAN: '1.2.840.10008.1.2.1',
  DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN: '1.2.840.10008.1.2.1.99',
  EXPLICIT_VR_BIG_ENDIAN: '1.2.840.10008.1.2.2',
  JPEG_BASELINE: '1.2.840.10008.1.2.4.50',
  JPEG_LOSSLESS_P14: '1.2.840.10008.1.2.4.57',
  JPEG_LOSSLESS_SV1: '1.2.840.10008.1.2.4.70',
  JPEG_LS_LOSSLESS: '1.2.840.10008.1.2.4.80',
  JPEG_LS_NEAR_LOSSLESS: '1.2.840.10008.1.2.4.81',
  JPEG_2000_LOSSLESS: '1.2.840.10008.1.2.4.90',
  JPEG_2000: '1.2.840.10008.1.2.4.91',
  RLE_LOSSLESS: '1.2.840.10008.1.2.5',
} as const;

/** SOP classes the platform stores. */
export const SOP_CLASS = {
  MR_IMAGE: '1.2.840.10008.5.1.4.1.1.4',
  ENHANCED_MR_IMAGE: '1.2.840.10008.5.1.4.1.1.4.1',
  SECONDARY_CAPTURE: '1.2.840.10008.5.1.4.1.1.7',
} as const;

/** Why an instance was refused. Each maps to a DIMSE status and a STOW-RS FailureReason. */
export type DicomRejectCode =
  | 'NOT_DICOM' // no DICM preamble / not Part 10
  | 'TRUNCATED' // ends inside an element / element length runs past the end
  | 'MISSING_ATTRIBUTE' // a required UID or attribute is absent
  | 'INVALID_ATTRIBUTE' // present but malformed (bad UID syntax, meta/dataset SOP mismatch)
  | 'SOP_CLASS_NOT_SUPPORTED'
  | 'TRANSFER_SYNTAX_NOT_SUPPORTED'
  | 'PIXEL_DATA_MISMATCH' // uncompressed pixel data length != rows*cols*frames*samples*bitsAllocated/8
  | 'TOO_LARGE';

export class DicomRejectError extends Error {
  constructor(
    readonly code: DicomRejectCode,
    message: string,
  ) {
    super(message);
    this.name = 'DicomRejectError';
  }
}

/** What ingest needs from one instance header (read fast, without decoding pixels). */
export interface ParsedInstance {
  readonly transferSyntaxUid: string;
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
  readonly patientId: string | null;
  readonly patientSex: string | null;
  /** Year only (DESIGN: birth_year). */
  readonly patientBirthYear: number | null;
  readonly studyDate: string | null; // YYYYMMDD
  readonly studyTime: string | null;
  readonly accessionNumber: string | null;
  readonly studyDescription: string | null;
  readonly modality: string | null;
  readonly seriesDescription: string | null;
  readonly seriesNumber: number | null;
  readonly bodyPartExamined: string | null;
  readonly instanceNumber: number | null;
  readonly imageOrientationPatient: readonly number[] | null; // 6 values
  readonly imagePositionPatient: readonly number[] | null; // 3 values
  readonly sliceLocation: number | null;
  readonly sliceThickness: number | null;
  readonly pixelSpacing: readonly number[] | null;
  readonly rows: number | null;
  readonly columns: number | null;
  readonly bitsAllocated: number | null;
  readonly bitsStored: number | null;
  readonly pixelRepresentation: number | null;
  readonly samplesPerPixel: number | null;
  readonly photometricInterpretation: string | null;
  readonly numberOfFrames: number;
  readonly windowCenter: number | null;
  readonly windowWidth: number | null;
  readonly rescaleSlope: number | null;
  readonly rescaleIntercept: number | null;
  /** Byte offset and length of the PixelData value (uncompressed), or of the encapsulated fragments. */
  readonly pixelData: { readonly offset: number; readonly length: number; readonly encapsulated: boolean } | null;
}

/** The per-series facts selection decides on. */
export interface SeriesSummary {
  readonly modality: string | null;
  readonly seriesDescription: string | null;
  readonly bodyPartExamined: string | null;
  readonly imageOrientationPatient: readonly number[] | null;
  readonly instanceCount: number;
}

export type Plane = 'SAGITTAL' | 'CORONAL' | 'AXIAL' | 'OBLIQUE' | 'UNKNOWN';

export interface SeriesSelection {
  readonly selected: boolean;
  readonly plane: Plane;
  /** Human-readable reason, stored either way (shown when a study is NOT_APPLICABLE). */
  readonly reason: string;
}

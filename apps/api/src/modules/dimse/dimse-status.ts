import type { DicomRejectCode } from '@cruciate/dicom';
import { IngestError } from '../ingest/ingest.errors.js';

/** C-STORE response statuses the listener sends (PS3.4 Table B.2-1, PS3.7 Annex C). */
export const DimseStatus = {
  SUCCESS: 0x0000,
  /** Refused: SOP Class not supported. */
  SOP_CLASS_NOT_SUPPORTED: 0x0122,
  /** Refused: Out of resources. */
  OUT_OF_RESOURCES: 0xa700,
  /** Error: Data Set does not match SOP Class. */
  DATASET_DOES_NOT_MATCH_SOP_CLASS: 0xa900,
  /** Error: Cannot understand. */
  CANNOT_UNDERSTAND: 0xc000,
  /** Error: processing failure (ours, in the "cannot understand" range): anything unexpected on our side. */
  PROCESSING_FAILURE: 0xc001,
} as const;

export interface DimseStatusResult {
  readonly status: number;
  /** Goes into the response's Error Comment (0000,0902): LO, at most 64 characters, no backslash. */
  readonly comment: string;
}

/** Longest Error Comment (VR LO). */
export const ERROR_COMMENT_MAX = 64;

const REJECT_STATUS: Record<DicomRejectCode, number> = {
  NOT_DICOM: DimseStatus.CANNOT_UNDERSTAND,
  TRUNCATED: DimseStatus.CANNOT_UNDERSTAND,
  MISSING_ATTRIBUTE: DimseStatus.DATASET_DOES_NOT_MATCH_SOP_CLASS,
  INVALID_ATTRIBUTE: DimseStatus.DATASET_DOES_NOT_MATCH_SOP_CLASS,
  PIXEL_DATA_MISMATCH: DimseStatus.DATASET_DOES_NOT_MATCH_SOP_CLASS,
  TRANSFER_SYNTAX_NOT_SUPPORTED: DimseStatus.DATASET_DOES_NOT_MATCH_SOP_CLASS,
  SOP_CLASS_NOT_SUPPORTED: DimseStatus.SOP_CLASS_NOT_SUPPORTED,
  TOO_LARGE: DimseStatus.OUT_OF_RESOURCES,
};

/**
 * The C-STORE status and Error Comment for a failed store. IngestError DICOM_REJECTED maps by its parser reason,
 * INSTANCE_CONFLICT (same SOP Instance UID, different bytes; PS3.4 has no C-STORE status for it) to 0xA900, and
 * anything else to 0xC001 with a generic comment (the cause is logged, never sent to the peer).
 */
export function dimseStatusFor(error: unknown): DimseStatusResult {
  if (error instanceof IngestError) {
    switch (error.code) {
      case 'DICOM_REJECTED': {
        const status = error.dicomCode ? REJECT_STATUS[error.dicomCode] : DimseStatus.CANNOT_UNDERSTAND;
        return { status, comment: errorComment(error.message || 'rejected') };
      }
      case 'INSTANCE_CONFLICT':
        return { status: DimseStatus.DATASET_DOES_NOT_MATCH_SOP_CLASS, comment: 'SOP Instance UID already stored with different content' };
    }
  }
  return { status: DimseStatus.PROCESSING_FAILURE, comment: 'processing failure' };
}

/** Makes text a valid LO value: printable ASCII, no backslash (the value delimiter), at most 64 characters. */
export function errorComment(text: string): string {
  const clean = text
    .replace(/[^\x20-\x7e]/g, ' ')
    .replaceAll('\\', '/')
    .trim();
  return clean.length <= ERROR_COMMENT_MAX ? clean : `${clean.slice(0, ERROR_COMMENT_MAX - 3)}...`;
}

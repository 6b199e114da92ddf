import type { DicomRejectCode } from '@cruciate/dicom';
import { DomainError } from '../../common/domain-error.js';

export type IngestErrorCode = 'DICOM_REJECTED' | 'INSTANCE_CONFLICT';

export class IngestError extends DomainError<IngestErrorCode> {
  constructor(
    code: IngestErrorCode,
    message: string,
    /** The parser's reason, for DICOM_REJECTED (maps to a DIMSE status and STOW FailureReason). */
    readonly dicomCode?: DicomRejectCode,
  ) {
    super(code, message);
  }
}

import { DomainError } from '../../common/domain-error.js';

export type DicomwebErrorCode = 'BAD_REQUEST' | 'UNSUPPORTED_MEDIA_TYPE' | 'DICOM_NOT_FOUND' | 'NOT_ACCEPTABLE';

export class DicomwebError extends DomainError<DicomwebErrorCode> {}

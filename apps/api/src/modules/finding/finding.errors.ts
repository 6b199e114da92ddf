import { DomainError } from '../../common/domain-error.js';

export type FindingErrorCode = 'FINDING_NOT_FOUND' | 'CAM_SLICE_OUT_OF_RANGE' | 'CAM_LABEL_UNKNOWN';

export class FindingError extends DomainError<FindingErrorCode> {}

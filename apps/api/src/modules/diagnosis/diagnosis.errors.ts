import { DomainError } from '../../common/domain-error.js';

export type DiagnosisErrorCode =
  'DIAGNOSIS_NOT_FOUND' | 'DIAGNOSIS_LABEL_INVALID' | 'DIAGNOSIS_ALREADY_SIGNED' | 'DIAGNOSIS_ALREADY_AMENDED' | 'STUDY_NOT_READY' | 'READER_NOT_A_PERSON';

export class DiagnosisError extends DomainError<DiagnosisErrorCode> {}

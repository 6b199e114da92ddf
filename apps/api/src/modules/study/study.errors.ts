import { DomainError } from '../../common/domain-error.js';

export type StudyErrorCode = 'STUDY_NOT_FOUND';

export class StudyError extends DomainError<StudyErrorCode> {}

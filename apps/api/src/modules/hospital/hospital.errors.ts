import { DomainError } from '../../common/domain-error.js';

export type HospitalErrorCode = 'HOSPITAL_NOT_FOUND' | 'SLUG_TAKEN' | 'AE_TITLE_TAKEN' | 'ALREADY_SUSPENDED' | 'NOT_SUSPENDED';

export class HospitalError extends DomainError<HospitalErrorCode> {}

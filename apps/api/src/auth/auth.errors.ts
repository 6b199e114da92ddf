import { DomainError } from '../common/domain-error.js';

export type AuthErrorCode = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NO_HOSPITAL' | 'HOSPITAL_SUSPENDED';

export class AuthError extends DomainError<AuthErrorCode> {}

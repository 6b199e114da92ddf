import { DomainError } from '../../common/domain-error.js';

export type ServiceAccountErrorCode = 'SERVICE_ACCOUNT_NOT_FOUND' | 'ALREADY_REVOKED';

export class ServiceAccountError extends DomainError<ServiceAccountErrorCode> {}

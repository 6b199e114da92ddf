import { DomainError } from '../../common/domain-error.js';

export type ModelVersionErrorCode = 'MODEL_VERSION_NOT_FOUND' | 'MODEL_REJECTED' | 'MODEL_VERSION_EXISTS' | 'MODEL_TOO_LARGE';

export class ModelVersionError extends DomainError<ModelVersionErrorCode> {}

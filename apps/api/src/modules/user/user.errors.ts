import { DomainError } from '../../common/domain-error.js';

export type UserErrorCode = 'USER_NOT_FOUND' | 'ALREADY_MEMBER' | 'INVALID_ROLES' | 'CANNOT_CHANGE_OWN_ADMIN_ROLE';

export class UserError extends DomainError<UserErrorCode> {}

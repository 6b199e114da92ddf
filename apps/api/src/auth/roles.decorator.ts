import { applyDecorators, SetMetadata } from '@nestjs/common';
import { Extensions } from '@nestjs/graphql';
import type { Role } from '@cruciate/contracts';

export const ROLES_KEY = 'cruciate:roles';
/** Declares that any authenticated principal may call the operation. */
export const AUTHENTICATED = 'AUTHENTICATED';
export type RoleDeclaration = readonly (Role | typeof AUTHENTICATED)[];

/**
 * Declares who may call a query, mutation or field resolver. Deny by default: an operation without a
 * declaration is refused by the guard, and a test walks the schema for undeclared operations. The
 * declaration is also written into the field's schema extensions, where that test reads it.
 */
export function Roles(...roles: Role[]): MethodDecorator & ClassDecorator {
  return declare(roles);
}

/** Any signed-in principal (e.g. `me`). */
export function AnyAuthenticated(): MethodDecorator & ClassDecorator {
  return declare([AUTHENTICATED]);
}

function declare(roles: RoleDeclaration): MethodDecorator & ClassDecorator {
  if (roles.length === 0) throw new Error('Roles() needs at least one role');
  return applyDecorators(SetMetadata(ROLES_KEY, roles), Extensions({ roles: [...roles] }));
}

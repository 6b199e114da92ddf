import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { currentRequestContext } from '../common/request-context.js';
import { AuthError } from './auth.errors.js';
import { requestOf, type AuthenticatedRequest } from './current-principal.decorator.js';
import type { Principal } from './principal.js';
import { PrincipalService } from './principal.service.js';
import { PUBLIC_KEY } from './public.decorator.js';
import { AUTHENTICATED, ROLES_KEY, type RoleDeclaration } from './roles.decorator.js';

const PENDING = Symbol('principal');
type PendingRequest = AuthenticatedRequest & { [PENDING]?: Promise<Principal> };

/**
 * Global guard. Deny by default: an operation (query, mutation, field resolver, controller route) with no
 * role declaration is refused. Authentication happens once per request; parallel field resolvers share it.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly principals: PrincipalService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType<string>() === 'http' && this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, [ctx.getHandler(), ctx.getClass()])) return true;
    const declared = this.reflector.getAllAndOverride<RoleDeclaration | undefined>(ROLES_KEY, [ctx.getHandler(), ctx.getClass()]);
    if (!declared) throw new AuthError('FORBIDDEN', 'operation declares no roles (deny by default)');
    const req = requestOf(ctx) as PendingRequest;
    const principal = await this.authenticate(req);
    if (declared.includes(AUTHENTICATED)) return true;
    const allowed = declared.some((role) => role !== AUTHENTICATED && principal.roles.includes(role));
    if (!allowed) throw new AuthError('FORBIDDEN', `requires one of: ${declared.join(', ')}`);
    return true;
  }

  private authenticate(req: PendingRequest): Promise<Principal> {
    if (!req[PENDING]) {
      req[PENDING] = this.principals.fromAuthorizationHeader(req.headers.authorization).then((p) => {
        req.principal = p;
        const rc = currentRequestContext();
        if (rc) {
          rc.tenantId = p.tenantId ?? undefined;
          rc.userId = p.id;
        }
        return p;
      });
    }
    return req[PENDING];
  }
}

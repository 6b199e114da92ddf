import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Request } from 'express';
import type { Principal } from './principal.js';

export interface AuthenticatedRequest extends Request {
  principal?: Principal;
}

/** Injects the authenticated principal (set by the guard). */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const req = requestOf(ctx);
  if (!req.principal) throw new Error('CurrentPrincipal used on an operation the guard did not authenticate');
  return req.principal;
});

export function requestOf(ctx: ExecutionContext): AuthenticatedRequest {
  if (ctx.getType<string>() === 'graphql') {
    return GqlExecutionContext.create(ctx).getContext<{ req: AuthenticatedRequest }>().req;
  }
  return ctx.switchToHttp().getRequest<AuthenticatedRequest>();
}

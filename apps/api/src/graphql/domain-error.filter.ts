import { type ArgumentsHost, Catch, HttpException } from '@nestjs/common';
import type { GqlExceptionFilter } from '@nestjs/graphql';
import type { Response } from 'express';
import { GraphQLError } from 'graphql';
import { httpStatusOf, isDomainError, publicCodeOf, toGraphQLError } from '../common/errors.js';

/**
 * The one place domain errors become client errors: GraphQL errors with `extensions.code` (through the
 * exhaustive code map), or JSON with the matching HTTP status on REST routes. Other errors pass on
 * to formatError, which hides them behind INTERNAL_SERVER_ERROR.
 */
@Catch()
export class DomainErrorFilter implements GqlExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): unknown {
    const isGraphql = host.getType<string>() === 'graphql';
    if (!isGraphql) {
      const res = host.switchToHttp().getResponse<Response>();
      // A streamed response (WADO-RS) that failed half-way: nothing more can be said; end it so the client sees a cut.
      if (res.headersSent) {
        res.destroy();
        return undefined;
      }
    }
    if (isDomainError(exception)) {
      if (isGraphql) return toGraphQLError(exception);
      const code = publicCodeOf(exception.code);
      host
        .switchToHttp()
        .getResponse<Response>()
        .status(httpStatusOf(code))
        .json({ error: { code, reason: exception.code, message: exception.message } });
      return undefined;
    }
    if (isGraphql) {
      if (exception instanceof HttpException && exception.getStatus() === 400) {
        const response = exception.getResponse() as { message?: unknown };
        const messages = Array.isArray(response.message)
          ? response.message.map(String)
          : [typeof response.message === 'string' ? response.message : exception.message];
        return new GraphQLError(messages.join('; '), {
          extensions: { code: 'BAD_USER_INPUT', field: /^([A-Za-z0-9_.]+)/.exec(messages[0] ?? '')?.[1], details: messages },
        });
      }
      return exception;
    }
    if (exception instanceof HttpException) {
      host
        .switchToHttp()
        .getResponse<Response>()
        .status(exception.getStatus())
        .json({ error: { code: 'HTTP_ERROR', message: exception.message } });
      return undefined;
    }
    host
      .switchToHttp()
      .getResponse<Response>()
      .status(500)
      .json({ error: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' } });
    return undefined;
  }
}

import { HttpException } from '@nestjs/common';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { isDomainError, publicCodeOf } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import { currentRequestContext } from '../common/request-context.js';

/** Codes that GraphQL/Apollo produce themselves and that pass through unchanged. */
const PASS_THROUGH = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
  'QUERY_TOO_DEEP',
  'QUERY_TOO_COMPLEX',
]);

/**
 * Maps every error to a specific `extensions.code`. Domain errors map through the exhaustive switch;
 * validation failures become BAD_USER_INPUT with the field; anything else is INTERNAL_SERVER_ERROR with a
 * generic message, logged once with the request id.
 */
export function createFormatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
    const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
    if (isDomainError(original)) {
      return {
        ...base,
        message: original.message,
        extensions: { code: publicCodeOf(original.code), reason: original.code, ...(original.field ? { field: original.field } : {}) },
      };
    }
    if (original instanceof HttpException && original.getStatus() === 400) {
      const response = original.getResponse() as { message?: unknown };
      const messages = Array.isArray(response.message) ? response.message.map(String) : [String(response.message ?? original.message)];
      return { ...base, message: messages.join('; '), extensions: { code: 'BAD_USER_INPUT', field: fieldOf(messages[0] ?? ''), details: messages } };
    }
    const code = formatted.extensions?.['code'];
    if (typeof code === 'string' && PASS_THROUGH.has(code)) {
      return { ...base, extensions: { ...formatted.extensions, stacktrace: undefined } };
    }
    logger.error({ err: original, requestId: currentRequestContext()?.requestId }, 'unhandled error in GraphQL operation');
    return { ...base, message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: currentRequestContext()?.requestId } };
  };
}

/** class-validator messages start with the property name. */
function fieldOf(message: string): string | undefined {
  const m = /^([A-Za-z0-9_.]+)/.exec(message);
  return m?.[1];
}

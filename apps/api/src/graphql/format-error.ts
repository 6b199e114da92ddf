import { GraphQLError, type GraphQLFormattedError } from 'graphql';
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
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'UNSUPPORTED_MEDIA_TYPE',
  'NOT_ACCEPTABLE',
]);

/**
 * Last stop of every GraphQL error. Errors that already carry a known `extensions.code` (GraphQL's own,
 * and domain errors mapped by DomainErrorFilter) pass; anything else is INTERNAL_SERVER_ERROR with a
 * generic message, logged once with the request id.
 */
export function createFormatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
    const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
    const code = formatted.extensions?.['code'];
    if (typeof code === 'string' && PASS_THROUGH.has(code)) {
      return { ...base, extensions: { ...formatted.extensions, stacktrace: undefined } };
    }
    logger.error({ err: original, requestId: currentRequestContext()?.requestId }, 'unhandled error in GraphQL operation');
    return { ...base, message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: currentRequestContext()?.requestId } };
  };
}

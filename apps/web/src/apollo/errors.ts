import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';
import type { ErrorLike } from '@apollo/client';

/** The API's error codes (extensions.code) the portal reacts to. */
export type ApiErrorCode = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'BAD_USER_INPUT' | 'CONFLICT';

/** The first `extensions.code` of a GraphQL error (or HTTP 401/403/404 of a transport error). */
export function errorCode(error: ErrorLike | null | undefined): string | null {
  if (!error) return null;
  if (CombinedGraphQLErrors.is(error)) {
    for (const e of error.errors) {
      const code = e.extensions?.['code'];
      if (typeof code === 'string') return code;
    }
    return null;
  }
  if (ServerError.is(error)) {
    if (error.statusCode === 401) return 'UNAUTHENTICATED';
    if (error.statusCode === 403) return 'FORBIDDEN';
    if (error.statusCode === 404) return 'NOT_FOUND';
  }
  return null;
}

export function hasErrorCode(error: ErrorLike | null | undefined, code: ApiErrorCode): boolean {
  if (!error) return false;
  if (CombinedGraphQLErrors.is(error)) return error.errors.some((e) => e.extensions?.['code'] === code);
  return errorCode(error) === code;
}

/** A message for people: the API's own messages for GraphQL errors, a generic one otherwise. */
export function errorMessage(error: ErrorLike): string {
  if (CombinedGraphQLErrors.is(error)) return error.errors.map((e) => e.message).join('; ') || 'The request failed.';
  if (ServerError.is(error)) return `The server answered HTTP ${error.statusCode}.`;
  return error.message || 'The request failed.';
}

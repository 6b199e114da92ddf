import type { ReactNode } from 'react';
import type { ErrorLike } from '@apollo/client';
import { Link } from 'react-router';
import { errorCode, errorMessage } from '../apollo/errors.js';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p role="status" className="state state-loading">
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

export function EmptyState({ children }: { children: ReactNode }) {
  return <p className="state state-empty">{children}</p>;
}

export function ErrorState({ error, title = 'Something went wrong', onRetry }: { error: ErrorLike | string; title?: string; onRetry?: () => void }) {
  return (
    <div role="alert" className="state state-error">
      <strong>{title}</strong>
      <span>{typeof error === 'string' ? error : errorMessage(error)}</span>
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

export function NotFoundPage({ what = 'page' }: { what?: string }) {
  return (
    <section className="page page-message" aria-labelledby="not-found-title">
      <h1 id="not-found-title">Not found</h1>
      <p>This {what} does not exist, or you do not have access to it.</p>
      <Link to="/">Back to the worklist</Link>
    </section>
  );
}

export function ForbiddenPage() {
  return (
    <section className="page page-message" aria-labelledby="forbidden-title">
      <h1 id="forbidden-title">No access</h1>
      <p>Your roles do not allow this page. Ask your hospital admin if you need it.</p>
    </section>
  );
}

/** The page for a failed query: "Not found" for NOT_FOUND, "No access" for FORBIDDEN, an error with retry otherwise. */
export function QueryError({ error, what, onRetry }: { error: ErrorLike; what?: string; onRetry?: () => void }) {
  switch (errorCode(error)) {
    case 'NOT_FOUND':
      return <NotFoundPage what={what} />;
    case 'FORBIDDEN':
      return <ForbiddenPage />;
    case 'UNAUTHENTICATED':
      return <Loading label="Your session ended: signing in again…" />;
    case null:
    default:
      return <ErrorState error={error} onRetry={onRetry} />;
  }
}

import { useState } from 'react';
import { useQuery } from '@apollo/client/react';
import { graphql } from '../gql/index.js';
import { EmptyState, ErrorState, Loading, QueryError } from '../shell/states.js';
import { formatDateTime } from './roles.js';

export const AuditEventsQuery = graphql(`
  query AuditEvents($first: Int, $after: String, $action: String) {
    auditEvents(first: $first, after: $after, action: $action) {
      edges {
        cursor
        node {
          id
          at
          action
          actorType
          actorLabel
          targetType
          targetId
          ip
          detail
        }
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`);

export const AUDIT_PAGE_SIZE = 25;

export function AuditLogSection() {
  const [action, setAction] = useState('');
  const [applied, setApplied] = useState('');
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors[cursors.length - 1] ?? null;
  const { data, error, loading, refetch } = useQuery(AuditEventsQuery, {
    variables: { first: AUDIT_PAGE_SIZE, after, action: applied || undefined },
    fetchPolicy: 'network-only',
  });
  const edges = data?.auditEvents.edges ?? [];
  const pageInfo = data?.auditEvents.pageInfo;

  return (
    <div className="admin-section">
      <form
        className="filter-bar"
        role="search"
        aria-label="Audit log filter"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(action.trim());
          setCursors([null]);
        }}
      >
        <label>
          Action
          <input type="text" placeholder="e.g. user.invite" value={action} onChange={(e) => setAction(e.target.value)} />
        </label>
        <button type="submit" className="button">
          Filter
        </button>
        <button type="button" className="button" onClick={() => void refetch()}>
          Refresh
        </button>
      </form>
      {data && error && <ErrorState error={error} />}
      {!data && error ? (
        <QueryError error={error} onRetry={() => void refetch()} />
      ) : !data && loading ? (
        <Loading label="Loading the audit log…" />
      ) : edges.length === 0 ? (
        <EmptyState>No audit events{applied ? ` with action ${applied}` : ''}.</EmptyState>
      ) : (
        <table className="data-table audit-log" aria-label="Audit log">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Action</th>
              <th scope="col">Actor</th>
              <th scope="col">Target</th>
              <th scope="col">IP</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {edges.map(({ node: e }) => (
              <tr key={e.id}>
                <td className="nowrap">{formatDateTime(e.at)}</td>
                <td>
                  <code>{e.action}</code>
                </td>
                <td>
                  {e.actorLabel} <span className="muted">({e.actorType.toLowerCase().replace('_', ' ')})</span>
                </td>
                <td>
                  {e.targetType} <code className="muted">{e.targetId}</code>
                </td>
                <td>{e.ip ?? '—'}</td>
                <td className="detail">
                  <code>{e.detail === '{}' ? '' : e.detail}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {(cursors.length > 1 || pageInfo?.hasNextPage) && (
        <nav className="pager" aria-label="Audit log pages">
          <button type="button" className="button" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
            Newer
          </button>
          <span>Page {cursors.length}</span>
          <button
            type="button"
            className="button"
            disabled={!pageInfo?.hasNextPage}
            onClick={() => pageInfo?.endCursor && setCursors([...cursors, pageInfo.endCursor])}
          >
            Older
          </button>
        </nav>
      )}
    </div>
  );
}

import { useCallback, useEffect, useRef, useState } from 'react';
import { useQuery } from '@apollo/client/react';
import { useSearchParams } from 'react-router';
import { graphql } from '../gql/index.js';
import { useCurrentUser } from '../shell/current-user.js';
import { EmptyState, ErrorState, Loading, QueryError } from '../shell/states.js';
import { useLiveWorklist, type WorklistEvent } from './use-live-worklist.js';
import { DEFAULT_AI_CLASSES, filtersFromParams, filtersToParams, WorklistFilterBar, worklistVariables } from './worklist-filters.js';
import { WorklistRow } from './worklist-row.js';

export const WorklistQueryDocument = graphql(`
  query Worklist($first: Int, $after: String, $filter: StudyFilter, $orderBy: StudyOrder) {
    studies(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
      edges {
        cursor
        node {
          id
          ...WorklistRow_Study
        }
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`);

export const WORKLIST_PAGE_SIZE = 25;
/** Events come in bursts (a whole upload); one refetch per burst. */
export const REFETCH_DEBOUNCE_MS = 400;

/** `/`: the hospital's studies, most urgent first, live. */
export function WorklistPage({ pageSize = WORKLIST_PAGE_SIZE }: { pageSize?: number }) {
  const { me } = useCurrentUser();
  const [params, setParams] = useSearchParams();
  const filters = filtersFromParams(params);
  const filterKey = filtersToParams(filters).toString();
  // Cursors of the pages walked so far (null: the first page); reset whenever the filters change.
  const [paging, setPaging] = useState<{ key: string; cursors: (string | null)[] }>({ key: filterKey, cursors: [null] });
  const cursors = paging.key === filterKey ? paging.cursors : [null];
  const after = cursors[cursors.length - 1] ?? null;

  const { data, error, loading, refetch, startPolling, stopPolling } = useQuery(WorklistQueryDocument, {
    variables: worklistVariables(filters, after, pageSize),
    fetchPolicy: 'cache-and-network',
  });

  const refetchTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(refetchTimer.current), []);
  const onEvent = useCallback(
    (_event: WorklistEvent) => {
      // The event's study already updated its cached row; a refetch brings new studies and the new order.
      clearTimeout(refetchTimer.current);
      refetchTimer.current = setTimeout(() => void refetch().catch(() => undefined), REFETCH_DEBOUNCE_MS);
    },
    [refetch],
  );
  const live = useLiveWorklist(onEvent, { startPolling, stopPolling });

  const aiClasses = me.hospital?.activeModelVersion?.labels ?? DEFAULT_AI_CLASSES;
  const edges = data?.studies.edges ?? [];
  const pageInfo = data?.studies.pageInfo;
  const pageNumber = cursors.length;
  const isFiltered = filters.status !== '' || filters.aiClass !== '' || filters.dateFrom !== '' || filters.dateTo !== '';

  let body;
  if (!data && error) body = <QueryError error={error} onRetry={() => void refetch()} />;
  else if (!data && loading) body = <Loading label="Loading the worklist…" />;
  else if (edges.length === 0)
    body = <EmptyState>{isFiltered ? 'No studies match these filters.' : 'No studies yet. Studies appear here as they arrive.'}</EmptyState>;
  else
    body = (
      <table className="worklist data-table" aria-label="Worklist">
        <thead>
          <tr>
            <th scope="col">Patient key</th>
            <th scope="col">Study date</th>
            <th scope="col" className="numeric">
              Series
            </th>
            <th scope="col">AI status</th>
            <th scope="col">AI class / P(unhealthy)</th>
            <th scope="col">Review</th>
          </tr>
        </thead>
        <tbody>
          {edges.map((edge) => (
            <WorklistRow key={edge.node.id} study={edge.node} />
          ))}
        </tbody>
      </table>
    );

  return (
    <section className="page page-wide" aria-labelledby="worklist-title">
      <div className="page-header">
        <h1 id="worklist-title">Worklist</h1>
        <span className={`live-indicator live-${live}`} role="status" aria-live="polite">
          {live === 'live' ? 'Live' : 'Live updates unavailable: refreshing every 5 s'}
        </span>
      </div>
      <WorklistFilterBar filters={filters} aiClasses={aiClasses} onChange={(next) => setParams(filtersToParams(next))} />
      {data && error && <ErrorState error={error} title="Some of the worklist could not be loaded" />}
      {body}
      {(pageNumber > 1 || pageInfo?.hasNextPage) && (
        <nav className="pager" aria-label="Worklist pages">
          <button type="button" className="button" disabled={pageNumber <= 1} onClick={() => setPaging({ key: filterKey, cursors: cursors.slice(0, -1) })}>
            Previous page
          </button>
          <span>Page {pageNumber}</span>
          <button
            type="button"
            className="button"
            disabled={!pageInfo?.hasNextPage || !pageInfo.endCursor}
            onClick={() => pageInfo?.endCursor && setPaging({ key: filterKey, cursors: [...cursors, pageInfo.endCursor] })}
          >
            Next page
          </button>
        </nav>
      )}
    </section>
  );
}

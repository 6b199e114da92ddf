import { useEffect, useRef, useState } from 'react';
import { useApolloClient } from '@apollo/client/react';
import { graphql } from '../gql/index.js';
import type { WorklistUpdatedSubscription } from '../gql/graphql.js';

export const WorklistUpdatedDocument = graphql(`
  subscription WorklistUpdated {
    worklistUpdated {
      studyId
      status
      study {
        id
        ...WorklistRow_Study
      }
    }
  }
`);

export type WorklistEvent = WorklistUpdatedSubscription['worklistUpdated'];

/** `live`: subscribed; `polling`: the subscription failed, the list refreshes every POLL_INTERVAL_MS instead. */
export type LiveState = 'live' | 'polling';

export const POLL_INTERVAL_MS = 5_000;
export const RESUBSCRIBE_AFTER_MS = 30_000;

export interface PollingControl {
  readonly startPolling: (intervalMs: number) => void;
  readonly stopPolling: () => void;
}

/**
 * Live worklist: `worklistUpdated` events (their `study` updates Apollo's cached Study, so visible rows change at
 * once) and `onEvent` for what the cache cannot know (new studies, order). When the subscription fails, the list
 * is polled every 5 s, and the subscription is tried again every 30 s.
 */
export function useLiveWorklist(onEvent: (event: WorklistEvent) => void, polling: PollingControl): LiveState {
  const client = useApolloClient();
  const [state, setState] = useState<LiveState>('live');
  const onEventRef = useRef(onEvent);
  const pollingRef = useRef(polling);
  useEffect(() => {
    onEventRef.current = onEvent;
    pollingRef.current = polling;
  });

  useEffect(() => {
    let disposed = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let subscription: { unsubscribe(): void } | undefined;
    let failed = false;
    let isPolling = false;

    const fail = () => {
      if (disposed || failed) return;
      failed = true;
      subscription?.unsubscribe();
      setState('polling');
      if (!isPolling) pollingRef.current.startPolling(POLL_INTERVAL_MS);
      isPolling = true;
      retry = setTimeout(start, RESUBSCRIBE_AFTER_MS);
    };

    function start() {
      if (disposed) return;
      failed = false;
      subscription = client.subscribe({ query: WorklistUpdatedDocument }).subscribe({
        next: (result) => {
          if (result.error || !result.data) {
            fail();
            return;
          }
          if (isPolling) pollingRef.current.stopPolling();
          isPolling = false;
          setState('live');
          onEventRef.current(result.data.worklistUpdated);
        },
        error: fail,
        complete: fail,
      });
    }

    start();
    return () => {
      disposed = true;
      clearTimeout(retry);
      subscription?.unsubscribe();
      pollingRef.current.stopPolling();
    };
  }, [client]);

  return state;
}

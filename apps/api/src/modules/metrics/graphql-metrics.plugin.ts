import type { ApolloServerPlugin } from '@apollo/server';
import type { ApiMetrics } from './api-metrics.js';

/** Counts each GraphQL-over-HTTP operation by type and outcome (`success`, or the first error's code). */
export function graphqlMetricsPlugin(metrics: ApiMetrics): ApolloServerPlugin {
  return {
    requestDidStart() {
      return Promise.resolve({
        willSendResponse({ operation, response }) {
          const body = response.body;
          const errors = body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors;
          metrics.countGraphqlOperation(operation?.operation, outcomeOf(errors));
          return Promise.resolve();
        },
      });
    },
  };
}

export function outcomeOf(errors: readonly { extensions?: Record<string, unknown> }[] | undefined): string {
  if (!errors || errors.length === 0) return 'success';
  const code = errors[0]?.extensions?.['code'];
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}

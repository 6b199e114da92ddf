import type { ApolloServerPlugin } from '@apollo/server';
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { type ComplexityEstimatorArgs, fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../common/connection.js';

export interface OperationLimits {
  readonly maxDepth: number;
  readonly maxComplexity: number;
}

/** Depth of an operation's selection (fragments followed, cycles cut, introspection fields ignored). */
export function operationDepth(document: DocumentNode, operation: OperationDefinitionNode): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const depthOf = (set: SelectionSetNode | undefined, depth: number, seen: ReadonlySet<string>): number => {
    if (!set) return depth;
    let max = depth;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (!sel.name.value.startsWith('__')) max = Math.max(max, depthOf(sel.selectionSet, depth + 1, seen));
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        max = Math.max(max, depthOf(sel.selectionSet, depth, seen));
      } else {
        const frag = fragments.get(sel.name.value);
        if (frag && !seen.has(sel.name.value)) max = Math.max(max, depthOf(frag.selectionSet, depth, new Set([...seen, sel.name.value])));
      }
    }
    return max;
  };
  return depthOf(operation.selectionSet, 0, new Set());
}

/**
 * Rejects, before anything executes, operations nested deeper than maxDepth (QUERY_TOO_DEEP), page sizes
 * outside 1..MAX_PAGE_SIZE (BAD_USER_INPUT) and operations whose estimated cost exceeds maxComplexity
 * (QUERY_TOO_COMPLEX). A connection costs its page size times its selection, other fields 1.
 */
export function operationLimitsPlugin(getSchema: () => GraphQLSchema, limits: OperationLimits): ApolloServerPlugin {
  return {
    requestDidStart() {
      return Promise.resolve({
        didResolveOperation({ request, document, operation }) {
          if (!operation) return Promise.resolve();
          checkOperationLimits(getSchema(), document, operation, request.operationName ?? undefined, request.variables ?? {}, limits);
          return Promise.resolve();
        },
      });
    },
  };
}

/** The checks of operationLimitsPlugin, for transports outside Apollo (graphql-ws). Throws a GraphQLError with a code. */
export function checkOperationLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  operationName: string | undefined,
  variables: Record<string, unknown>,
  limits: OperationLimits,
): void {
  const depth = operationDepth(document, operation);
  if (depth > limits.maxDepth) {
    throw new GraphQLError(`query depth ${depth} exceeds the maximum of ${limits.maxDepth}`, {
      extensions: { code: 'QUERY_TOO_DEEP', depth, maxDepth: limits.maxDepth, http: { status: 400 } },
    });
  }
  let complexity: number;
  try {
    complexity = getComplexity({
      schema,
      operationName,
      query: document,
      variables,
      estimators: [fieldExtensionsEstimator(), connectionEstimator, simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch (err) {
    if (err instanceof GraphQLError && err.extensions['code']) throw err;
    // Variables that do not coerce to their declared types.
    throw new GraphQLError(err instanceof Error ? err.message : 'invalid variables', { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
  }
  if (complexity > limits.maxComplexity) {
    throw new GraphQLError(`query complexity ${complexity} exceeds the maximum of ${limits.maxComplexity}`, {
      extensions: { code: 'QUERY_TOO_COMPLEX', complexity, maxComplexity: limits.maxComplexity, http: { status: 400 } },
    });
  }
}

/** A field with a `first` argument (a connection) multiplies its children's cost by the page size. */
function connectionEstimator(options: ComplexityEstimatorArgs): number | void {
  if (!options.field.args.some((a) => a.name === 'first')) return undefined;
  const first: unknown = options.args['first'];
  if (typeof first === 'number' && (first < 1 || first > MAX_PAGE_SIZE)) {
    throw new GraphQLError(`first must be between 1 and ${MAX_PAGE_SIZE}`, { extensions: { code: 'BAD_USER_INPUT', field: 'first', http: { status: 400 } } });
  }
  const pageSize = typeof first === 'number' ? first : DEFAULT_PAGE_SIZE;
  return 1 + pageSize * Math.max(1, options.childComplexity);
}

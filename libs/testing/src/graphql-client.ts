export interface GqlResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly data: T | null | undefined;
  readonly errors: { message: string; extensions?: Record<string, unknown>; path?: (string | number)[] }[] | undefined;
  /** extensions.code of the first error, if any. */
  readonly code: string | undefined;
}

/** POSTs a GraphQL operation like any client would. */
export async function gql<T = Record<string, unknown>>(
  baseUrl: string,
  token: string | null,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GqlResponse<T>> {
  const res = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T | null; errors?: GqlResponse['errors'] };
  const code = body.errors?.[0]?.extensions?.['code'];
  return { status: res.status, data: body.data, errors: body.errors, code: typeof code === 'string' ? code : undefined };
}

/** What the API tells the portal before sign-in (`GET /api/client-config`, public). */
export interface ClientConfig {
  readonly issuer: string;
  readonly clientId: string;
  readonly scope: string;
  readonly builtInIssuer: boolean;
}

function isClientConfig(value: unknown): value is ClientConfig {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['issuer'] === 'string' && typeof v['clientId'] === 'string' && typeof v['scope'] === 'string' && typeof v['builtInIssuer'] === 'boolean';
}

export async function fetchClientConfig(fetchImpl: typeof fetch = fetch): Promise<ClientConfig> {
  const res = await fetchImpl('/api/client-config', { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`client configuration unavailable (HTTP ${res.status})`);
  const body: unknown = await res.json();
  if (!isClientConfig(body)) throw new Error('client configuration is malformed');
  return body;
}

import type { Adapter, AdapterPayload } from 'oidc-provider';

/**
 * In-process storage of the built-in provider's short-lived artefacts (sessions, codes, grants).
 * The built-in provider serves one process (embedded/dev/test); production uses Keycloak.
 */
export class MemoryAdapter implements Adapter {
  private static readonly store = new Map<string, { payload: AdapterPayload; expiresAt: number }>();
  private static readonly userCodes = new Map<string, string>();
  private static readonly uids = new Map<string, string>();
  private static readonly grants = new Map<string, Set<string>>();

  constructor(private readonly model: string) {}

  private key(id: string): string {
    return `${this.model}:${id}`;
  }

  upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    const key = this.key(id);
    MemoryAdapter.store.set(key, { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : Number.POSITIVE_INFINITY });
    if (payload.grantId) {
      const set = MemoryAdapter.grants.get(payload.grantId) ?? new Set<string>();
      set.add(key);
      MemoryAdapter.grants.set(payload.grantId, set);
    }
    if (payload.userCode) MemoryAdapter.userCodes.set(payload.userCode, id);
    if (payload.uid) MemoryAdapter.uids.set(payload.uid, id);
    MemoryAdapter.sweep();
    return Promise.resolve();
  }

  find(id: string): Promise<AdapterPayload | undefined> {
    const entry = MemoryAdapter.store.get(this.key(id));
    if (!entry) return Promise.resolve(undefined);
    if (entry.expiresAt < Date.now()) {
      MemoryAdapter.store.delete(this.key(id));
      return Promise.resolve(undefined);
    }
    return Promise.resolve(entry.payload);
  }

  findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const id = MemoryAdapter.userCodes.get(userCode);
    return id ? this.find(id) : Promise.resolve(undefined);
  }

  findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const id = MemoryAdapter.uids.get(uid);
    return id ? this.find(id) : Promise.resolve(undefined);
  }

  async consume(id: string): Promise<void> {
    const entry = await this.find(id);
    if (entry) entry.consumed = Math.floor(Date.now() / 1000);
  }

  destroy(id: string): Promise<void> {
    MemoryAdapter.store.delete(this.key(id));
    return Promise.resolve();
  }

  revokeByGrantId(grantId: string): Promise<void> {
    for (const key of MemoryAdapter.grants.get(grantId) ?? []) MemoryAdapter.store.delete(key);
    MemoryAdapter.grants.delete(grantId);
    return Promise.resolve();
  }

  private static lastSweep = 0;
  private static sweep(): void {
    const now = Date.now();
    if (now - MemoryAdapter.lastSweep < 60_000) return;
    MemoryAdapter.lastSweep = now;
    for (const [key, entry] of MemoryAdapter.store) if (entry.expiresAt < now) MemoryAdapter.store.delete(key);
  }
}

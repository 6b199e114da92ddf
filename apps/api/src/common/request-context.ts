import { AsyncLocalStorage } from 'node:async_hooks';

/** What the logger and the audit log need to know about the work in hand. */
export interface RequestContext {
  readonly requestId: string;
  ip?: string;
  tenantId?: string;
  userId?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithRequestContext<T>(ctx: RequestContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

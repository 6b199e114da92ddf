import { pino, type Logger } from 'pino';
import { currentRequestContext } from './request-context.js';

/** Structured JSON logs; request id, tenant and user come from the request context. Never log tokens or PHI. */
export function createLogger(level: string, name = 'api'): Logger {
  return pino({
    name,
    level,
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['req.headers.authorization', 'authorization', 'token', 'password', 'secret', '*.password', '*.secret'], censor: '[redacted]' },
    mixin() {
      const ctx = currentRequestContext();
      if (!ctx) return {};
      return { requestId: ctx.requestId, tenantId: ctx.tenantId, userId: ctx.userId };
    },
  });
}

export type { Logger };

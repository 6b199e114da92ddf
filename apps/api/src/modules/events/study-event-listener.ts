import { STUDY_EVENTS_CHANNEL, StudyStatus, studyEventSchema } from '@cruciate/contracts';
import type { Logger } from '../../common/logger.js';
import { PgListener } from '../../database/pg-listener.js';
import type { StudyChange } from './study-event-bus.js';

export interface StudyEventListenerOptions {
  /** Connection string of the application role (LISTEN needs no table privilege). */
  readonly databaseUrl: string;
  readonly logger: Logger;
  /** Receives each well-formed event. */
  readonly onEvent: (change: StudyChange) => void;
  /** Connection state changes (metrics). */
  readonly onConnectionChange?: (connected: boolean) => void;
  /** First reconnect delay; doubles up to maxBackoffMs. */
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** A `SELECT 1` on this period notices a connection that died without telling us. */
  readonly pingIntervalMs?: number;
  /** application_name of the connection (pg_stat_activity). */
  readonly applicationName?: string;
}

const STATUSES = new Set<string>(Object.values(StudyStatus));

/**
 * One dedicated PostgreSQL connection per API instance (a PgListener) that LISTENs on the study-events channel (fed
 * by the study trigger of migration 0008 and by explicit pg_notify calls) and hands each event to the in-process bus.
 * Reconnects with capped exponential backoff and jitter; events committed while it is disconnected are not
 * replayed (subscribers refetch on their own reconnect, see README).
 */
export class StudyEventListener {
  private readonly listener: PgListener;

  constructor(private readonly options: StudyEventListenerOptions) {
    this.listener = new PgListener({
      databaseUrl: options.databaseUrl,
      channels: [STUDY_EVENTS_CHANNEL],
      logger: options.logger,
      name: 'study-events',
      applicationName: options.applicationName ?? 'cruciate-api-events',
      onNotification: (channel, payload) => this.handle(channel, payload),
      onConnectionChange: options.onConnectionChange,
      minBackoffMs: options.minBackoffMs,
      maxBackoffMs: options.maxBackoffMs,
      pingIntervalMs: options.pingIntervalMs,
    });
  }

  /** Connects and LISTENs; fails when the first attempt fails (the platform does not start half-wired). */
  start(): Promise<void> {
    return this.listener.start();
  }

  get isConnected(): boolean {
    return this.listener.isConnected;
  }

  stop(): Promise<void> {
    return this.listener.stop();
  }

  private handle(channel: string, payload: string): void {
    if (channel !== STUDY_EVENTS_CHANNEL || !payload) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch {
      this.options.logger.warn({ channel }, 'study event payload is not JSON; dropped');
      return;
    }
    const event = studyEventSchema.safeParse(parsed);
    if (!event.success || !STATUSES.has(event.data.status)) {
      this.options.logger.warn({ channel }, 'study event payload does not match the contract; dropped');
      return;
    }
    this.options.onEvent({ tenantId: event.data.tenantId, studyId: event.data.studyId, status: event.data.status as StudyStatus });
  }
}

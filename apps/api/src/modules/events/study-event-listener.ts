import { STUDY_EVENTS_CHANNEL, StudyStatus, studyEventSchema } from '@cruciate/contracts';
import pg from 'pg';
import type { Logger } from '../../common/logger.js';
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
 * One dedicated PostgreSQL connection per API instance that LISTENs on the study-events channel (fed by the
 * study trigger of migration 0008 and by explicit pg_notify calls) and hands each event to the in-process bus.
 * Reconnects with capped exponential backoff and jitter; events committed while it is disconnected are not
 * replayed (subscribers refetch on their own reconnect, see README).
 */
export class StudyEventListener {
  private client: pg.Client | null = null;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private connected = false;

  constructor(private readonly options: StudyEventListenerOptions) {}

  /** Connects and LISTENs; fails when the first attempt fails (the platform does not start half-wired). */
  async start(): Promise<void> {
    await this.connect();
  }

  get isConnected(): boolean {
    return this.connected;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.retryTimer = null;
    this.pingTimer = null;
    const client = this.client;
    this.client = null;
    this.setConnected(false);
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.options.databaseUrl,
      application_name: this.options.applicationName ?? 'cruciate-api-events',
      keepAlive: true,
      connectionTimeoutMillis: 10_000,
    });
    client.on('notification', (msg) => this.handle(msg.channel, msg.payload));
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, null));
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${STUDY_EVENTS_CHANNEL}`);
    } catch (err) {
      this.client = null;
      await client.end().catch(() => undefined);
      throw err;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.failures = 0;
    this.setConnected(true);
    const pingMs = this.options.pingIntervalMs ?? 30_000;
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => {
      client.query('SELECT 1').catch((err: unknown) => this.lost(client, err));
    }, pingMs);
    this.pingTimer.unref();
  }

  private lost(client: pg.Client, err: unknown): void {
    if (this.stopped || this.client !== client) return;
    this.client = null;
    this.setConnected(false);
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
    this.options.logger.warn({ err }, 'study-events LISTEN connection lost; reconnecting');
    client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.retryTimer) return;
    const min = this.options.minBackoffMs ?? 250;
    const max = this.options.maxBackoffMs ?? 30_000;
    const base = Math.min(max, min * 2 ** Math.min(this.failures, 16));
    const delay = Math.round(base / 2 + Math.random() * (base / 2));
    const attempt = ++this.failures;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect().then(
        () => this.options.logger.info({ attempt }, 'study-events LISTEN connection restored'),
        (err: unknown) => {
          this.options.logger.warn({ err, retryInMs: delay }, 'study-events LISTEN reconnect failed');
          this.scheduleReconnect();
        },
      );
    }, delay);
    this.retryTimer.unref();
  }

  private handle(channel: string, payload: string | undefined): void {
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

  private setConnected(connected: boolean): void {
    if (this.connected === connected) return;
    this.connected = connected;
    this.options.onConnectionChange?.(connected);
  }
}

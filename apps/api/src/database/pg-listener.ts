import pg from 'pg';
import type { Logger } from '../common/logger.js';

export interface PgListenerOptions {
  /** Connection string of the application role (LISTEN needs no table privilege). */
  readonly databaseUrl: string;
  /** Channels to LISTEN on (plain identifiers). */
  readonly channels: readonly string[];
  readonly logger: Logger;
  /** What the log lines call this connection ("study-events", ...). */
  readonly name: string;
  /** Receives each notification of the channels. */
  readonly onNotification: (channel: string, payload: string) => void;
  /**
   * Connection state changes. `true` comes once every LISTEN is in effect: whatever commits from then on is delivered.
   * `false` comes as soon as the connection is known lost: notifications may have been missed since.
   */
  readonly onConnectionChange?: (connected: boolean) => void;
  /** First reconnect delay; doubles up to maxBackoffMs. */
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** A `SELECT 1` on this period notices a connection that died without telling us. */
  readonly pingIntervalMs?: number;
  /** application_name of the connection (pg_stat_activity). */
  readonly applicationName?: string;
}

const CHANNEL = /^[a-z_][a-z0-9_]*$/;

/**
 * One dedicated PostgreSQL connection that LISTENs on some channels. Reconnects with capped exponential backoff and
 * jitter; notifications committed while it is disconnected are not replayed (onConnectionChange says when that may
 * have happened, so that a user of the channel can start over).
 */
export class PgListener {
  private client: pg.Client | null = null;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private connected = false;

  constructor(private readonly options: PgListenerOptions) {
    for (const channel of options.channels) if (!CHANNEL.test(channel)) throw new Error(`not a plain channel name: ${channel}`);
  }

  /** Connects and LISTENs; fails when the first attempt fails. */
  async start(): Promise<void> {
    await this.connect();
  }

  /** Connects and LISTENs; when the first attempt fails, logs it and keeps trying in the background. */
  startInBackground(): void {
    this.connect().catch((err: unknown) => {
      this.options.logger.warn({ err }, `${this.options.name} LISTEN connection failed; retrying`);
      this.scheduleReconnect();
    });
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
      application_name: this.options.applicationName ?? `cruciate-api-${this.options.name}`,
      keepAlive: true,
      connectionTimeoutMillis: 10_000,
    });
    client.on('notification', (msg) => {
      if (msg.payload !== undefined && this.options.channels.includes(msg.channel)) this.options.onNotification(msg.channel, msg.payload);
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, null));
    this.client = client;
    try {
      await client.connect();
      for (const channel of this.options.channels) await client.query(`LISTEN ${channel}`);
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
    this.options.logger.warn({ err }, `${this.options.name} LISTEN connection lost; reconnecting`);
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
        () => this.options.logger.info({ attempt }, `${this.options.name} LISTEN connection restored`),
        (err: unknown) => {
          this.options.logger.warn({ err, retryInMs: delay }, `${this.options.name} LISTEN reconnect failed`);
          this.scheduleReconnect();
        },
      );
    }, delay);
    this.retryTimer.unref();
  }

  private setConnected(connected: boolean): void {
    if (this.connected === connected) return;
    this.connected = connected;
    this.options.onConnectionChange?.(connected);
  }
}

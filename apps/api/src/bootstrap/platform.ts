import 'reflect-metadata';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { type ApiConfig, loadApiConfig } from '@cruciate/config';
import { checkAppRole, type EmbeddedDatabase, migrate, startEmbeddedPostgres } from '@cruciate/db';
import express from 'express';
import helmet from 'helmet';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module.js';
import { accessLogMiddleware, jsonBodyErrorHandler, requestContextMiddleware, webAppMiddleware } from '../common/http-middleware.js';
import { createLogger, type Logger } from '../common/logger.js';
import { NestPinoLogger } from '../common/nest-logger.js';
import { Db } from '../database/db.js';
import { ENTITIES } from '../database/entities.js';
import { OidcProviderService } from '../oidc/oidc-provider.service.js';
import { FilesystemBlobStore } from '@cruciate/blob';
import { IngestService } from '../modules/ingest/ingest.service.js';
import { DimseListener, type StorePhase } from '../modules/dimse/dimse-listener.js';
import { HospitalRepository } from '../modules/hospital/hospital.repository.js';
import { JobQueue } from '../modules/ingest/job-queue.js';
import { PatientKeyer } from '../modules/ingest/patient-key.js';
import { IngestRepository } from '../modules/ingest/ingest.repository.js';
import { StoredUidFilters } from '../modules/ingest/stored-uid-filter.js';
import { ModelVersionService } from '../modules/model-version/model-version.service.js';
import { GraphqlWsServer } from '../modules/events/graphql-ws.server.js';
import { StudyEventBus } from '../modules/events/study-event-bus.js';
import { StudyEventListener } from '../modules/events/study-event-listener.js';
import { ApiMetrics } from '../modules/metrics/api-metrics.js';
import { httpMetricsMiddleware } from '../modules/metrics/http-metrics.middleware.js';
import { seedDemoData } from './seed.js';

export interface PlatformOptions {
  /** Environment to read config from (default: process.env). */
  readonly env?: Record<string, string | undefined>;
  readonly logger?: Logger;
}

export interface Platform {
  readonly config: ApiConfig;
  readonly url: string;
  readonly app: INestApplication;
  readonly logger: Logger;
  /** Port of the DICOM C-STORE/C-ECHO listener, null when it is off. */
  readonly dimsePort: number | null;
  /** Connection string of the application role (for the worker). */
  readonly appDatabaseUrl: string;
  readonly embedded: EmbeddedDatabase | null;
  /** Milliseconds spent in each start-up step. */
  readonly timings: Record<string, number>;
  close(): Promise<void>;
}

/**
 * Starts the API the same way in production, `npm start` and tests: config, database (embedded when
 * DATABASE_URL is unset), migrations as the owner role, a safety check of the app role, demo seed
 * (embedded only), then Nest + GraphQL + the built-in OpenID provider, listening on HOST:PORT.
 */
export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const config = loadApiConfig(options.env ?? process.env);
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const timings: Record<string, number> = {};
  const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      timings[name] = Math.round(performance.now() - t0);
    }
  };

  let embedded: EmbeddedDatabase | null = null;
  let appUrl = config.DATABASE_URL;
  let ownerUrl = config.DATABASE_MIGRATION_URL;
  if (config.isEmbeddedDatabase) {
    embedded = await step('embeddedPostgres', () =>
      startEmbeddedPostgres({
        dataDir: path.join(config.DATA_DIR, 'postgres'),
        port: config.EMBEDDED_PG_PORT,
        appRole: config.DATABASE_APP_ROLE,
        log: (m) => logger.info(m),
      }),
    );
    appUrl = embedded.appUrl;
    ownerUrl = embedded.ownerUrl;
  }
  if (!appUrl) throw new Error('no database URL');

  let dataSource: DataSource | null = null;
  let jobQueue: JobQueue | null = null;
  let sweeper: NodeJS.Timeout | null = null;
  let dimse: DimseListener | null = null;
  let dimsePort: number | null = null;
  let app: NestExpressApplication | null = null;
  let eventListener: StudyEventListener | null = null;
  let uidFilters: StoredUidFilters | null = null;
  const metrics = new ApiMetrics({ defaultMetrics: config.METRICS_ENABLED });
  const studyEvents = new StudyEventBus({ onDrop: () => metrics.studyEventsDropped.inc() });
  try {
    if (config.MIGRATE_ON_START) {
      if (!ownerUrl) throw new Error('DATABASE_MIGRATION_URL is required to migrate');
      const result = await step('migrate', () => migrate({ ownerUrl: ownerUrl, appRole: config.DATABASE_APP_ROLE, log: (m) => logger.info(m) }));
      logger.info({ applied: result.applied.length, alreadyApplied: result.alreadyApplied }, 'database schema up to date');
    }
    const roleCheck = await step('checkAppRole', () => checkAppRole(appUrl));
    if (roleCheck.problems.length > 0) {
      throw new Error(`DATABASE_URL must connect as the application role, which RLS must bind: ${roleCheck.problems.join('; ')}`);
    }

    dataSource = new DataSource({
      type: 'postgres',
      url: appUrl,
      entities: ENTITIES,
      synchronize: false,
      migrationsRun: false,
      logging: false,
      applicationName: 'cruciate-api',
      extra: { max: config.DB_POOL_SIZE },
    });
    await step('connect', () => dataSource!.initialize());
    // One LISTEN connection per instance feeds every GraphQL subscription it serves.
    eventListener = new StudyEventListener({
      databaseUrl: appUrl,
      logger,
      onEvent: (change) => {
        metrics.studyEvents.inc();
        studyEvents.publish(change);
      },
      onConnectionChange: (up) => metrics.studyEventsListening.set(up ? 1 : 0),
    });
    await step('studyEvents', () => eventListener!.start());
    if (config.DIMSE_UID_FILTER && config.DIMSE_PORT !== -1) {
      // Its LISTEN connection comes up in the background: until then (and whenever it is lost) C-STORE looks up each
      // instance in the index, as without it.
      const ingestRepo = new IngestRepository(new Db(dataSource));
      uidFilters = new StoredUidFilters({
        databaseUrl: appUrl,
        logger: logger.child({ component: 'stored-uid-filter' }),
        loadPage: (tenantId, after, limit) => ingestRepo.storedUids(tenantId, after, limit),
      });
      uidFilters.start();
    }

    if (embedded && config.SEED_DEMO) {
      await step('seed', () => seedDemoData(new Db(dataSource!)));
    }

    jobQueue = await step('jobQueue', () =>
      JobQueue.start(appUrl, { expireInSeconds: config.INFERENCE_JOB_EXPIRE_S, retryDelaySeconds: config.INFERENCE_JOB_RETRY_DELAY_S }),
    );
    // STOW-RS objects go through a write-ahead journal (one fdatasync per batch); what a process that died before its
    // checkpoint left there is written out before anything is served (also when the journal is now turned off).
    const blobStore = new FilesystemBlobStore(config.BLOB_DIR, undefined, {
      ...(config.BLOB_JOURNAL_SEGMENT_MB > 0 && {
        journal: {
          segmentBytes: config.BLOB_JOURNAL_SEGMENT_MB * 1024 * 1024,
          onCheckpointError: (err, segment) =>
            logger.error({ err, segment }, 'blob journal checkpoint failed: the segment is kept for recovery at the next start'),
        },
      }),
      ...(config.DIMSE_FOLDER_SYNC_DELAY_MS > 0 && { spoolFolderSync: { maxDelayMs: config.DIMSE_FOLDER_SYNC_DELAY_MS } }),
      spoolPrewriteMaxBytes: config.DIMSE_SPOOL_PREWRITE_KB * 1024,
    });
    const journalRecovery = await step('journalRecovery', () => blobStore.recoverJournals());
    if (journalRecovery.blobs > 0 || journalRecovery.torn > 0)
      logger.warn(journalRecovery, 'blob journal recovery: objects written out from the journals of processes that are gone');
    const resources = {
      blobStore,
      jobQueue,
      patientKeyer: await PatientKeyer.load(config.PATIENT_KEY_SECRET, config.DATA_DIR),
      studyEvents,
      metrics,
      uidFilters,
    };
    app = await step('nest', () =>
      NestFactory.create<NestExpressApplication>(AppModule.create(config, logger, dataSource!, resources), {
        bodyParser: false,
        logger: new NestPinoLogger(logger),
        abortOnError: false,
      }),
    );
    const http = app.getHttpAdapter().getInstance();
    http.disable('x-powered-by');
    app.use(requestContextMiddleware);
    if (config.METRICS_ENABLED) app.use(httpMetricsMiddleware(metrics));
    app.use(accessLogMiddleware(logger));
    app.use(
      helmet({
        contentSecurityPolicy: {
          useDefaults: true,
          directives: {
            'default-src': ["'self'"],
            'script-src': ["'self'"],
            'style-src': ["'self'", "'unsafe-inline'"],
            'img-src': ["'self'", 'data:', 'blob:'],
            'connect-src': ["'self'", ...(config.isBuiltInIssuer ? [] : [new URL(config.issuerUrl).origin])],
            'form-action': ["'self'", ...(config.isBuiltInIssuer ? [] : [new URL(config.issuerUrl).origin])],
            'frame-ancestors': ["'none'"],
            'upgrade-insecure-requests': null,
          },
        },
        crossOriginEmbedderPolicy: false,
      }),
    );
    if (config.isBuiltInIssuer) await step('oidc', () => app!.get(OidcProviderService).mount(http));
    app.use('/graphql', express.json({ limit: config.BODY_LIMIT }), jsonBodyErrorHandler(logger));
    for (const mw of webAppMiddleware(path.resolve(config.WEB_DIST_DIR))) app.use(mw);
    if (config.BUNDLED_MODEL_DIR !== 'none') {
      const dir = path.resolve(config.BUNDLED_MODEL_DIR);
      const bundled = await step('bundledModel', () => app!.get(ModelVersionService).registerBundled(dir));
      if (!bundled) logger.warn({ dir }, 'no bundled model found (BUNDLED_MODEL_DIR): hospitals without an active model version cannot be analysed');
      else
        logger.info(
          { model: `${bundled.version.name} ${bundled.version.version}`, created: bundled.created, activatedFor: bundled.activatedFor.length },
          'bundled model registered',
        );
    }
    await step('listen', () => app!.listen(config.PORT, config.HOST));
    // Series that arrive over several associations complete after a quiet period.
    const ingest = app.get(IngestService);
    // Instances a previous process received (and may have acknowledged) but had not indexed yet.
    await step('spoolRecovery', () => ingest.recoverSpool());
    sweeper = setInterval(
      () => {
        ingest
          .recoverSpool()
          .then(() => ingest.completeQuietSeries())
          .catch((err: unknown) => logger.error({ err }, 'spool recovery / completing quiet series failed'));
      },
      Math.min(30_000, (config.SERIES_QUIET_PERIOD_S * 1000) / 2),
    );
    sweeper.unref();
    if (config.DIMSE_PORT >= 0) {
      const db = app.get(Db);
      const hospitals = app.get(HospitalRepository);
      // One child per phase, bound once: observing through labels ({ phase }) hashed them three times per instance.
      const phases: Record<StorePhase, { observe(seconds: number): void }> = {
        peer: metrics.dimseStorePhases.labels({ phase: 'peer' }),
        transfer: metrics.dimseStorePhases.labels({ phase: 'transfer' }),
        answer: metrics.dimseStorePhases.labels({ phase: 'answer' }),
      };
      dimse = new DimseListener({
        host: config.DIMSE_HOST,
        port: config.DIMSE_PORT,
        ingest,
        logger,
        maxInstanceBytes: config.MAX_INSTANCE_BYTES,
        maxConnections: config.DIMSE_MAX_ASSOCIATIONS,
        shutdownTimeoutMs: config.SHUTDOWN_GRACE_MS,
        observePhase: (phase, seconds) => phases[phase].observe(seconds),
        inlineFlushWhenAlone: config.DIMSE_INLINE_FLUSH,
        resolveHospital: (ae) => db.forSystem('DIMSE association: called AE title -> hospital', () => hospitals.findByAeTitle(ae)),
      });
      dimsePort = (await step('dimse', () => dimse!.start())).port;
    }
  } catch (err) {
    await dimse?.stop().catch(() => undefined);
    if (sweeper) clearInterval(sweeper);
    await jobQueue?.stop().catch(() => undefined);
    await app?.close().catch(() => undefined);
    await eventListener?.stop().catch(() => undefined);
    await uidFilters?.stop().catch(() => undefined);
    if (dataSource?.isInitialized) await dataSource.destroy().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    throw err;
  }

  const server = app.getHttpServer();
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`;
  const nest = app;
  const ds = dataSource;
  const jobs = jobQueue;
  const listener = dimse;
  const events = eventListener;
  const filters = uidFilters;
  let closing: Promise<void> | null = null;
  return {
    config,
    url,
    app: nest,
    logger,
    appDatabaseUrl: appUrl,
    dimsePort,
    embedded,
    timings,
    close() {
      closing ??= (async () => {
        // WebSockets first: open subscriptions would otherwise hold the HTTP server open.
        await nest.get(GraphqlWsServer).close();
        // Stop accepting connections; give requests in flight SHUTDOWN_GRACE_MS to finish.
        const drained = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const timer = setTimeout(() => server.closeAllConnections(), config.SHUTDOWN_GRACE_MS);
        await drained;
        clearTimeout(timer);
        if (sweeper) clearInterval(sweeper);
        // Associations in flight finish (and complete their series) before the database goes.
        await listener?.stop();
        await nest.close();
        studyEvents.closeAll();
        await events.stop();
        await filters?.stop();
        await jobs.stop();
        if (ds.isInitialized) await ds.destroy();
        await embedded?.stop();
      })();
      return closing;
    },
  };
}

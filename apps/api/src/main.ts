import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { ConfigError } from '@cruciate/config';
import { startPlatform, type Platform } from './bootstrap/platform.js';
import { DEMO_PASSWORD, DEMO_SERVICE_ACCOUNTS, DEMO_USERS } from './bootstrap/seed.js';

/** `npm start`: API + built-in OpenID provider + web app, and an inference worker process beside it. */
async function main(): Promise<void> {
  const started = performance.now();
  let platform: Platform;
  try {
    platform = await startPlatform();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const { config, logger } = platform;
  const worker = config.START_WORKER ? startWorker(platform) : null;
  const totalMs = Math.round(performance.now() - started);
  logger.info({ url: platform.url, timings: platform.timings, totalMs }, 'cruciate is ready');
  printBanner(platform, totalMs);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    worker?.kill('SIGTERM');
    platform.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

function startWorker(platform: Platform): ChildProcess {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@cruciate/inference-worker');
  const child = fork(entry, [], {
    env: {
      ...process.env,
      DATABASE_URL: platform.appDatabaseUrl,
      BLOB_DIR: platform.config.BLOB_DIR,
      LOG_LEVEL: platform.config.LOG_LEVEL,
      WORKER_HEALTH_PORT: process.env['WORKER_HEALTH_PORT'] ?? '0',
    },
    stdio: 'inherit',
  });
  child.on('exit', (code, signal) => platform.logger.warn({ code, signal }, 'inference worker exited'));
  return child;
}

function printBanner(platform: Platform, totalMs: number): void {
  const lines = [
    '',
    `  Cruciate is running at ${platform.url}  (started in ${(totalMs / 1000).toFixed(1)} s)`,
    `  GraphQL: ${platform.url}/graphql   Health: ${platform.url}/health/ready`,
    `  OpenID issuer: ${platform.config.issuerUrl}`,
    platform.dimsePort === null
      ? '  DICOM listener: off'
      : `  DICOM C-STORE/C-ECHO: ${platform.config.DIMSE_HOST}:${platform.dimsePort} (called AE title = the hospital's AE title)`,
    `  DICOMweb: ${platform.url}/dicomweb`,
  ];
  if (platform.embedded) {
    lines.push(`  Embedded PostgreSQL on 127.0.0.1:${platform.config.EMBEDDED_PG_PORT}, data in ${platform.config.DATA_DIR}`);
    if (platform.config.SEED_DEMO) {
      lines.push('', `  Demo sign-in (password "${DEMO_PASSWORD}" for every user):`);
      for (const u of DEMO_USERS)
        lines.push(`    ${u.email.padEnd(24)} ${u.isPlatformAdmin ? 'PLATFORM_ADMIN' : `${u.roles.join(',')} @ ${u.hospital ?? ''}`}`);
      lines.push('  Demo service accounts (client_credentials, HTTP Basic):');
      for (const sa of DEMO_SERVICE_ACCOUNTS) lines.push(`    ${sa.clientId} / ${sa.secret}`);
      lines.push('  Token for scripts: npm run token -- clinician@general.test');
    }
  }
  lines.push('  research/demo software: the bundled model is not for clinical use', '');
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`cruciate failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});

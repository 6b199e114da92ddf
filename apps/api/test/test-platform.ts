import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort, testDatabase } from '@cruciate/testing';
import { startPlatform, type Platform } from '../src/bootstrap/platform.js';
import type { Logger } from '../src/common/logger.js';

/**
 * Boots the real API (Nest + GraphQL + built-in OpenID provider) on 127.0.0.1 against the run's test
 * database, exactly as production starts it, with migrations already applied by the global setup.
 */
export async function startTestPlatform(env: Record<string, string> = {}, logger?: Logger): Promise<Platform> {
  const db = testDatabase();
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'cruciate-api-test-'));
  return startPlatform({
    env: {
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      DATABASE_URL: db.appUrl,
      DATABASE_APP_ROLE: db.appRole,
      MIGRATE_ON_START: 'false',
      LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent',
      START_WORKER: 'false',
      DIMSE_PORT: '0',
      ...env,
    },
    logger,
  });
}

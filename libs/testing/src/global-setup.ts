import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { bootstrapDatabase, type EmbeddedDatabase, migrate, startEmbeddedPostgres, withClient } from '@cruciate/db';
import { freePort } from './free-port.js';

/**
 * One real PostgreSQL per test run: the server at TEST_DATABASE_ADMIN_URL (a superuser URL, as CI
 * uses) or, when unset, an embedded PostgreSQL in a temporary folder. A fresh database is created
 * with an owner role and an RLS-bound app role, and migrated. Tests make their own tenants
 * (factories), so files run in parallel without truncating anything.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The run's temporary files: the test processes start after this setup and inherit TMPDIR, so every folder their
  // tests make with os.tmpdir() (blob stores, platform data, DICOM files, PostgreSQL clusters) lands in this one
  // folder, removed when the run ends, failed tests included. Mode 1777, as /tmp: embedded PostgreSQL runs as the
  // postgres user, which must be able to reach its data directory.
  const runTmp = await mkdtemp(path.join(os.tmpdir(), 'cruciate-test-run-'));
  await chmod(runTmp, 0o1777);
  process.env['TMPDIR'] = runTmp;
  let embedded: EmbeddedDatabase | null = null;
  let adminUrl = process.env['TEST_DATABASE_ADMIN_URL'];
  if (!adminUrl) {
    // A cluster of its own per run, so parallel runs never share a data directory (inside the run's folder: removed with it).
    const embeddedDir = await mkdtemp(path.join(os.tmpdir(), 'cruciate-test-postgres-'));
    await chmod(embeddedDir, 0o755);
    embedded = await startEmbeddedPostgres({ dataDir: embeddedDir, port: await freePort() });
    adminUrl = embedded.adminUrl;
  }
  const database = `cruciate_test_${Date.now()}_${process.pid}`;
  const appRole = 'cruciate_test_app';
  const ownerRole = 'cruciate_test_owner';
  const password = 'cruciate-test';
  await bootstrapDatabase({ adminUrl, database, ownerRole, ownerPassword: password, appRole, appPassword: password });
  const url = new URL(adminUrl);
  const at = (user: string): string => {
    const u = new URL(url.toString());
    u.username = user;
    u.password = password;
    u.pathname = `/${database}`;
    return u.toString();
  };
  const ownerUrl = at(ownerRole);
  await migrate({ ownerUrl, appRole });
  project.provide('testDatabase', { appUrl: at(appRole), ownerUrl, appRole });

  return async () => {
    await withClient(adminUrl, async (c) => {
      await c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [database]);
      await c.query(`DROP DATABASE IF EXISTS "${database}"`);
    });
    await embedded?.stop();
    await rm(runTmp, { recursive: true, force: true });
  };
}

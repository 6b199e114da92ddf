import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { FilesystemBlobStore } from '@cruciate/blob';
import {
  BUILT_PLATFORM_MAIN as MAIN,
  type BuiltPlatform,
  clientCredentialsToken,
  freePort,
  gql,
  signInWithPkce,
  startBuiltPlatform,
  stopBuiltPlatform,
} from '@cruciate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const TOKEN_CLI = path.join(ROOT, 'apps/api/dist/cli/token.js');
const run = promisify(execFile);

describe('npm start on an empty data directory (embedded PostgreSQL, built-in provider, demo data)', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let first: BuiltPlatform;

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error('apps/api/dist/main.js is missing: `npm test` builds first; run `npm run build`');
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'cruciate-start-'));
    await chmod(dataDir, 0o755);
    env = {
      DATA_DIR: dataDir,
      PORT: String(await freePort()),
      EMBEDDED_PG_PORT: String(await freePort()),
      WORKER_HEALTH_PORT: String(await freePort()),
      DIMSE_PORT: String(await freePort()),
      LOG_LEVEL: 'info',
    };
    first = await startBuiltPlatform(env, { timeoutMs: 90_000 });
  });

  afterAll(async () => {
    if (first) await stopBuiltPlatform(first);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('prints the URL and the demo credentials, and listens on loopback only', () => {
    const out = first.output();
    expect(first.url).toBe(`http://127.0.0.1:${env['PORT']}`);
    expect(out).toContain('clinician@general.test');
    expect(out).toContain('password "cruciate-demo"');
    expect(out).toContain('sa-general-integrator / general-integrator-demo-secret');
    expect(out).not.toMatch(/listening on IPv4 address "0\.0\.0\.0"/);
    process.stdout.write(`first start on an empty data dir: ${first.ms} ms\n`);
  });

  it('a demo clinician signs in through the real sign-in page (auth code + PKCE) and reads me', async () => {
    const { accessToken } = await signInWithPkce(first.url, 'clinician@general.test', 'cruciate-demo');
    const res = await gql<{ me: { roles: string[]; hospital: { slug: string } } }>(first.url, accessToken, '{ me { roles hospital { slug } } }');
    expect(res.data?.me).toEqual({ roles: ['CLINICIAN'], hospital: { slug: 'general' } });
  });

  it('the demo integrator gets a token with client_credentials', async () => {
    const token = await clientCredentialsToken(first.url, 'sa-north-integrator', 'north-integrator-demo-secret');
    const res = await gql<{ me: { kind: string; hospital: { slug: string } } }>(first.url, token, '{ me { kind hospital { slug } } }');
    expect(res.data?.me).toEqual({ kind: 'SERVICE_ACCOUNT', hospital: { slug: 'north' } });
  });

  it('the platform admin sees both demo hospitals', async () => {
    const { accessToken } = await signInWithPkce(first.url, 'admin@cruciate.test', 'cruciate-demo');
    const res = await gql<{ hospitals: { edges: { node: { slug: string; aeTitle: string } }[] } }>(
      first.url,
      accessToken,
      '{ hospitals { edges { node { slug aeTitle } } } }',
    );
    expect(res.data?.hospitals.edges.map((e) => e.node)).toEqual([
      { slug: 'general', aeTitle: 'GENERAL' },
      { slug: 'north', aeTitle: 'NORTH' },
    ]);
  });

  it('runs an inference worker beside the API, with a health endpoint that turns ready', async () => {
    // The worker process starts after the API is up (job queue, inference threads): give it a few seconds.
    const deadline = Date.now() + 20_000;
    let status = 0;
    while (Date.now() < deadline) {
      status = await fetch(`http://127.0.0.1:${env['WORKER_HEALTH_PORT']}/health/ready`).then(
        (r) => r.status,
        () => 0,
      );
      if (status === 200) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(200);
  });

  it('`npm run token -- <email>` prints a token the API accepts; it refuses with a production issuer', async () => {
    const { stdout } = await run(process.execPath, [TOKEN_CLI, 'admin@general.test'], { cwd: ROOT, env: { ...env, PATH: process.env['PATH'] ?? '' } });
    const res = await gql<{ me: { roles: string[] } }>(first.url, stdout.trim(), '{ me { roles } }');
    expect(res.data?.me.roles).toEqual(['HOSPITAL_ADMIN']);
    await expect(
      run(process.execPath, [TOKEN_CLI, 'admin@general.test'], { cwd: ROOT, env: { ...env, OIDC_ISSUER_URL: 'https://keycloak.example/realms/cruciate' } }),
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('refusing') as unknown,
    });
  });

  it('stops gracefully on SIGTERM and restarts on the same data: no re-seed, old tokens still valid', async () => {
    const token = await clientCredentialsToken(first.url, 'sa-general-integrator', 'general-integrator-demo-secret');
    expect(await stopBuiltPlatform(first)).toBe(0);
    // A graceful stop checkpoints the STOW-RS journal and removes it.
    const journals = path.join(dataDir, 'blobs', 'journal', os.hostname());
    expect(await readdir(journals)).toEqual([]);
    // A journal that a killed process left behind (a record acknowledged, its file never fsync'd and lost): the next
    // start writes the record to its content address before it serves.
    const elsewhere = await mkdtemp(path.join(os.tmpdir(), 'cruciate-journal-'));
    const crashed = new FilesystemBlobStore(elsewhere, os.hostname(), { journal: { idleCheckpointMs: 60_000 } });
    const bytes = Buffer.from('an instance acknowledged from the journal only '.repeat(500));
    await (await crashed.sealed(bytes)).durable();
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    await cp(crashed.journal!.dir, path.join(journals, `${gone}.0000dead`), { recursive: true });
    await crashed.closeSpool();
    await rm(elsewhere, { recursive: true, force: true });
    const sha256 = createHash('sha256').update(bytes).digest('hex');

    const second = await startBuiltPlatform(env, { timeoutMs: 90_000 });
    try {
      process.stdout.write(`restart on the same data dir: ${second.ms} ms\n`);
      expect(second.output()).not.toContain('creating embedded PostgreSQL cluster');
      expect(await readFile(path.join(dataDir, 'blobs', 'sha256', sha256.slice(0, 2), sha256))).toEqual(bytes);
      expect(second.output()).toMatch(/blob journal recovery/);
      expect((await readdir(journals)).filter((n) => n.endsWith('.0000dead'))).toEqual([]);
      const res = await gql<{ me: { kind: string } }>(second.url, token, '{ me { kind } }');
      expect(res.data?.me.kind).toBe('SERVICE_ACCOUNT');
      const { accessToken } = await signInWithPkce(second.url, 'admin@cruciate.test', 'cruciate-demo');
      const hospitals = await gql<{ hospitals: { edges: unknown[] } }>(second.url, accessToken, '{ hospitals { edges { node { id } } } }');
      expect(hospitals.data?.hospitals.edges).toHaveLength(2);
    } finally {
      expect(await stopBuiltPlatform(second)).toBe(0);
    }
  });
});

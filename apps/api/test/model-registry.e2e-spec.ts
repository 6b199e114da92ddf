import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createTestHospital, createTestPlatformAdmin, gql, signInWithPkce, systemQuery, type TestHospital } from '@cruciate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../src/bootstrap/platform.js';
import { startTestPlatform } from './test-platform.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../libs/inference/fixtures');
const tinyModel = readFileSync(path.join(FIXTURES, 'tiny-valid.onnx'));
const nanModel = readFileSync(path.join(FIXTURES, 'nan-probs.onnx'));
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** The manifest committed beside tiny-valid.onnx (4 labels, [S,1,128,128] in, CAM 8x8), named and hashed for `model`. */
const tinyManifest = JSON.parse(readFileSync(path.join(FIXTURES, 'tiny-valid.manifest.json'), 'utf8')) as Record<string, unknown>;
function manifestFor(model: Uint8Array, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...tinyManifest,
    name: `tiny-${randomBytes(4).toString('hex')}`,
    sha256: sha256(model),
    metrics: { accuracy: 0.5, weighted_f1: 0.4, recall: { healthy: 0.9, minor_strain: 0.1 } },
    ...overrides,
  };
}

function formData(parts: { name: string; body: string | Uint8Array; type: string }[]): { body: Buffer; contentType: string } {
  const boundary = `----cruciate${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"; filename="${p.name}"\r\nContent-Type: ${p.type}\r\n\r\n`));
    chunks.push(Buffer.from(p.body));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

describe('model registry', () => {
  let platform: Platform;
  let a: TestHospital;
  let b: TestHospital;
  let platformToken: string;
  let adminA: string;
  let adminB: string;
  let clinicianA: string;

  const upload = async (token: string, manifest: unknown, model: Uint8Array): Promise<{ status: number; json: Record<string, unknown> }> => {
    const { body, contentType } = formData([
      { name: 'manifest', body: typeof manifest === 'string' ? manifest : JSON.stringify(manifest), type: 'application/json' },
      { name: 'model', body: model, type: 'application/octet-stream' },
    ]);
    const res = await fetch(`${platform.url}/api/model-versions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
      body,
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const rowsNamed = async (name: unknown): Promise<number> =>
    Number((await systemQuery<{ n: string }>(`SELECT count(*)::text AS n FROM model_version WHERE name = $1`, [name]))[0]!.n);

  beforeAll(async () => {
    // No bundled model here: it is larger than this platform's MODEL_MAX_BYTES.
    platform = await startTestPlatform({ MODEL_MAX_BYTES: '2048', BUNDLED_MODEL_DIR: 'none' });
    [a, b] = await Promise.all([createTestHospital(), createTestHospital()]);
    const pa = await createTestPlatformAdmin();
    const signIn = async (email: string, password: string) => (await signInWithPkce(platform.url, email, password)).accessToken;
    platformToken = await signIn(pa.email, pa.password);
    adminA = await signIn(a.admin.email, a.admin.password);
    adminB = await signIn(b.admin.email, b.admin.password);
    clinicianA = await signIn(a.clinician.email, a.clinician.password);
  });
  afterAll(async () => platform?.close());

  it('a platform admin registers a model; every role can read it with its intended use and metrics', async () => {
    const manifest = manifestFor(tinyModel);
    const res = await upload(platformToken, manifest, tinyModel);
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ name: manifest['name'], version: '1.0.0', sha256: sha256(tinyModel), isNotForClinicalUse: true, isBundled: false });
    const id = res.json['id'] as string;
    const read = await gql<{ modelVersion: Record<string, unknown> }>(
      platform.url,
      clinicianA,
      `{ modelVersion(id: "${id}") { name intendedUse isNotForClinicalUse labels sizeBytes metrics { accuracy weightedF1 aucBinary recall { label value } } } }`,
    );
    expect(read.errors).toBeUndefined();
    expect(read.data!.modelVersion).toEqual({
      name: manifest['name'],
      intendedUse: 'research/demo, trained on synthetic phantoms, not for clinical use',
      isNotForClinicalUse: true,
      labels: ['healthy', 'minor_strain', 'partial_rupture', 'complete_rupture'],
      sizeBytes: tinyModel.length,
      metrics: {
        accuracy: 0.5,
        weightedF1: 0.4,
        aucBinary: null,
        recall: [
          { label: 'healthy', value: 0.9 },
          { label: 'minor_strain', value: 0.1 },
        ],
      },
    });
    const list = await gql<{ modelVersions: { edges: { node: { id: string } }[] } }>(
      platform.url,
      adminB,
      '{ modelVersions(first: 100) { edges { node { id } } } }',
    );
    expect(list.data!.modelVersions.edges.map((e) => e.node.id)).toContain(id);
    const [audit] = await systemQuery<{ n: string }>(
      `SELECT count(*)::text AS n FROM platform_audit_event WHERE action = 'model_version.register' AND target_id = $1`,
      [id],
    );
    expect(audit!.n).toBe('1');
    // The .onnx is in the blob store under its SHA-256.
    const [row] = await systemQuery<{ blob_key: string }>(`SELECT blob_key FROM model_version WHERE id = $1`, [id]);
    expect(existsSync(path.join(platform.config.BLOB_DIR, row!.blob_key))).toBe(true);

    const again = await upload(platformToken, manifest, tinyModel);
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ error: { code: 'CONFLICT', reason: 'MODEL_VERSION_EXISTS' } });
    expect(await rowsNamed(manifest['name'])).toBe(1);
  });

  it('only platform admins register', async () => {
    const manifest = manifestFor(tinyModel);
    const res = await upload(adminA, manifest, tinyModel);
    expect(res.status).toBe(403);
    expect(await rowsNamed(manifest['name'])).toBe(0);
  });

  const base = manifestFor(tinyModel);
  const input = base['input'] as Record<string, unknown>;
  const corrupt = tinyModel.subarray(0, 400);
  const badCases: [string, unknown, Uint8Array, number, RegExp][] = [
    ['a corrupt .onnx', manifestFor(corrupt), corrupt, 400, /the ONNX file does not load in onnxruntime/],
    [
      'a sha256 mismatch',
      manifestFor(tinyModel, { sha256: 'b'.repeat(64) }),
      tinyModel,
      400,
      /sha256 mismatch: the manifest says b{64}, the file is [0-9a-f]{64}/,
    ],
    [
      'a manifest that lies about the input size',
      manifestFor(tinyModel, { input: { ...input, width: 96 } }),
      tinyModel,
      400,
      /has shape \[slices, 1, 128, 128\], the manifest says \[slices, 1, 128, 96\]/,
    ],
    ['a manifest that lies about the labels', manifestFor(tinyModel, { labels: ['healthy', 'rupture'] }), tinyModel, 400, /returned 4 logits for 2 labels/],
    ['a manifest naming a missing output', manifestFor(tinyModel, { outputs: { logits: 'logits', cam: 'heatmap' } }), tinyModel, 400, /no output "heatmap"/],
    ['NaN outputs on the smoke run', manifestFor(nanModel), nanModel, 400, /smoke run with 8 slices: .*non-finite/],
    ['a manifest without an intended use', manifestFor(tinyModel, { intended_use: undefined }), tinyModel, 400, /manifest: intended_use/],
    ['a manifest that is not JSON', '{"name": ', tinyModel, 400, /the manifest is not JSON/],
    ['a model over MODEL_MAX_BYTES', manifestFor(Buffer.alloc(4096, 1)), Buffer.alloc(4096, 1), 413, /larger than 2048 bytes/],
  ];
  it.each(badCases)('refuses %s with the reason, storing nothing', async (_what, manifest, model, status, reason) => {
    const res = await upload(platformToken, manifest, model);
    expect(res.status).toBe(status);
    const error = res.json['error'] as { message: string; code: string };
    expect(error.message).toMatch(reason);
    expect(error.code).toBe(status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_USER_INPUT');
    if (typeof manifest === 'object' && manifest) expect(await rowsNamed((manifest as Record<string, unknown>)['name'])).toBe(0);
    // Bytes that were never accepted are not in the blob store (the valid test model is, from the first test).
    const stored = (bytes: Uint8Array) => existsSync(path.join(platform.config.BLOB_DIR, 'sha256', sha256(bytes).slice(0, 2), sha256(bytes)));
    expect(stored(tinyModel)).toBe(true);
    if (sha256(model) !== sha256(tinyModel)) expect(stored(model)).toBe(false);
  });

  it('refuses a request without the model part', async () => {
    const { body, contentType } = formData([{ name: 'manifest', body: JSON.stringify(manifestFor(tinyModel)), type: 'application/json' }]);
    const res = await fetch(`${platform.url}/api/model-versions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${platformToken}`, 'content-type': contentType },
      body,
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/"model" part is missing/);
  });

  it('a hospital admin activates a version for their hospital only, audited; unknown ids answer NOT_FOUND', async () => {
    const manifest = manifestFor(tinyModel);
    const registered = await upload(platformToken, manifest, tinyModel);
    const id = registered.json['id'] as string;
    const before = await gql<{ me: { hospital: { activeModelVersion: { id: string } | null } } }>(
      platform.url,
      adminB,
      '{ me { hospital { activeModelVersion { id } } } }',
    );
    const res = await gql<{ activateModelVersion: { id: string; activeModelVersion: { id: string; name: string } } }>(
      platform.url,
      adminA,
      `mutation { activateModelVersion(versionId: "${id}") { id activeModelVersion { id name } } }`,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.activateModelVersion).toEqual({ id: a.id, activeModelVersion: { id, name: manifest['name'] } });
    const after = await gql<{ me: { hospital: { activeModelVersion: { id: string } | null } } }>(
      platform.url,
      adminB,
      '{ me { hospital { activeModelVersion { id } } } }',
    );
    expect(after.data!.me.hospital.activeModelVersion).toEqual(before.data!.me.hospital.activeModelVersion);
    const [event] = await systemQuery<{ action: string; detail: { to: string } }>(
      `SELECT action, detail FROM audit_event WHERE tenant_id = $1 AND action = 'model_version.activate' ORDER BY at DESC LIMIT 1`,
      [a.id],
    );
    expect(event).toMatchObject({ action: 'model_version.activate', detail: { to: id } });
    const missing = await gql(platform.url, adminA, `mutation { activateModelVersion(versionId: "00000000-0000-4000-8000-000000000000") { id } }`);
    expect(missing.code).toBe('NOT_FOUND');
    const notUuid = await gql(platform.url, adminA, `mutation { activateModelVersion(versionId: "nope") { id } }`);
    expect(notUuid.code).toBe('NOT_FOUND');
  });

  it('registered versions are immutable: the app role cannot update or delete them', async () => {
    await expect(systemQuery(`UPDATE model_version SET intended_use = 'clinical' WHERE true`)).rejects.toMatchObject({ code: '42501' });
    await expect(systemQuery(`DELETE FROM model_version WHERE true`)).rejects.toMatchObject({ code: '42501' });
  });
});

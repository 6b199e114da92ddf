import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { ApiConfig } from '@cruciate/config';
import { checkModel, ManifestError, ModelCheckError, type ModelManifest, parseManifest } from '@cruciate/inference';
import type { Principal, TenantPrincipal } from '../../auth/principal.js';
import { type Connection, decodeCursor, type PageArgs, pageSize, toConnection } from '../../common/connection.js';
import { InputError } from '../../common/errors.js';
import { uniqueViolation } from '../../common/pg-errors.js';
import { API_CONFIG } from '../../config.token.js';
import { Db } from '../../database/db.js';
import { AuditService } from '../audit/audit.service.js';
import type { BlobStore } from '@cruciate/blob';
import { type Hospital, toHospitalModel } from '../hospital/hospital.model.js';
import { HospitalRepository } from '../hospital/hospital.repository.js';
import { BLOB_STORE } from '../ingest/ingest.service.js';
import { ModelVersionError } from './model-version.errors.js';
import { type ModelVersion, toModelVersionModel } from './model-version.model.js';
import { type ModelVersionRow, ModelVersionRepository } from './model-version.repository.js';

export interface BundledRegistration {
  readonly version: ModelVersion;
  readonly created: boolean;
  /** Hospitals that had no active version and now run this one. */
  readonly activatedFor: readonly string[];
}

/**
 * The model registry: validates and stores model versions (platform admins, and the bundled model at start), lists
 * them, and lets a hospital admin choose the version the hospital runs.
 */
@Injectable()
export class ModelVersionService {
  constructor(
    private readonly db: Db,
    private readonly versions: ModelVersionRepository,
    private readonly hospitals: HospitalRepository,
    private readonly audit: AuditService,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  get maxModelBytes(): number {
    return this.config.MODEL_MAX_BYTES;
  }

  /** Model versions are platform-wide: readable in any hospital, and by platform admins outside one. */
  private read<T>(p: Principal, fn: () => Promise<T>): Promise<T> {
    return p.tenantId ? this.db.withTenant(p.tenantId, fn) : this.db.forSystem('platform admin reads the model registry', fn);
  }

  list(p: Principal, args: PageArgs): Promise<Connection<ModelVersion>> {
    const limit = pageSize(args);
    const cursor = decodeCursor(args.after);
    let after: { createdAt: string; id: string } | undefined;
    if (cursor !== undefined) {
      const [createdAt, id] = cursor.split('|');
      if (!createdAt || !id || Number.isNaN(Date.parse(createdAt))) throw new InputError('INVALID_INPUT', 'after is not a cursor of this list', 'after');
      after = { createdAt, id };
    }
    return this.read(p, async () => {
      const rows = await this.versions.list(limit + 1, after);
      return toConnection(rows, limit, (r) => `${r.createdAt.toISOString()}|${r.id}`, toModelVersionModel);
    });
  }

  async get(p: Principal, id: string): Promise<ModelVersion> {
    const row = await this.read(p, () => this.versions.findById(id));
    if (!row) throw new ModelVersionError('MODEL_VERSION_NOT_FOUND', `model version ${id} not found`, 'id');
    return toModelVersionModel(row);
  }

  /** For the Hospital.activeModelVersion field (rows are platform-wide, so any scope reads them). */
  findByIds(p: Principal, ids: readonly string[]): Promise<ModelVersionRow[]> {
    return this.read(p, () => this.versions.findByIds(ids));
  }

  /** Hospital admin: the version this hospital's studies are analysed with from now on. */
  activate(p: TenantPrincipal, versionId: string): Promise<Hospital> {
    return this.db.withTenant(p.tenantId, async () => {
      const version = await this.versions.findById(versionId);
      if (!version) throw new ModelVersionError('MODEL_VERSION_NOT_FOUND', `model version ${versionId} not found`, 'versionId');
      const before = await this.versions.activeVersionIdOf(p.tenantId);
      if (before !== version.id) {
        await this.versions.setActive(p.tenantId, version.id);
        await this.audit.record(p, {
          tenantId: p.tenantId,
          action: 'model_version.activate',
          targetType: 'model_version',
          targetId: version.id,
          detail: { from: before, to: version.id, name: version.name, version: version.version },
        });
      }
      const hospital = await this.hospitals.findById(p.tenantId);
      if (!hospital) throw new Error('own hospital not readable');
      return toHospitalModel(hospital);
    });
  }

  /**
   * Validates and registers a model version: manifest schema, SHA-256, the file loads in onnxruntime with the names and
   * shapes the manifest gives, and smoke runs give finite probabilities that sum to 1. Refused: nothing is stored.
   */
  async register(actor: Principal | null, manifestValue: unknown, bytes: Uint8Array, options: { bundled?: boolean } = {}): Promise<ModelVersion> {
    const { row } = await this.registerRow(actor, manifestValue, bytes, options.bundled ?? false);
    return toModelVersionModel(row);
  }

  private async registerRow(
    actor: Principal | null,
    manifestValue: unknown,
    bytes: Uint8Array,
    bundled: boolean,
  ): Promise<{ row: ModelVersionRow; created: boolean }> {
    if (bytes.byteLength > this.config.MODEL_MAX_BYTES) {
      throw new ModelVersionError('MODEL_TOO_LARGE', `the model file is ${bytes.byteLength} bytes; the limit is ${this.config.MODEL_MAX_BYTES}`, 'model');
    }
    let manifest: ModelManifest;
    try {
      manifest = parseManifest(manifestValue);
    } catch (err) {
      if (err instanceof ManifestError) throw new ModelVersionError('MODEL_REJECTED', `model refused: manifest: ${err.issues.join('; ')}`, 'manifest');
      throw err;
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== manifest.sha256) {
      throw new ModelVersionError('MODEL_REJECTED', `model refused: sha256 mismatch: the manifest says ${manifest.sha256}, the file is ${sha256}`, 'model');
    }
    const existing = await this.db.forSystem('model registry: is this version registered', () =>
      this.versions.findByNameVersion(manifest.name, manifest.version),
    );
    if (existing) {
      if (bundled && existing.sha256 === sha256) {
        // Registered before, perhaps with another blob store (a restored database, a moved BLOB_DIR): make sure the
        // file the workers load is there (content-addressed, so this is a no-op when it is).
        if (!(await this.blobs.has(existing.blobKey))) await this.blobs.put(bytes);
        return { row: existing, created: false };
      }
      throw new ModelVersionError(
        'MODEL_VERSION_EXISTS',
        `model ${manifest.name} ${manifest.version} is already registered (versions are immutable)`,
        'manifest.version',
      );
    }
    try {
      const session = await checkModel(bytes, manifest);
      await session.release();
    } catch (err) {
      if (err instanceof ModelCheckError) throw new ModelVersionError('MODEL_REJECTED', `model refused: ${err.reasons.join('; ')}`, 'model');
      throw err;
    }
    const blob = await this.blobs.put(bytes);
    try {
      const row = await this.db.forSystem('model registry: register a version', async () => {
        const inserted = await this.versions.insert({
          name: manifest.name,
          version: manifest.version,
          sha256,
          blobKey: blob.key,
          sizeBytes: bytes.byteLength,
          manifest,
          intendedUse: manifest.intended_use,
          trainedOn: manifest.trained_on,
          metrics: manifest.metrics ?? {},
          isBundled: bundled,
          registeredBy: actor?.kind === 'USER' ? actor.id : null,
        });
        if (actor) {
          await this.audit.recordPlatform(actor, {
            action: 'model_version.register',
            targetType: 'model_version',
            targetId: inserted.id,
            detail: { name: inserted.name, version: inserted.version, sha256, sizeBytes: bytes.byteLength },
          });
        }
        return inserted;
      });
      return { row, created: true };
    } catch (err) {
      if (uniqueViolation(err) === 'model_version_name_version_key') {
        // Two platform instances starting at once both register the bundled model: the second finds the first's row.
        const winner = bundled
          ? await this.db.forSystem('model registry: concurrent bundled registration', () => this.versions.findByNameVersion(manifest.name, manifest.version))
          : null;
        if (winner && winner.sha256 === sha256) return { row: winner, created: false }; // its blob was put above
        throw new ModelVersionError(
          'MODEL_VERSION_EXISTS',
          `model ${manifest.name} ${manifest.version} is already registered (versions are immutable)`,
          'manifest.version',
        );
      }
      throw err;
    }
  }

  /**
   * Registers the model shipped in `dir` (manifest.json + its .onnx) unless it is there already, and makes it the
   * active version of every hospital that has none. Null when `dir` holds no manifest.json.
   */
  async registerBundled(dir: string): Promise<BundledRegistration | null> {
    let manifestText: string;
    try {
      manifestText = await readFile(path.join(dir, 'manifest.json'), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    const manifestValue: unknown = JSON.parse(manifestText);
    const file = (manifestValue as { onnx_file?: unknown }).onnx_file;
    if (typeof file !== 'string' || file.includes('/') || file.includes('\\')) throw new Error(`${dir}/manifest.json: onnx_file must be a file name`);
    const bytes = await readFile(path.join(dir, file));
    const { row, created } = await this.registerRow(null, manifestValue, bytes, true);
    const activatedFor = await this.db.forSystem('bundled model becomes the default of hospitals without one', () => this.versions.activateWhereUnset(row.id));
    return { version: toModelVersionModel(row), created, activatedFor };
  }
}

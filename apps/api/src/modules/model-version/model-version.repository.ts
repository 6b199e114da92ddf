import { Injectable } from '@nestjs/common';
import { isUuid } from '../../common/uuid.js';
import { Db } from '../../database/db.js';

export interface ModelVersionRow {
  readonly id: string;
  readonly name: string;
  readonly version: string;
  readonly sha256: string;
  readonly blobKey: string;
  readonly sizeBytes: number;
  readonly manifest: Record<string, unknown>;
  readonly intendedUse: string;
  readonly trainedOn: string;
  readonly metrics: Record<string, unknown>;
  readonly isBundled: boolean;
  readonly registeredBy: string | null;
  readonly createdAt: Date;
}

export interface NewModelVersion {
  readonly name: string;
  readonly version: string;
  readonly sha256: string;
  readonly blobKey: string;
  readonly sizeBytes: number;
  readonly manifest: unknown;
  readonly intendedUse: string;
  readonly trainedOn: string;
  readonly metrics: unknown;
  readonly isBundled: boolean;
  readonly registeredBy: string | null;
}

const COLUMNS = `id, name, version, sha256, blob_key AS "blobKey", size_bytes::float8 AS "sizeBytes", manifest,
  intended_use AS "intendedUse", trained_on AS "trainedOn", metrics, is_bundled AS "isBundled",
  registered_by AS "registeredBy", created_at AS "createdAt"`;

/** model_version rows: platform-wide, insert-only (the app role has no UPDATE or DELETE on them). */
@Injectable()
export class ModelVersionRepository {
  constructor(private readonly db: Db) {}

  async findById(id: string): Promise<ModelVersionRow | null> {
    if (!isUuid(id)) return null;
    const rows = await this.db.manager().query<ModelVersionRow[]>(`SELECT ${COLUMNS} FROM model_version WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  async findByIds(ids: readonly string[]): Promise<ModelVersionRow[]> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0) return [];
    return this.db.manager().query<ModelVersionRow[]>(`SELECT ${COLUMNS} FROM model_version WHERE id = ANY($1)`, [valid]);
  }

  async findByNameVersion(name: string, version: string): Promise<ModelVersionRow | null> {
    const rows = await this.db.manager().query<ModelVersionRow[]>(`SELECT ${COLUMNS} FROM model_version WHERE name = $1 AND version = $2`, [name, version]);
    return rows[0] ?? null;
  }

  /** Newest first; the cursor is `<created_at ISO>|<id>`. */
  list(limit: number, after: { createdAt: string; id: string } | undefined): Promise<ModelVersionRow[]> {
    return after
      ? this.db
          .manager()
          .query<ModelVersionRow[]>(
            `SELECT ${COLUMNS} FROM model_version WHERE (created_at, id) < ($2::timestamptz, $3::uuid) ORDER BY created_at DESC, id DESC LIMIT $1`,
            [limit, after.createdAt, after.id],
          )
      : this.db.manager().query<ModelVersionRow[]>(`SELECT ${COLUMNS} FROM model_version ORDER BY created_at DESC, id DESC LIMIT $1`, [limit]);
  }

  async insert(values: NewModelVersion): Promise<ModelVersionRow> {
    const rows = await this.db.manager().query<ModelVersionRow[]>(
      `INSERT INTO model_version (name, version, sha256, blob_key, size_bytes, manifest, intended_use, trained_on, metrics, is_bundled, registered_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${COLUMNS}`,
      [
        values.name,
        values.version,
        values.sha256,
        values.blobKey,
        values.sizeBytes,
        JSON.stringify(values.manifest),
        values.intendedUse,
        values.trainedOn,
        JSON.stringify(values.metrics ?? {}),
        values.isBundled,
        values.registeredBy,
      ],
    );
    return rows[0]!;
  }

  /** The hospital's active version id (under the hospital's tenant context). */
  async activeVersionIdOf(tenantId: string): Promise<string | null> {
    const rows = await this.db.manager().query<{ id: string | null }[]>(`SELECT active_model_version_id AS id FROM hospital WHERE id = $1`, [tenantId]);
    return rows[0]?.id ?? null;
  }

  async setActive(tenantId: string, versionId: string): Promise<void> {
    await this.db.manager().query(`UPDATE hospital SET active_model_version_id = $2, updated_at = now() WHERE id = $1`, [tenantId, versionId]);
  }

  /** System context: hospitals without an active version get this one; returns their ids. */
  async activateWhereUnset(versionId: string): Promise<string[]> {
    const rows = await this.db
      .manager()
      .query<{ id: string }[]>(`UPDATE hospital SET active_model_version_id = $1, updated_at = now() WHERE active_model_version_id IS NULL RETURNING id`, [
        versionId,
      ]);
    return rows.map((r) => r.id);
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { encodePngRgba } from '@cruciate/dicom';
import { CAM_COLOURS, upsampleCamSlice } from '@cruciate/inference';
import DataLoader from 'dataloader';
import type { TenantPrincipal } from '../../auth/principal.js';
import { Db } from '../../database/db.js';
import { AuditService } from '../audit/audit.service.js';
import type { BlobStore } from '@cruciate/blob';
import { BLOB_STORE } from '../ingest/ingest.service.js';
import { FindingError } from './finding.errors.js';
import { type Finding, toFindingModel } from './finding.model.js';
import { FindingRepository, type FindingRow } from './finding.repository.js';

export interface CamArray {
  readonly findingId: string;
  readonly labels: readonly string[];
  /** slices, classes, height, width */
  readonly shape: readonly number[];
  readonly keySliceIndex: number;
  readonly sliceSopInstanceUids: readonly string[];
  /** Display CAMs in 0..1, C order, rounded to 4 decimals. */
  readonly data: readonly number[];
}

/** Findings (AI output) of the signed-in hospital, their CAMs as arrays and as PNG overlays. Reads are audited. */
@Injectable()
export class FindingService {
  constructor(
    private readonly db: Db,
    private readonly findings: FindingRepository,
    private readonly audit: AuditService,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
  ) {}

  private async audited(p: TenantPrincipal, rows: FindingRow[]): Promise<FindingRow[]> {
    if (rows.length > 0) {
      await this.audit.record(p, {
        tenantId: p.tenantId,
        action: 'finding.read',
        targetType: 'finding',
        targetId: rows.length === 1 ? rows[0]!.id : '*',
        detail: { findings: rows.map((r) => r.id) },
      });
    }
    return rows;
  }

  /** Per-request loader: a study's findings, newest first. */
  studyFindingsLoader(p: TenantPrincipal): DataLoader<string, Finding[]> {
    return new DataLoader(async (studyIds) => {
      const rows = await this.db.withTenant(p.tenantId, async () => this.audited(p, await this.findings.ofStudies(p.tenantId, studyIds)));
      const byStudy = new Map<string, Finding[]>();
      for (const r of rows) byStudy.set(r.study_id, [...(byStudy.get(r.study_id) ?? []), toFindingModel(r)]);
      return studyIds.map((id) => byStudy.get(id) ?? []);
    });
  }

  /** Per-request loader: a series' newest finding. */
  seriesFindingLoader(p: TenantPrincipal): DataLoader<string, Finding | null> {
    return new DataLoader(async (seriesIds) => {
      const rows = await this.db.withTenant(p.tenantId, async () => this.audited(p, await this.findings.latestOfSeries(p.tenantId, seriesIds)));
      const bySeries = new Map(rows.map((r) => [r.series_id, toFindingModel(r)]));
      return seriesIds.map((id) => bySeries.get(id) ?? null);
    });
  }

  private async load(p: TenantPrincipal, id: string): Promise<{ row: FindingRow; cam: Float32Array }> {
    const row = await this.db.withTenant(p.tenantId, async () => {
      const found = await this.findings.findById(p.tenantId, id);
      if (!found) throw new FindingError('FINDING_NOT_FOUND', 'finding not found', 'id');
      await this.audit.record(p, { tenantId: p.tenantId, action: 'finding.cam', targetType: 'finding', targetId: found.id });
      return found;
    });
    const bytes = await this.blobs.get(row.cam_blob_key);
    const cam = new Float32Array(bytes.byteLength / 4);
    new Uint8Array(cam.buffer).set(bytes);
    const expected = row.cam_shape.reduce((a, b) => a * b, 1);
    if (cam.length !== expected) throw new Error(`CAM blob of finding ${row.id} holds ${cam.length} values, expected ${expected}`);
    return { row, cam };
  }

  async camArray(p: TenantPrincipal, id: string): Promise<CamArray> {
    const { row, cam } = await this.load(p, id);
    return {
      findingId: row.id,
      labels: row.labels,
      shape: row.cam_shape,
      keySliceIndex: row.key_slice,
      sliceSopInstanceUids: row.slice_sop_uids,
      data: Array.from(cam, (v) => Math.round(v * 10_000) / 10_000),
    };
  }

  /**
   * One slice's CAM of one label as a colour-mapped RGBA PNG at width x height (default: the CAM upsampled 32x, capped
   * at 1024), transparent where the evidence is weak, to lay over the image.
   */
  async camOverlayPng(p: TenantPrincipal, id: string, slice: number, label: string | undefined, width?: number, height?: number): Promise<Buffer> {
    const { row, cam } = await this.load(p, id);
    const [slices, classes, camHeight, camWidth] = row.cam_shape as [number, number, number, number];
    if (!Number.isInteger(slice) || slice < 0 || slice >= slices) {
      throw new FindingError('CAM_SLICE_OUT_OF_RANGE', `slice must be 0..${slices - 1}`, 'slice');
    }
    const classIndex = label === undefined ? row.labels.indexOf(row.predicted_class) : row.labels.indexOf(label);
    if (classIndex < 0) throw new FindingError('CAM_LABEL_UNKNOWN', `label must be one of ${row.labels.join(', ')}`, 'label');
    const w = width ?? Math.min(camWidth * 32, 1024);
    const h = height ?? Math.min(camHeight * 32, 1024);
    const values = upsampleCamSlice(cam, slice, classIndex, classes, camHeight, camWidth, h, w);
    const rgba = new Uint8Array(w * h * 4);
    for (let i = 0; i < values.length; i++) {
      const v = Math.min(1, Math.max(0, values[i] ?? 0));
      const c = Math.round(v * 255) * 3;
      rgba[i * 4] = CAM_COLOURS[c] ?? 0;
      rgba[i * 4 + 1] = CAM_COLOURS[c + 1] ?? 0;
      rgba[i * 4 + 2] = CAM_COLOURS[c + 2] ?? 0;
      rgba[i * 4 + 3] = v < 0.15 ? 0 : Math.round(255 * v);
    }
    return encodePngRgba(w, h, rgba);
  }
}

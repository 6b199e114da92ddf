import { Injectable } from '@nestjs/common';
import type { StudyStatus } from '@cruciate/contracts';
import DataLoader from 'dataloader';
import type { TenantPrincipal } from '../../auth/principal.js';
import { type Connection, decodeCursor, pageSize } from '../../common/connection.js';
import { InputError } from '../../common/errors.js';
import { Db } from '../../database/db.js';
import { AuditService } from '../audit/audit.service.js';
import { OrderDirection, StudyOrderField, type StudiesArgs } from './dto/studies.args.js';
import { StudyError } from './study.errors.js';
import type { Series, Study } from './study.model.js';
import { StudyRepository, type SeriesRow, type StudyRow } from './study.repository.js';

@Injectable()
export class StudyService {
  constructor(
    private readonly db: Db,
    private readonly studies: StudyRepository,
    private readonly audit: AuditService,
  ) {}

  /** The worklist: the hospital's studies, by AI priority unless asked otherwise. Audited (PHI access). */
  list(p: TenantPrincipal, args: StudiesArgs): Promise<Connection<Study>> {
    const limit = pageSize(args);
    const order = args.orderBy?.field ?? StudyOrderField.PRIORITY;
    const direction = args.orderBy?.direction ?? OrderDirection.DESC;
    const after = parseCursor(decodeCursor(args.after));
    return this.db.withTenant(p.tenantId, async () => {
      const rows = await this.studies.list(p.tenantId, {
        statuses: args.filter?.status,
        dateFrom: args.filter?.dateFrom,
        dateTo: args.filter?.dateTo,
        patientKeyPrefix: args.filter?.patientKey,
        aiClasses: args.filter?.aiClass,
        order,
        direction,
        after,
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      await this.audit.record(p, {
        tenantId: p.tenantId,
        action: 'study.list',
        targetType: 'study',
        targetId: '*',
        detail: { studies: page.map((r) => r.id) },
      });
      const edges = page.map((r) => ({ cursor: Buffer.from(JSON.stringify(r.sort_key)).toString('base64url'), node: toStudy(r) }));
      return { edges, pageInfo: { hasNextPage: rows.length > limit, endCursor: edges.at(-1)?.cursor ?? null } };
    });
  }

  /** One study; another hospital's answers NOT_FOUND. Audited (PHI access). */
  get(p: TenantPrincipal, id: string): Promise<Study> {
    return this.db.withTenant(p.tenantId, async () => {
      const row = await this.studies.findById(p.tenantId, id);
      if (!row) throw new StudyError('STUDY_NOT_FOUND', 'study not found', 'id');
      await this.audit.record(p, { tenantId: p.tenantId, action: 'study.read', targetType: 'study', targetId: row.id });
      return toStudy(row);
    });
  }

  /** Per-request loader of a study's series (tenant-scoped). */
  seriesLoader(p: TenantPrincipal): DataLoader<string, Series[]> {
    return new DataLoader(async (studyIds) => {
      const rows = await this.db.withTenant(p.tenantId, () => this.studies.seriesOfStudies(p.tenantId, studyIds));
      const byStudy = new Map<string, Series[]>();
      for (const r of rows) byStudy.set(r.study_id, [...(byStudy.get(r.study_id) ?? []), toSeries(r)]);
      return studyIds.map((id) => byStudy.get(id) ?? []);
    });
  }
}

function parseCursor(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  } catch {
    // fall through
  }
  throw new InputError('INVALID_INPUT', 'after is not a cursor of this list', 'after');
}

function toStudy(r: StudyRow): Study {
  return {
    id: r.id,
    studyInstanceUid: r.study_instance_uid,
    accession: r.accession,
    studyDate: r.study_date,
    description: r.description,
    modalities: r.modalities,
    status: r.status as StudyStatus,
    statusReason: r.status_reason,
    priority: r.priority,
    aiClass: r.ai_class,
    pUnhealthy: r.ai_p_unhealthy,
    analyzedAt: r.analyzed_at,
    receivedAt: r.received_at,
    patient: { key: r.patient_key.slice(0, 16), sex: r.sex, birthYear: r.birth_year },
    seriesCount: r.series_count,
    instanceCount: r.instance_count,
  };
}

function toSeries(r: SeriesRow): Series {
  return {
    id: r.id,
    seriesInstanceUid: r.series_instance_uid,
    modality: r.modality,
    description: r.description,
    seriesNumber: r.series_number,
    bodyPart: r.body_part,
    plane: r.plane,
    instanceCount: r.instance_count,
    selectedForInference: r.selected_for_inference,
    selectionReason: r.selection_reason,
    status: r.status,
  };
}

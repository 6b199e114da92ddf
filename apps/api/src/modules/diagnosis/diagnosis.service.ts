import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import type { TenantPrincipal } from '../../auth/principal.js';
import { type Connection, decodeCursor, type PageArgs, pageSize, toConnection } from '../../common/connection.js';
import { InputError } from '../../common/errors.js';
import { uniqueViolation } from '../../common/pg-errors.js';
import { Db } from '../../database/db.js';
import { AuditService } from '../audit/audit.service.js';
import type { ConfirmDiagnosisInput } from './dto/confirm-diagnosis.input.js';
import { DiagnosisError } from './diagnosis.errors.js';
import { type Diagnosis, toDiagnosisModel } from './diagnosis.model.js';
import { DiagnosisRepository } from './diagnosis.repository.js';

/** Statuses in which a study can be read and signed (its pixels are in). */
const READABLE = new Set(['QUEUED', 'ANALYZING', 'ANALYZED', 'FAILED', 'NOT_APPLICABLE', 'REVIEWED']);

/**
 * Clinicians sign diagnoses; the AI's finding at that moment and whether they agreed are kept with it. Signed rows
 * are never changed (the app role cannot UPDATE them): corrections are amendments.
 */
@Injectable()
export class DiagnosisService {
  constructor(
    private readonly db: Db,
    private readonly diagnoses: DiagnosisRepository,
    private readonly audit: AuditService,
  ) {}

  confirm(p: TenantPrincipal, input: ConfirmDiagnosisInput): Promise<Diagnosis> {
    if (p.kind !== 'USER') throw new DiagnosisError('READER_NOT_A_PERSON', 'only a person can sign a diagnosis');
    const note = input.note?.trim() ? input.note.trim() : null;
    return this.db
      .withTenant(p.tenantId, async () => {
        const study = await this.diagnoses.study(p.tenantId, input.studyId);
        if (!study) throw new DiagnosisError('DIAGNOSIS_NOT_FOUND', 'study not found', 'input.studyId');
        if (!READABLE.has(study.status)) throw new DiagnosisError('STUDY_NOT_READY', `the study is still ${study.status}`, 'input.studyId');
        const finding = await this.diagnoses.latestFinding(p.tenantId, study.id);
        const labels = finding?.labels ?? (await this.diagnoses.activeModelLabels(p.tenantId)) ?? [];
        if (!labels.includes(input.label)) {
          throw new DiagnosisError('DIAGNOSIS_LABEL_INVALID', `label must be one of ${labels.join(', ')}`, 'input.label');
        }
        let amendsId: string | null = null;
        if (input.amendsId) {
          const amended = await this.diagnoses.findById(p.tenantId, input.amendsId);
          if (!amended || amended.study_id !== study.id)
            throw new DiagnosisError('DIAGNOSIS_NOT_FOUND', 'the diagnosis to amend was not found', 'input.amendsId');
          if (amended.amended_by_id)
            throw new DiagnosisError('DIAGNOSIS_ALREADY_AMENDED', 'that diagnosis was already amended: amend the newest one', 'input.amendsId');
          amendsId = amended.id;
        } else if (await this.diagnoses.currentOfReader(p.tenantId, study.id, p.id)) {
          throw new DiagnosisError('DIAGNOSIS_ALREADY_SIGNED', 'you already signed a diagnosis of this study: amend it instead', 'input.amendsId');
        }
        const id = await this.diagnoses.insert({
          tenantId: p.tenantId,
          studyId: study.id,
          readerId: p.id,
          label: input.label,
          note,
          findingId: finding?.id ?? null,
          agreesWithAi: finding ? finding.predicted_class === input.label : null,
          amendsId,
        });
        await this.diagnoses.markReviewed(p.tenantId, study.id);
        await this.audit.record(p, {
          tenantId: p.tenantId,
          action: amendsId ? 'diagnosis.amend' : 'diagnosis.sign',
          targetType: 'study',
          targetId: study.id,
          detail: {
            diagnosisId: id,
            label: input.label,
            findingId: finding?.id ?? null,
            agreesWithAi: finding ? finding.predicted_class === input.label : null,
            amendsId,
          },
        });
        const row = await this.diagnoses.findById(p.tenantId, id);
        if (!row) throw new Error('inserted diagnosis not readable');
        return toDiagnosisModel(row);
      })
      .catch((err: unknown) => {
        // Two amendments of the same diagnosis at once: the second loses.
        if (uniqueViolation(err) === 'diagnosis_amends_key') {
          throw new DiagnosisError('DIAGNOSIS_ALREADY_AMENDED', 'that diagnosis was already amended: amend the newest one', 'input.amendsId');
        }
        throw err;
      });
  }

  /** Labelled data for retraining (hospital admins, integrators): newest first. Audited. */
  list(p: TenantPrincipal, args: PageArgs): Promise<Connection<Diagnosis>> {
    const limit = pageSize(args);
    const cursor = decodeCursor(args.after);
    let after: { signedAt: string; id: string } | undefined;
    if (cursor !== undefined) {
      const [signedAt, id] = cursor.split('|');
      if (!signedAt || !id || Number.isNaN(Date.parse(signedAt))) throw new InputError('INVALID_INPUT', 'after is not a cursor of this list', 'after');
      after = { signedAt, id };
    }
    return this.db.withTenant(p.tenantId, async () => {
      const rows = await this.diagnoses.list(p.tenantId, limit + 1, after);
      await this.audit.record(p, {
        tenantId: p.tenantId,
        action: 'diagnosis.list',
        targetType: 'diagnosis',
        targetId: '*',
        detail: { count: Math.min(rows.length, limit) },
      });
      return toConnection(rows, limit, (r) => `${r.signed_at.toISOString()}|${r.id}`, toDiagnosisModel);
    });
  }

  /** Per-request loader: a study's diagnoses, newest first. */
  studyDiagnosesLoader(p: TenantPrincipal): DataLoader<string, Diagnosis[]> {
    return new DataLoader(async (studyIds) => {
      const rows = await this.db.withTenant(p.tenantId, () => this.diagnoses.ofStudies(p.tenantId, studyIds));
      const byStudy = new Map<string, Diagnosis[]>();
      for (const r of rows) byStudy.set(r.study_id, [...(byStudy.get(r.study_id) ?? []), toDiagnosisModel(r)]);
      return studyIds.map((id) => byStudy.get(id) ?? []);
    });
  }
}

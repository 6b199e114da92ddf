import { Injectable } from '@nestjs/common';
import type { TenantPrincipal } from '../../auth/principal.js';
import { Db } from '../../database/db.js';
import { AuditService } from '../audit/audit.service.js';
import { StudyError } from '../study/study.errors.js';
import type { Study } from '../study/study.model.js';
import { StudyRepository } from '../study/study.repository.js';
import { StudyService } from '../study/study.service.js';
import { StudyEventBus, type StudyEventStream } from './study-event-bus.js';

/**
 * Live study changes for GraphQL subscriptions. A subscription is registered on the bus before its checks run, so
 * no change committed after the subscription was accepted is missed; a failed check closes it again.
 */
@Injectable()
export class StudyEventsService {
  constructor(
    private readonly db: Db,
    private readonly bus: StudyEventBus,
    private readonly studyRepo: StudyRepository,
    private readonly studies: StudyService,
    private readonly audit: AuditService,
  ) {}

  /** Changes of one study; another hospital's study (or none) answers NOT_FOUND. Audited. */
  async studyUpdated(p: TenantPrincipal, studyId: string): Promise<StudyEventStream> {
    const stream = this.bus.subscribe(p.tenantId, studyId);
    try {
      await this.db.withTenant(p.tenantId, async () => {
        const row = await this.studyRepo.findById(p.tenantId, studyId);
        if (!row) throw new StudyError('STUDY_NOT_FOUND', 'study not found', 'id');
        await this.audit.record(p, { tenantId: p.tenantId, action: 'study.subscribe', targetType: 'study', targetId: row.id });
      });
    } catch (err) {
      stream.close();
      throw err;
    }
    return stream;
  }

  /** Changes of every study of the principal's hospital. Audited. */
  async worklistUpdated(p: TenantPrincipal): Promise<StudyEventStream> {
    const stream = this.bus.subscribe(p.tenantId);
    try {
      await this.db.withTenant(p.tenantId, () =>
        this.audit.record(p, { tenantId: p.tenantId, action: 'worklist.subscribe', targetType: 'study', targetId: '*' }),
      );
    } catch (err) {
      stream.close();
      throw err;
    }
    return stream;
  }

  /** The study as it is now (through StudyService: tenant-scoped and audited as a read). */
  study(p: TenantPrincipal, studyId: string): Promise<Study> {
    return this.studies.get(p, studyId);
  }
}

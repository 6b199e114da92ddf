import { Injectable } from '@nestjs/common';
import { HospitalStatus, Role } from '@cruciate/contracts';
import type { Principal, TenantPrincipal } from '../../auth/principal.js';
import { type Connection, decodeCursor, type PageArgs, pageSize, toConnection } from '../../common/connection.js';
import { uniqueViolation } from '../../common/pg-errors.js';
import { Db } from '../../database/db.js';
import { AuditService } from '../audit/audit.service.js';
import { UserService } from '../user/user.service.js';
import type { CreateHospitalInput } from './dto/create-hospital.input.js';
import type { DicomSettingsInput } from './dto/dicom-settings.input.js';
import type { HospitalEntity } from './hospital.entity.js';
import { HospitalError } from './hospital.errors.js';
import { type Hospital, toHospitalModel } from './hospital.model.js';
import { HospitalRepository } from './hospital.repository.js';

@Injectable()
export class HospitalService {
  constructor(
    private readonly db: Db,
    private readonly hospitals: HospitalRepository,
    private readonly audit: AuditService,
    private readonly users: UserService,
  ) {}

  /** Platform admin: every hospital (cross-tenant, audited on the platform log). */
  list(actor: Principal, args: PageArgs): Promise<Connection<Hospital>> {
    const limit = pageSize(args);
    return this.db.forSystem('platform admin lists hospitals', async () => {
      const rows = await this.hospitals.list(limit + 1, decodeCursor(args.after));
      await this.audit.recordPlatform(actor, {
        action: 'hospital.list',
        targetType: 'hospital',
        targetId: '*',
        detail: { count: Math.min(rows.length, limit) },
      });
      return toConnection(rows, limit, (r) => r.slug, toHospitalModel);
    });
  }

  /** The principal's own hospital, or null outside any hospital. */
  async findOwn(actor: Principal): Promise<Hospital | null> {
    if (!actor.tenantId) return null;
    const tenantId = actor.tenantId;
    const row = await this.db.withTenant(tenantId, () => this.hospitals.findById(tenantId));
    return row ? toHospitalModel(row) : null;
  }

  async create(actor: Principal, input: CreateHospitalInput): Promise<Hospital> {
    try {
      return await this.db.forSystem('platform admin creates a hospital', async () => {
        const created = await this.hospitals.insert({ name: input.name.trim(), slug: input.slug, aeTitle: input.aeTitle ?? null });
        if (input.adminEmail) {
          await this.users.addMember(created.id, { email: input.adminEmail, displayName: input.adminEmail, roles: [Role.HOSPITAL_ADMIN] });
        }
        await this.audit.record(actor, {
          tenantId: created.id,
          action: 'hospital.create',
          targetType: 'hospital',
          targetId: created.id,
          detail: { slug: created.slug, aeTitle: created.aeTitle, adminEmail: input.adminEmail ?? null },
        });
        return toHospitalModel(created);
      });
    } catch (err) {
      const constraint = uniqueViolation(err);
      if (constraint === 'hospital_slug_key') throw new HospitalError('SLUG_TAKEN', `slug "${input.slug}" is already in use`, 'input.slug');
      if (constraint === 'hospital_ae_title_key')
        throw new HospitalError('AE_TITLE_TAKEN', `AE title "${input.aeTitle ?? ''}" is already in use`, 'input.aeTitle');
      throw err;
    }
  }

  /** Hospital admin: the called AE title that routes C-STORE here, and the calling AE titles allowed. */
  async updateDicomSettings(actor: TenantPrincipal, input: DicomSettingsInput): Promise<Hospital> {
    try {
      return await this.db.withTenant(actor.tenantId, async () => {
        const before = await this.getById(actor.tenantId);
        await this.hospitals.setDicomSettings(actor.tenantId, input.aeTitle ?? null, input.allowedCallingAes);
        await this.audit.record(actor, {
          tenantId: actor.tenantId,
          action: 'hospital.dicom_settings',
          targetType: 'hospital',
          targetId: actor.tenantId,
          detail: {
            from: { aeTitle: before.aeTitle, allowedCallingAes: before.allowedCallingAes },
            to: { aeTitle: input.aeTitle ?? null, allowedCallingAes: input.allowedCallingAes },
          },
        });
        return toHospitalModel(await this.getById(actor.tenantId));
      });
    } catch (err) {
      if (uniqueViolation(err) === 'hospital_ae_title_key')
        throw new HospitalError('AE_TITLE_TAKEN', `AE title "${input.aeTitle ?? ''}" is already in use`, 'input.aeTitle');
      throw err;
    }
  }

  suspend(actor: Principal, id: string): Promise<Hospital> {
    return this.changeStatus(actor, id, HospitalStatus.SUSPENDED);
  }

  reactivate(actor: Principal, id: string): Promise<Hospital> {
    return this.changeStatus(actor, id, HospitalStatus.ACTIVE);
  }

  private changeStatus(actor: Principal, id: string, status: HospitalStatus): Promise<Hospital> {
    return this.db.forSystem(`platform admin sets hospital status ${status}`, async () => {
      const current = await this.getById(id);
      if (current.status === status) {
        throw status === HospitalStatus.SUSPENDED
          ? new HospitalError('ALREADY_SUSPENDED', 'hospital is already suspended', 'id')
          : new HospitalError('NOT_SUSPENDED', 'hospital is not suspended', 'id');
      }
      await this.hospitals.setStatus(id, status);
      await this.audit.record(actor, {
        tenantId: id,
        action: status === HospitalStatus.SUSPENDED ? 'hospital.suspend' : 'hospital.reactivate',
        targetType: 'hospital',
        targetId: id,
        detail: { from: current.status, to: status },
      });
      return toHospitalModel(await this.getById(id));
    });
  }

  private async getById(id: string): Promise<HospitalEntity> {
    const row = await this.hospitals.findById(id);
    if (!row) throw new HospitalError('HOSPITAL_NOT_FOUND', 'hospital not found', 'id');
    return row;
  }
}

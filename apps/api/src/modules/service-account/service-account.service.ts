import { Injectable } from '@nestjs/common';
import type { TenantPrincipal } from '../../auth/principal.js';
import { type Connection, decodeCursor, type PageArgs, pageSize, toConnection } from '../../common/connection.js';
import { Db } from '../../database/db.js';
import { AuditService } from '../audit/audit.service.js';
import { HospitalRepository } from '../hospital/hospital.repository.js';
import { hashClientSecret, newClientId, newClientSecret } from './client-secret.js';
import type { CreateServiceAccountInput } from './dto/create-service-account.input.js';
import { ServiceAccountError } from './service-account.errors.js';
import { type CreateServiceAccountPayload, type ServiceAccount, toServiceAccountModel } from './service-account.model.js';
import { ServiceAccountRepository } from './service-account.repository.js';

@Injectable()
export class ServiceAccountService {
  constructor(
    private readonly db: Db,
    private readonly accounts: ServiceAccountRepository,
    private readonly hospitals: HospitalRepository,
    private readonly audit: AuditService,
  ) {}

  list(p: TenantPrincipal, args: PageArgs): Promise<Connection<ServiceAccount>> {
    const limit = pageSize(args);
    return this.db.withTenant(p.tenantId, async () => {
      const rows = await this.accounts.list(p.tenantId, limit + 1, decodeCursor(args.after));
      return toConnection(rows, limit, (r) => r.clientId, toServiceAccountModel);
    });
  }

  create(p: TenantPrincipal, input: CreateServiceAccountInput): Promise<CreateServiceAccountPayload> {
    return this.db.withTenant(p.tenantId, async () => {
      const hospital = await this.hospitals.findById(p.tenantId);
      if (!hospital) throw new Error('principal hospital not readable');
      const clientSecret = newClientSecret();
      const row = await this.accounts.insert({
        tenantId: p.tenantId,
        clientId: newClientId(hospital.slug),
        name: input.name.trim(),
        secretHash: hashClientSecret(clientSecret),
        createdBy: p.kind === 'USER' ? p.id : null,
      });
      await this.audit.record(p, {
        tenantId: p.tenantId,
        action: 'service_account.create',
        targetType: 'service_account',
        targetId: row.id,
        detail: { clientId: row.clientId, name: row.name },
      });
      return { serviceAccount: toServiceAccountModel(row), clientId: row.clientId, clientSecret };
    });
  }

  revoke(p: TenantPrincipal, id: string): Promise<ServiceAccount> {
    return this.db.withTenant(p.tenantId, async () => {
      const row = await this.accounts.findById(p.tenantId, id);
      if (!row) throw new ServiceAccountError('SERVICE_ACCOUNT_NOT_FOUND', 'service account not found', 'id');
      if (row.revokedAt) throw new ServiceAccountError('ALREADY_REVOKED', 'service account is already revoked', 'id');
      await this.accounts.revoke(p.tenantId, id);
      await this.audit.record(p, {
        tenantId: p.tenantId,
        action: 'service_account.revoke',
        targetType: 'service_account',
        targetId: id,
        detail: { clientId: row.clientId },
      });
      const after = await this.accounts.findById(p.tenantId, id);
      if (!after) throw new Error('service account vanished');
      return toServiceAccountModel(after);
    });
  }
}

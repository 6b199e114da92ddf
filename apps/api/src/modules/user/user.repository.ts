import { Injectable } from '@nestjs/common';
import { Db } from '../../database/db.js';
import { isUuid } from '../../common/uuid.js';
import { AppUserEntity, LocalCredentialEntity, MembershipEntity } from './user.entity.js';

export interface MemberRow {
  id: string;
  email: string;
  display_name: string;
  subject: string | null;
  roles: string[];
  member_since: Date;
}

@Injectable()
export class UserRepository {
  constructor(private readonly db: Db) {}

  private users() {
    return this.db.manager().getRepository(AppUserEntity);
  }

  findById(id: string): Promise<AppUserEntity | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return this.users().findOneBy({ id });
  }

  findBySubject(subject: string): Promise<AppUserEntity | null> {
    return this.users().findOneBy({ subject });
  }

  findByEmail(email: string): Promise<AppUserEntity | null> {
    return this.users().findOneBy({ email: email.toLowerCase() });
  }

  async insertUser(values: { email: string; displayName: string; subject: string | null; isPlatformAdmin: boolean }): Promise<AppUserEntity> {
    const rows = await this.db.manager().query<{ id: string }[]>(
      `INSERT INTO app_user (email, display_name, subject, is_platform_admin) VALUES ($1, $2, $3, $4)
         ON CONFLICT (email) DO NOTHING RETURNING id`,
      [values.email.toLowerCase(), values.displayName, values.subject, values.isPlatformAdmin],
    );
    const user = rows[0] ? await this.findById(rows[0].id) : await this.findByEmail(values.email);
    if (!user) throw new Error('user insert not readable');
    return user;
  }

  /** Binds an invited user (no subject yet) to the identity provider's subject on first sign-in. */
  async bindSubject(userId: string, subject: string): Promise<void> {
    await this.db.manager().query(`UPDATE app_user SET subject = $2, updated_at = now() WHERE id = $1 AND subject IS NULL`, [userId, subject]);
  }

  findMembership(tenantId: string, userId: string): Promise<MembershipEntity | null> {
    if (!isUuid(userId)) return Promise.resolve(null);
    return this.db.manager().getRepository(MembershipEntity).findOneBy({ tenantId, userId });
  }

  /** All memberships of a user (system scope: used by the identity provider to issue tokens). */
  membershipsOf(userId: string): Promise<MembershipEntity[]> {
    return this.db
      .manager()
      .getRepository(MembershipEntity)
      .find({ where: { userId }, order: { createdAt: 'ASC' } });
  }

  async insertMembership(tenantId: string, userId: string, roles: readonly string[]): Promise<boolean> {
    const rows = await this.db
      .manager()
      .query<unknown[]>(`INSERT INTO membership (tenant_id, user_id, roles) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING user_id`, [
        tenantId,
        userId,
        roles,
      ]);
    return rows.length === 1;
  }

  async setRoles(tenantId: string, userId: string, roles: readonly string[]): Promise<void> {
    await this.db.manager().query(`UPDATE membership SET roles = $3, updated_at = now() WHERE tenant_id = $1 AND user_id = $2`, [tenantId, userId, roles]);
  }

  /** Members of a hospital ordered by email (unique); `afterEmail` is the cursor. */
  listMembers(tenantId: string, limit: number, afterEmail: string | undefined): Promise<MemberRow[]> {
    return this.db.manager().query<MemberRow[]>(
      `SELECT u.id, u.email, u.display_name, u.subject, m.roles, m.created_at AS member_since
         FROM membership m JOIN app_user u ON u.id = m.user_id
        WHERE m.tenant_id = $1 AND ($3::text IS NULL OR u.email > $3)
        ORDER BY u.email LIMIT $2`,
      [tenantId, limit, afterEmail ?? null],
    );
  }

  async getMember(tenantId: string, userId: string): Promise<MemberRow | null> {
    if (!isUuid(userId)) return null;
    const rows = await this.db.manager().query<MemberRow[]>(
      `SELECT u.id, u.email, u.display_name, u.subject, m.roles, m.created_at AS member_since
         FROM membership m JOIN app_user u ON u.id = m.user_id WHERE m.tenant_id = $1 AND m.user_id = $2`,
      [tenantId, userId],
    );
    return rows[0] ?? null;
  }

  findCredential(userId: string): Promise<LocalCredentialEntity | null> {
    return this.db.manager().getRepository(LocalCredentialEntity).findOneBy({ userId });
  }

  async setCredential(userId: string, passwordHash: string): Promise<void> {
    await this.db.manager().query(
      `INSERT INTO local_credential (user_id, password_hash) VALUES ($1, $2)
         ON CONFLICT (user_id) DO UPDATE SET password_hash = EXCLUDED.password_hash, updated_at = now()`,
      [userId, passwordHash],
    );
  }
}

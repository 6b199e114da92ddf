import { Inject, Injectable } from '@nestjs/common';
import type { ApiConfig } from '@cruciate/config';
import { HOSPITAL_ROLES, Role } from '@cruciate/contracts';
import { hashPassword, randomSecret } from '@cruciate/db';
import type { Principal, TenantPrincipal } from '../../auth/principal.js';
import { type Connection, decodeCursor, type PageArgs, pageSize, toConnection } from '../../common/connection.js';
import { API_CONFIG } from '../../config.token.js';
import { Db } from '../../database/db.js';
import { AuditService } from '../audit/audit.service.js';
import type { InviteUserInput, SetUserRolesInput } from './dto/user.inputs.js';
import { UserError } from './user.errors.js';
import { type HospitalUser, type InviteUserPayload, type Me, PrincipalKind } from './user.model.js';
import { type MemberRow, UserRepository } from './user.repository.js';

@Injectable()
export class UserService {
  constructor(
    private readonly db: Db,
    private readonly users: UserRepository,
    private readonly audit: AuditService,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  me(p: Principal): Me {
    return {
      id: p.id,
      kind: p.kind === 'USER' ? PrincipalKind.USER : PrincipalKind.SERVICE_ACCOUNT,
      displayName: p.displayName,
      email: p.email,
      roles: [...p.roles],
      hospitalId: p.tenantId,
    };
  }

  list(p: TenantPrincipal, args: PageArgs): Promise<Connection<HospitalUser>> {
    const limit = pageSize(args);
    return this.db.withTenant(p.tenantId, async () => {
      const rows = await this.users.listMembers(p.tenantId, limit + 1, decodeCursor(args.after));
      return toConnection(rows, limit, (r) => r.email, toHospitalUser);
    });
  }

  invite(p: TenantPrincipal, input: InviteUserInput): Promise<InviteUserPayload> {
    assertHospitalRoles(input.roles);
    return this.db.withTenant(p.tenantId, async () => {
      const added = await this.addMember(p.tenantId, { email: input.email, displayName: input.displayName ?? input.email, roles: input.roles });
      await this.audit.record(p, {
        tenantId: p.tenantId,
        action: 'user.invite',
        targetType: 'user',
        targetId: added.user.id,
        detail: { email: added.user.email, roles: input.roles },
      });
      return added;
    });
  }

  /**
   * Adds a person to a hospital (inside the caller's scope). Creates the person if new; with the
   * built-in identity provider, a new person gets a one-time initial password.
   */
  async addMember(tenantId: string, input: { email: string; displayName: string; roles: readonly Role[] }): Promise<InviteUserPayload> {
    const email = input.email.toLowerCase();
    const user =
      (await this.users.findByEmail(email)) ?? (await this.users.insertUser({ email, displayName: input.displayName, subject: null, isPlatformAdmin: false }));
    const inserted = await this.users.insertMembership(tenantId, user.id, input.roles);
    if (!inserted) throw new UserError('ALREADY_MEMBER', `${email} is already a member of this hospital`, 'input.email');
    let initialPassword: string | null = null;
    if (this.config.isBuiltInIssuer && !(await this.users.findCredential(user.id))) {
      initialPassword = randomSecret(12);
      await this.users.setCredential(user.id, await hashPassword(initialPassword));
    }
    const member = await this.users.getMember(tenantId, user.id);
    if (!member) throw new Error('new member not readable');
    return { user: toHospitalUser(member), initialPassword };
  }

  setRoles(p: TenantPrincipal, input: SetUserRolesInput): Promise<HospitalUser> {
    assertHospitalRoles(input.roles);
    return this.db.withTenant(p.tenantId, async () => {
      const before = await this.users.getMember(p.tenantId, input.userId);
      if (!before) throw new UserError('USER_NOT_FOUND', 'user not found in this hospital', 'input.userId');
      if (p.kind === 'USER' && p.id === input.userId && !input.roles.includes(Role.HOSPITAL_ADMIN)) {
        throw new UserError('CANNOT_CHANGE_OWN_ADMIN_ROLE', 'you cannot remove your own HOSPITAL_ADMIN role; ask another admin', 'input.roles');
      }
      await this.users.setRoles(p.tenantId, input.userId, input.roles);
      await this.audit.record(p, {
        tenantId: p.tenantId,
        action: 'user.set_roles',
        targetType: 'user',
        targetId: input.userId,
        detail: { from: before.roles, to: input.roles },
      });
      const after = await this.users.getMember(p.tenantId, input.userId);
      if (!after) throw new Error('member vanished');
      return toHospitalUser(after);
    });
  }
}

function assertHospitalRoles(roles: readonly Role[]): void {
  const bad = roles.filter((r) => !HOSPITAL_ROLES.includes(r));
  if (bad.length > 0) throw new UserError('INVALID_ROLES', `roles ${bad.join(', ')} cannot be granted within a hospital`, 'input.roles');
}

function toHospitalUser(row: MemberRow): HospitalUser {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    roles: row.roles as Role[],
    hasSignedIn: row.subject !== null,
    memberSince: row.member_since,
  };
}

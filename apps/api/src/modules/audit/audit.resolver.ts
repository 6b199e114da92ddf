import { Args, Query, Resolver } from '@nestjs/graphql';
import { Role } from '@cruciate/contracts';
import { CurrentPrincipal } from '../../auth/current-principal.decorator.js';
import type { TenantPrincipal } from '../../auth/principal.js';
import { Roles } from '../../auth/roles.decorator.js';
import type { Connection } from '../../common/connection.js';
import { AuditEvent, AuditEventConnection } from './audit-event.model.js';
import { AuditService } from './audit.service.js';
import { AuditEventsArgs } from './dto/audit-events.args.js';

@Resolver(() => AuditEvent)
export class AuditResolver {
  constructor(private readonly audit: AuditService) {}

  @Query(() => AuditEventConnection, { description: "The hospital's audit log, newest first" })
  @Roles(Role.HOSPITAL_ADMIN)
  auditEvents(@CurrentPrincipal() p: TenantPrincipal, @Args() args: AuditEventsArgs): Promise<Connection<AuditEvent>> {
    return this.audit.list(p, args);
  }
}

import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Role } from '@cruciate/contracts';
import { CurrentPrincipal } from '../../auth/current-principal.decorator.js';
import type { TenantPrincipal } from '../../auth/principal.js';
import { Roles } from '../../auth/roles.decorator.js';
import { type Connection, PageArgs } from '../../common/connection.js';
import { CreateServiceAccountInput } from './dto/create-service-account.input.js';
import { CreateServiceAccountPayload, ServiceAccount, ServiceAccountConnection } from './service-account.model.js';
import { ServiceAccountService } from './service-account.service.js';

@Resolver(() => ServiceAccount)
export class ServiceAccountResolver {
  constructor(private readonly accounts: ServiceAccountService) {}

  @Query(() => ServiceAccountConnection)
  @Roles(Role.HOSPITAL_ADMIN)
  serviceAccounts(@CurrentPrincipal() p: TenantPrincipal, @Args() args: PageArgs): Promise<Connection<ServiceAccount>> {
    return this.accounts.list(p, args);
  }

  @Mutation(() => CreateServiceAccountPayload, { description: 'Create an INTEGRATOR service account; the secret is returned once' })
  @Roles(Role.HOSPITAL_ADMIN)
  createServiceAccount(@CurrentPrincipal() p: TenantPrincipal, @Args('input') input: CreateServiceAccountInput): Promise<CreateServiceAccountPayload> {
    return this.accounts.create(p, input);
  }

  @Mutation(() => ServiceAccount)
  @Roles(Role.HOSPITAL_ADMIN)
  revokeServiceAccount(@CurrentPrincipal() p: TenantPrincipal, @Args('id', { type: () => ID }) id: string): Promise<ServiceAccount> {
    return this.accounts.revoke(p, id);
  }
}

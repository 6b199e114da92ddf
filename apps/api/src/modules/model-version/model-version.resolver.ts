import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Role } from '@cruciate/contracts';
import { AnyAuthenticated, Roles } from '../../auth/roles.decorator.js';
import { CurrentPrincipal } from '../../auth/current-principal.decorator.js';
import type { Principal, TenantPrincipal } from '../../auth/principal.js';
import { type Connection, PageArgs } from '../../common/connection.js';
import { Hospital } from '../hospital/hospital.model.js';
import { ModelVersion, ModelVersionConnection, toModelVersionModel } from './model-version.model.js';
import { ModelVersionService } from './model-version.service.js';

@Resolver(() => ModelVersion)
export class ModelVersionResolver {
  constructor(private readonly service: ModelVersionService) {}

  @Query(() => ModelVersionConnection, { description: 'Registered model versions, newest first' })
  @AnyAuthenticated()
  modelVersions(@CurrentPrincipal() p: Principal, @Args() args: PageArgs): Promise<Connection<ModelVersion>> {
    return this.service.list(p, args);
  }

  @Query(() => ModelVersion)
  @AnyAuthenticated()
  modelVersion(@CurrentPrincipal() p: Principal, @Args('id', { type: () => ID }) id: string): Promise<ModelVersion> {
    return this.service.get(p, id);
  }

  @Mutation(() => Hospital, { description: "Make a registered model version the one that analyses this hospital's new series" })
  @Roles(Role.HOSPITAL_ADMIN)
  activateModelVersion(@CurrentPrincipal() p: TenantPrincipal, @Args('versionId', { type: () => ID }) versionId: string): Promise<Hospital> {
    return this.service.activate(p, versionId);
  }
}

@Resolver(() => Hospital)
export class HospitalModelVersionResolver {
  constructor(private readonly service: ModelVersionService) {}

  @ResolveField(() => ModelVersion, { nullable: true, description: "The model version that analyses this hospital's series" })
  @AnyAuthenticated()
  async activeModelVersion(@Parent() hospital: Hospital, @CurrentPrincipal() p: Principal): Promise<ModelVersion | null> {
    if (!hospital.activeModelVersionId) return null;
    const [row] = await this.service.findByIds(p, [hospital.activeModelVersionId]);
    return row ? toModelVersionModel(row) : null;
  }
}

import { Args, Context, ID, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Role } from '@cruciate/contracts';
import { CurrentPrincipal } from '../../auth/current-principal.decorator.js';
import type { TenantPrincipal } from '../../auth/principal.js';
import { Roles } from '../../auth/roles.decorator.js';
import type { Connection } from '../../common/connection.js';
import type { GraphQLRequestContext } from '../../graphql/graphql-context.js';
import { StudiesArgs } from './dto/studies.args.js';
import { Series, Study, StudyConnection } from './study.model.js';
import { StudyService } from './study.service.js';

@Resolver(() => Study)
export class StudyResolver {
  constructor(private readonly service: StudyService) {}

  @Query(() => StudyConnection, { description: "The hospital's studies (worklist order: AI priority first)" })
  @Roles(Role.CLINICIAN, Role.INTEGRATOR)
  studies(@CurrentPrincipal() p: TenantPrincipal, @Args() args: StudiesArgs): Promise<Connection<Study>> {
    return this.service.list(p, args);
  }

  @Query(() => Study)
  @Roles(Role.CLINICIAN, Role.INTEGRATOR)
  study(@CurrentPrincipal() p: TenantPrincipal, @Args('id', { type: () => ID }) id: string): Promise<Study> {
    return this.service.get(p, id);
  }

  @ResolveField(() => [Series])
  @Roles(Role.CLINICIAN, Role.INTEGRATOR)
  series(@Parent() study: Study, @CurrentPrincipal() p: TenantPrincipal, @Context() ctx: GraphQLRequestContext): Promise<Series[]> {
    ctx.studySeries ??= this.service.seriesLoader(p);
    return ctx.studySeries.load(study.id);
  }
}

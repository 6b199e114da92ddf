import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { Role } from '@cruciate/contracts';
import { CurrentPrincipal } from '../../auth/current-principal.decorator.js';
import type { TenantPrincipal } from '../../auth/principal.js';
import { Roles } from '../../auth/roles.decorator.js';
import type { GraphQLRequestContext } from '../../graphql/graphql-context.js';
import { ModelVersion, toModelVersionModel } from '../model-version/model-version.model.js';
import { ModelVersionService } from '../model-version/model-version.service.js';
import { Series, Study } from '../study/study.model.js';
import { Finding } from './finding.model.js';
import { FindingService } from './finding.service.js';

@Resolver(() => Study)
export class StudyFindingResolver {
  constructor(private readonly service: FindingService) {}

  @ResolveField(() => [Finding], { description: 'What the AI said about this study, newest first' })
  @Roles(Role.CLINICIAN, Role.INTEGRATOR)
  findings(@Parent() study: Study, @CurrentPrincipal() p: TenantPrincipal, @Context() ctx: GraphQLRequestContext): Promise<Finding[]> {
    ctx.studyFindings ??= this.service.studyFindingsLoader(p);
    return ctx.studyFindings.load(study.id);
  }
}

@Resolver(() => Series)
export class SeriesFindingResolver {
  constructor(private readonly findings: FindingService) {}

  @ResolveField(() => Finding, { nullable: true, description: 'The newest finding of this series (null until it is analysed)' })
  @Roles(Role.CLINICIAN, Role.INTEGRATOR)
  finding(@Parent() series: Series, @CurrentPrincipal() p: TenantPrincipal, @Context() ctx: GraphQLRequestContext): Promise<Finding | null> {
    ctx.seriesFinding ??= this.findings.seriesFindingLoader(p);
    return ctx.seriesFinding.load(series.id);
  }
}

@Resolver(() => Finding)
export class FindingResolver {
  constructor(private readonly versions: ModelVersionService) {}

  @ResolveField(() => ModelVersion, { description: 'The model version that made the finding (with its intended use)' })
  @Roles(Role.CLINICIAN, Role.INTEGRATOR)
  async modelVersion(@Parent() finding: Finding, @CurrentPrincipal() p: TenantPrincipal): Promise<ModelVersion> {
    const [row] = await this.versions.findByIds(p, [finding.modelVersionId]);
    if (!row) throw new Error(`model version ${finding.modelVersionId} of finding ${finding.id} is missing`);
    return toModelVersionModel(row);
  }
}

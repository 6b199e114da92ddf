import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Role } from '@cruciate/contracts';
import { CurrentPrincipal } from '../../auth/current-principal.decorator.js';
import type { TenantPrincipal } from '../../auth/principal.js';
import { Roles } from '../../auth/roles.decorator.js';
import { type Connection, PageArgs } from '../../common/connection.js';
import type { GraphQLRequestContext } from '../../graphql/graphql-context.js';
import { Study } from '../study/study.model.js';
import { ConfirmDiagnosisInput } from './dto/confirm-diagnosis.input.js';
import { Diagnosis, DiagnosisConnection } from './diagnosis.model.js';
import { DiagnosisService } from './diagnosis.service.js';

@Resolver(() => Diagnosis)
export class DiagnosisResolver {
  constructor(private readonly service: DiagnosisService) {}

  @Mutation(() => Diagnosis, { description: 'Sign a diagnosis of a study (confirming or correcting the AI); the study becomes REVIEWED' })
  @Roles(Role.CLINICIAN)
  confirmDiagnosis(@CurrentPrincipal() p: TenantPrincipal, @Args('input') input: ConfirmDiagnosisInput): Promise<Diagnosis> {
    return this.service.confirm(p, input);
  }

  @Query(() => DiagnosisConnection, { description: "The hospital's signed diagnoses, newest first: the labels of future retraining" })
  @Roles(Role.HOSPITAL_ADMIN, Role.INTEGRATOR)
  diagnoses(@CurrentPrincipal() p: TenantPrincipal, @Args() args: PageArgs): Promise<Connection<Diagnosis>> {
    return this.service.list(p, args);
  }
}

@Resolver(() => Study)
export class StudyDiagnosisResolver {
  constructor(private readonly service: DiagnosisService) {}

  @ResolveField(() => [Diagnosis], { description: 'Signed diagnoses of this study, newest first (amended ones included)' })
  @Roles(Role.CLINICIAN, Role.INTEGRATOR)
  diagnoses(@Parent() study: Study, @CurrentPrincipal() p: TenantPrincipal, @Context() ctx: GraphQLRequestContext): Promise<Diagnosis[]> {
    ctx.studyDiagnoses ??= this.service.studyDiagnosesLoader(p);
    return ctx.studyDiagnoses.load(study.id);
  }
}

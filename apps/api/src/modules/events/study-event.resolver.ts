import { Args, ID, Parent, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { Role } from '@cruciate/contracts';
import { CurrentPrincipal } from '../../auth/current-principal.decorator.js';
import type { TenantPrincipal } from '../../auth/principal.js';
import { Roles } from '../../auth/roles.decorator.js';
import { Study } from '../study/study.model.js';
import type { StudyChange, StudyEventStream } from './study-event-bus.js';
import { StudyEvent } from './study-event.model.js';
import { StudyEventsService } from './study-events.service.js';

/** Each event is the StudyEvent itself (no `{ fieldName: payload }` wrapper). */
function asEvent(change: StudyChange): StudyEvent {
  return { studyId: change.studyId, status: change.status };
}

/** GraphQL subscriptions over graphql-ws (`/graphql`, see GraphqlWsServer). */
@Resolver(() => StudyEvent)
export class StudyEventResolver {
  constructor(private readonly events: StudyEventsService) {}

  @Subscription(() => StudyEvent, {
    description: "Changes of one study of your hospital (another hospital's study answers NOT_FOUND)",
    resolve: asEvent,
  })
  @Roles(Role.CLINICIAN, Role.INTEGRATOR)
  studyUpdated(@CurrentPrincipal() p: TenantPrincipal, @Args('id', { type: () => ID }) id: string): Promise<StudyEventStream> {
    return this.events.studyUpdated(p, id);
  }

  @Subscription(() => StudyEvent, { description: "Changes of every study of your hospital's worklist", resolve: asEvent })
  @Roles(Role.CLINICIAN, Role.INTEGRATOR)
  worklistUpdated(@CurrentPrincipal() p: TenantPrincipal): Promise<StudyEventStream> {
    return this.events.worklistUpdated(p);
  }

  @ResolveField(() => Study, { nullable: true, description: 'The study as it is now (read when the event is delivered)' })
  @Roles(Role.CLINICIAN, Role.INTEGRATOR)
  study(@Parent() event: StudyEvent, @CurrentPrincipal() p: TenantPrincipal): Promise<Study> {
    return this.events.study(p, event.studyId);
  }
}

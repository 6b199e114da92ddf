import { Field, ID, ObjectType } from '@nestjs/graphql';
import { StudyStatus } from '@cruciate/contracts';
// Registers the StudyStatus enum and the Study type this event resolves.
import '../study/study.model.js';

@ObjectType({
  description:
    "A change of one of the hospital's studies: a new study, or a new status, AI priority or AI class. Select `study` " +
    'for its current fields (Apollo Client then updates its cached Study), or refetch the worklist.',
})
export class StudyEvent {
  @Field(() => ID)
  studyId!: string;

  @Field(() => StudyStatus, { description: 'Status the change committed' })
  status!: StudyStatus;
}

import { Field, ID, ObjectType } from '@nestjs/graphql';
import { connectionOf } from '../../common/connection.js';
import type { DiagnosisRow } from './diagnosis.repository.js';

@ObjectType({ description: 'Who signed a diagnosis' })
export class DiagnosisReader {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  displayName!: string;
}

@ObjectType({ description: "A clinician's signed diagnosis of a study: immutable; a correction is an amendment" })
export class Diagnosis {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  studyId!: string;

  @Field(() => String)
  label!: string;

  @Field(() => String, { nullable: true })
  note!: string | null;

  @Field(() => Boolean, { nullable: true, description: "Whether the label is the AI's predicted class (null: there was no finding)" })
  agreesWithAi!: boolean | null;

  @Field(() => ID, { nullable: true, description: 'The finding the reader saw when signing' })
  findingId!: string | null;

  @Field(() => DiagnosisReader)
  reader!: DiagnosisReader;

  @Field(() => Date)
  signedAt!: Date;

  @Field(() => ID, { nullable: true, description: 'The diagnosis this one amends' })
  amendsId!: string | null;

  @Field(() => ID, { nullable: true, description: 'The amendment that replaced this diagnosis (null: in force)' })
  amendedById!: string | null;
}

export const DiagnosisConnection = connectionOf(Diagnosis, 'Diagnosis');

export function toDiagnosisModel(r: DiagnosisRow): Diagnosis {
  return {
    id: r.id,
    studyId: r.study_id,
    label: r.label,
    note: r.note,
    agreesWithAi: r.agrees_with_ai,
    findingId: r.finding_id,
    reader: { id: r.reader_id, displayName: r.reader_name },
    signedAt: r.signed_at,
    amendsId: r.amends_id,
    amendedById: r.amended_by_id,
  };
}

import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { StudyStatus } from '@cruciate/contracts';
import { connectionOf } from '../../common/connection.js';

registerEnumType(StudyStatus, { name: 'StudyStatus' });

@ObjectType({ description: 'The pseudonymised patient of a study (the index never holds names or the PatientID)' })
export class Patient {
  @Field(() => String, { description: 'Keyed hash of the PatientID in this hospital (first 16 hex digits)' })
  key!: string;

  @Field(() => String, { nullable: true })
  sex!: string | null;

  @Field(() => Int, { nullable: true })
  birthYear!: number | null;
}

@ObjectType({ description: 'A DICOM series of a study' })
export class Series {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  seriesInstanceUid!: string;

  @Field(() => String, { nullable: true })
  modality!: string | null;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => Int, { nullable: true })
  seriesNumber!: number | null;

  @Field(() => String, { nullable: true })
  bodyPart!: string | null;

  @Field(() => String, { nullable: true, description: 'SAGITTAL, CORONAL, AXIAL, OBLIQUE or UNKNOWN (from ImageOrientationPatient)' })
  plane!: string | null;

  @Field(() => Int)
  instanceCount!: number;

  @Field(() => Boolean, { description: 'The series the model reads for this study' })
  selectedForInference!: boolean;

  @Field(() => String, { nullable: true, description: 'Why the series was or was not selected' })
  selectionReason!: string | null;

  @Field(() => String, { description: 'RECEIVING or COMPLETE' })
  status!: string;
}

@ObjectType({ description: 'A knee MRI study of the signed-in hospital' })
export class Study {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  studyInstanceUid!: string;

  @Field(() => String, { nullable: true })
  accession!: string | null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' })
  studyDate!: string | null;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => [String])
  modalities!: string[];

  @Field(() => StudyStatus)
  status!: StudyStatus;

  @Field(() => String, { nullable: true, description: 'Why the study is NOT_APPLICABLE or FAILED' })
  statusReason!: string | null;

  @Field(() => Float, { description: 'AI urgency: higher first on the worklist' })
  priority!: number;

  @Field(() => String, { nullable: true, description: "The latest finding's predicted label (null until analysed)" })
  aiClass!: string | null;

  @Field(() => Float, { nullable: true, description: "The latest finding's P(unhealthy)" })
  pUnhealthy!: number | null;

  @Field(() => Date, { nullable: true })
  analyzedAt!: Date | null;

  @Field(() => Date)
  receivedAt!: Date;

  @Field(() => Patient)
  patient!: Patient;

  @Field(() => Int)
  seriesCount!: number;

  @Field(() => Int)
  instanceCount!: number;
}

export const StudyConnection = connectionOf(Study, 'Study');

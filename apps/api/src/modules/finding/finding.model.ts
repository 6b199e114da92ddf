import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import type { FindingRow } from './finding.repository.js';

@ObjectType({ description: 'The probability the model gave one label' })
export class LabelProbability {
  @Field(() => String)
  label!: string;

  @Field(() => Float)
  probability!: number;
}

@ObjectType({ description: 'Milliseconds per stage of the inference job that made a finding' })
export class FindingTimings {
  @Field(() => Float, { nullable: true, description: 'From the job being queued to being claimed' })
  queueWaitMs!: number | null;

  @Field(() => Float, { nullable: true })
  readMs!: number | null;

  @Field(() => Float, { nullable: true })
  decodeMs!: number | null;

  @Field(() => Float, { nullable: true })
  preprocessMs!: number | null;

  @Field(() => Float, { nullable: true })
  inferenceMs!: number | null;

  @Field(() => Float, { nullable: true })
  camMs!: number | null;

  @Field(() => Float, { nullable: true, description: 'Claim to commit' })
  totalMs!: number | null;
}

@ObjectType({ description: 'One slice of the analysed series, in the model order (position along the slice normal)' })
export class FindingSlice {
  @Field(() => Int)
  index!: number;

  @Field(() => ID)
  instanceId!: string;

  @Field(() => String)
  sopInstanceUid!: string;

  @Field(() => Int, { nullable: true })
  instanceNumber!: number | null;
}

@ObjectType({ description: 'What a model version said about a series (AI output, not a diagnosis)' })
export class Finding {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  studyId!: string;

  @Field(() => ID)
  seriesId!: string;

  @Field(() => String)
  studyInstanceUid!: string;

  @Field(() => String)
  seriesInstanceUid!: string;

  @Field(() => String, { description: 'The label with the highest probability' })
  predictedClass!: string;

  @Field(() => [LabelProbability], { description: 'Per label, in the model order (healthy first)' })
  probabilities!: LabelProbability[];

  @Field(() => Float, { description: 'P(unhealthy) = 1 - P(healthy)' })
  pUnhealthy!: number;

  @Field(() => Int, { description: 'Index into slices of the slice with the most evidence for the predicted class' })
  keySliceIndex!: number;

  @Field(() => [FindingSlice])
  slices!: FindingSlice[];

  @Field(() => [Int], { description: 'Shape of the CAM array: slices, classes, height, width' })
  camShape!: number[];

  @Field(() => String, { description: 'The CAMs as JSON (GET, bearer token): { shape, labels, data }' })
  camUrl!: string;

  @Field(() => String, { description: 'cpu or cuda' })
  executionProvider!: string;

  @Field(() => FindingTimings)
  timings!: FindingTimings;

  @Field(() => Date)
  createdAt!: Date;

  /** Resolved to `modelVersion`. */
  modelVersionId!: string;
}

const ms = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function toFindingModel(r: FindingRow): Finding {
  return {
    id: r.id,
    studyId: r.study_id,
    seriesId: r.series_id,
    studyInstanceUid: r.study_instance_uid,
    seriesInstanceUid: r.series_instance_uid,
    predictedClass: r.predicted_class,
    probabilities: r.labels.map((label, i) => ({ label, probability: r.probabilities[i] ?? 0 })),
    pUnhealthy: r.p_unhealthy,
    keySliceIndex: r.key_slice,
    slices: r.slice_instance_ids.map((instanceId, index) => ({
      index,
      instanceId,
      sopInstanceUid: r.slice_sop_uids[index] ?? '',
      instanceNumber: r.slice_instance_numbers[index] ?? null,
    })),
    camShape: r.cam_shape,
    camUrl: `/api/findings/${r.id}/cam`,
    executionProvider: r.execution_provider,
    timings: {
      queueWaitMs: ms(r.timings['queueWaitMs']),
      readMs: ms(r.timings['readMs']),
      decodeMs: ms(r.timings['decodeMs']),
      preprocessMs: ms(r.timings['preprocessMs']),
      inferenceMs: ms(r.timings['inferenceMs']),
      camMs: ms(r.timings['camMs']),
      totalMs: ms(r.timings['totalMs']),
    },
    createdAt: r.created_at,
    modelVersionId: r.model_version_id,
  };
}

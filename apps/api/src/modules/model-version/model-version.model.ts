import { Field, Float, ID, ObjectType } from '@nestjs/graphql';
import { isNotForClinicalUse } from '@cruciate/inference';
import { connectionOf } from '../../common/connection.js';
import type { ModelVersionRow } from './model-version.repository.js';

@ObjectType({ description: 'A value of one metric for one label' })
export class LabelMetric {
  @Field(() => String)
  label!: string;

  @Field(() => Float)
  value!: number;
}

@ObjectType({ description: "A model version's evaluation on its held-out set, as its manifest reports it" })
export class ModelMetrics {
  @Field(() => Float, { nullable: true })
  accuracy!: number | null;

  @Field(() => Float, { nullable: true, description: 'F1 averaged over labels, weighted by support' })
  weightedF1!: number | null;

  @Field(() => Float, { nullable: true, description: 'ROC AUC of P(unhealthy), healthy vs unhealthy' })
  aucBinary!: number | null;

  @Field(() => [LabelMetric], { description: 'Recall (sensitivity) per label' })
  recall!: LabelMetric[];

  @Field(() => Float, { nullable: true, description: 'Share of CAM mass inside the ACL box divided by the box share of the image' })
  camLocalisationRatio!: number | null;
}

@ObjectType({ description: 'A registered model version: immutable, platform-wide; each hospital activates one' })
export class ModelVersion {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  version!: string;

  @Field(() => String, { description: 'SHA-256 of the .onnx file' })
  sha256!: string;

  @Field(() => Float)
  sizeBytes!: number;

  @Field(() => String, { description: 'What the model may be used for, from its manifest' })
  intendedUse!: string;

  @Field(() => Boolean, { description: 'The intended use says "not for clinical use": every screen showing its output must say so' })
  isNotForClinicalUse!: boolean;

  @Field(() => String, { description: 'What the model was trained on' })
  trainedOn!: string;

  @Field(() => [String], { description: 'Class labels, in output order (healthy first)' })
  labels!: string[];

  @Field(() => ModelMetrics)
  metrics!: ModelMetrics;

  @Field(() => Boolean, { description: 'Shipped with the platform and registered at start' })
  isBundled!: boolean;

  @Field(() => String, { description: 'The manifest as registered (JSON)' })
  manifestJson!: string;

  @Field(() => Date)
  createdAt!: Date;
}

export const ModelVersionConnection = connectionOf(ModelVersion, 'ModelVersion');

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function toModelVersionModel(row: ModelVersionRow): ModelVersion {
  const metrics = row.metrics;
  const recall = metrics['recall'] && typeof metrics['recall'] === 'object' ? (metrics['recall'] as Record<string, unknown>) : {};
  const labels = Array.isArray(row.manifest['labels']) ? (row.manifest['labels'] as unknown[]).map(String) : [];
  return {
    id: row.id,
    name: row.name,
    version: row.version,
    sha256: row.sha256,
    sizeBytes: row.sizeBytes,
    intendedUse: row.intendedUse,
    isNotForClinicalUse: isNotForClinicalUse({ intended_use: row.intendedUse }),
    trainedOn: row.trainedOn,
    labels,
    metrics: {
      accuracy: num(metrics['accuracy']),
      weightedF1: num(metrics['weighted_f1']),
      aucBinary: num(metrics['auc_binary']),
      camLocalisationRatio: num(metrics['cam_localisation_ratio']),
      recall: Object.entries(recall).flatMap(([label, value]) => (num(value) === null ? [] : [{ label, value: value as number }])),
    },
    isBundled: row.isBundled,
    manifestJson: JSON.stringify(row.manifest),
    createdAt: row.createdAt,
  };
}

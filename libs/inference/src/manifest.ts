import { z } from 'zod';

/** Shown wherever a model's output is shown when its manifest does not say otherwise. */
export const NOT_FOR_CLINICAL_USE = 'research/demo, not for clinical use';

const positiveInt = z.number().int().positive();
const onnxName = z.string().min(1).max(128);

const metricsSchema = z
  .object({
    accuracy: z.number().min(0).max(1).optional(),
    weighted_f1: z.number().min(0).max(1).optional(),
    auc_binary: z.number().min(0).max(1).optional(),
    recall: z.record(z.string(), z.number().min(0).max(1)).optional(),
    cam_localisation_ratio: z.number().optional(),
    key_slice_in_acl: z.number().min(0).max(1).optional(),
  })
  .catchall(z.unknown());

/**
 * The manifest that ships beside each .onnx (DESIGN.md §7). snake_case keys: it is a file format written by the
 * training pipeline (ml/), not an API shape.
 */
export const modelManifestSchema = z
  .object({
    schema_version: z.literal(1),
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'lowercase letters, digits, ".", "_" and "-", at most 63 characters'),
    version: z.string().regex(/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/, 'a semantic version such as 1.0.0'),
    onnx_file: z.string().min(1).max(255),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lowercase hex digits'),
    intended_use: z.string().min(1).max(500),
    trained_on: z.string().min(1).max(2000),
    labels: z
      .array(z.string().regex(/^[a-z][a-z0-9_]*$/))
      .min(2)
      .max(16),
    healthy_label: z.string(),
    input: z.object({
      name: onnxName,
      layout: z.literal('slices,1,height,width'),
      dtype: z.literal('float32'),
      height: positiveInt.max(1024),
      width: positiveInt.max(1024),
      slices: z.object({ min: positiveInt, max: positiveInt.max(512) }),
      slice_order: z.literal('ascending position along the slice normal'),
      resample: z.literal('bilinear-half-pixel'),
      normalisation: z.discriminatedUnion('method', [
        z.object({ method: z.literal('per-series-zscore'), in_graph: z.boolean() }),
        z.object({ method: z.literal('none'), in_graph: z.literal(false) }),
      ]),
    }),
    outputs: z.object({
      logits: onnxName,
      probs: onnxName.optional(),
      cam: onnxName,
      slice_evidence: onnxName.optional(),
    }),
    cam: z.object({
      method: z.literal('cam-linear-head'),
      in_graph: z.literal(true),
      height: positiveInt.max(512),
      width: positiveInt.max(512),
      channels_counted: z.enum(['all', 'argmax-slice']).optional(),
      display_normalisation: z.literal('relu-series-max'),
    }),
    series_selection: z.object({ plane: z.enum(['SAGITTAL', 'CORONAL', 'AXIAL']), description_hints: z.array(z.string()).optional() }).optional(),
    flops_per_series: z.object({ slices: positiveInt, gflop: z.number().positive() }).optional(),
    parameters: positiveInt.optional(),
    training: z.record(z.string(), z.unknown()).optional(),
    metrics: metricsSchema.optional(),
  })
  .superRefine((m, ctx) => {
    if (!m.labels.includes(m.healthy_label)) {
      ctx.addIssue({ code: 'custom', path: ['healthy_label'], message: `"${m.healthy_label}" is not one of labels` });
    }
    if (new Set(m.labels).size !== m.labels.length) ctx.addIssue({ code: 'custom', path: ['labels'], message: 'labels repeat' });
    if (m.input.slices.min > m.input.slices.max) {
      ctx.addIssue({ code: 'custom', path: ['input', 'slices'], message: 'min is greater than max' });
    }
    const names = [m.outputs.logits, m.outputs.probs, m.outputs.cam, m.outputs.slice_evidence].filter((n) => n !== undefined);
    if (new Set(names).size !== names.length) ctx.addIssue({ code: 'custom', path: ['outputs'], message: 'output names repeat' });
    if (names.includes(m.input.name)) ctx.addIssue({ code: 'custom', path: ['input', 'name'], message: 'input and output share a name' });
  });

export type ModelManifest = z.infer<typeof modelManifestSchema>;

export class ManifestError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(`invalid model manifest: ${issues.join('; ')}`);
    this.name = 'ManifestError';
  }
}

/** Validates a parsed manifest; throws ManifestError listing every problem with its path. */
export function parseManifest(value: unknown): ModelManifest {
  const result = modelManifestSchema.safeParse(value);
  if (!result.success) {
    throw new ManifestError(result.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`));
  }
  return result.data;
}

/** Whether the manifest's intended use asks every screen to warn that this model is not for clinical use. */
export function isNotForClinicalUse(manifest: Pick<ModelManifest, 'intended_use'>): boolean {
  return /not for clinical use/i.test(manifest.intended_use);
}

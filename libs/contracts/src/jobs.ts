import { z } from 'zod';

/** pg-boss queue names. */
export const QUEUE = {
  INFERENCE: 'inference',
} as const;

/** Payload of an `inference` job: the worker re-enters this tenant's context before touching data. */
export const inferenceJobSchema = z.object({
  tenantId: z.uuid(),
  seriesId: z.uuid(),
});
export type InferenceJob = z.infer<typeof inferenceJobSchema>;

import { z } from 'zod';

/** PostgreSQL NOTIFY channel on which study status changes are announced (payload: studyEventSchema JSON). */
export const STUDY_EVENTS_CHANNEL = 'cruciate_study_events';

export const studyEventSchema = z.object({
  tenantId: z.uuid(),
  studyId: z.uuid(),
  status: z.string(),
});
export type StudyEvent = z.infer<typeof studyEventSchema>;

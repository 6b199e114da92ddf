export { Role, ALL_ROLES, HOSPITAL_ROLES, isRole } from './roles.js';
export { HospitalStatus } from './hospital-status.js';
export { QUEUE, inferenceJobSchema, type InferenceJob } from './jobs.js';
export { StudyStatus } from './study-status.js';
export { STUDY_EVENTS_CHANNEL, studyEventSchema, type StudyEvent } from './events.js';

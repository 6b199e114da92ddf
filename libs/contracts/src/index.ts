export { Role, ALL_ROLES, HOSPITAL_ROLES, isRole } from './roles.js';
export { HospitalStatus } from './hospital-status.js';

import { AuditEventEntity } from '../modules/audit/audit-event.entity.js';
import { HospitalEntity } from '../modules/hospital/hospital.entity.js';
import { ServiceAccountEntity } from '../modules/service-account/service-account.entity.js';
import { AppUserEntity, LocalCredentialEntity, MembershipEntity } from '../modules/user/user.entity.js';

export const ENTITIES = [HospitalEntity, AppUserEntity, MembershipEntity, LocalCredentialEntity, ServiceAccountEntity, AuditEventEntity];

import { Field, ID, ObjectType } from '@nestjs/graphql';
import { connectionOf } from '../../common/connection.js';
import type { AuditEventEntity } from './audit-event.entity.js';

@ObjectType({ description: 'One entry of the append-only audit log' })
export class AuditEvent {
  @Field(() => ID)
  id!: string;

  @Field(() => Date)
  at!: Date;

  @Field(() => String, { description: 'USER, SERVICE_ACCOUNT or SYSTEM' })
  actorType!: string;

  @Field(() => String)
  actorId!: string;

  @Field(() => String)
  actorLabel!: string;

  @Field(() => String, { description: 'e.g. user.invite, hospital.suspend' })
  action!: string;

  @Field(() => String)
  targetType!: string;

  @Field(() => String)
  targetId!: string;

  @Field(() => String, { nullable: true })
  ip!: string | null;

  @Field(() => String, { nullable: true })
  requestId!: string | null;

  @Field(() => String, { description: 'Details as a JSON object' })
  detail!: string;
}

export const AuditEventConnection = connectionOf(AuditEvent, 'AuditEvent');

export function toAuditEventModel(e: AuditEventEntity): AuditEvent {
  return {
    id: e.id,
    at: e.at,
    actorType: e.actorType,
    actorId: e.actorId,
    actorLabel: e.actorLabel,
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId,
    ip: e.ip,
    requestId: e.requestId,
    detail: JSON.stringify(e.detail),
  };
}

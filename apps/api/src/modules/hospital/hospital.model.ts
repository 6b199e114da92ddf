import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { HospitalStatus } from '@cruciate/contracts';
import { connectionOf } from '../../common/connection.js';
import type { HospitalEntity } from './hospital.entity.js';

registerEnumType(HospitalStatus, { name: 'HospitalStatus' });

@ObjectType({ description: 'A hospital: the tenant that owns its studies, users and settings' })
export class Hospital {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  slug!: string;

  @Field(() => HospitalStatus)
  status!: HospitalStatus;

  @Field(() => String, { nullable: true, description: 'Called AE title that routes C-STORE associations to this hospital' })
  aeTitle!: string | null;

  @Field(() => [String], { description: 'Calling AE titles allowed to send; empty: any' })
  allowedCallingAes!: string[];

  @Field(() => Date)
  createdAt!: Date;

  /** Resolved to `activeModelVersion` by the model registry. */
  activeModelVersionId!: string | null;
}

export const HospitalConnection = connectionOf(Hospital, 'Hospital');

export function toHospitalModel(e: HospitalEntity): Hospital {
  return {
    id: e.id,
    name: e.name,
    slug: e.slug,
    status: e.status,
    aeTitle: e.aeTitle,
    allowedCallingAes: e.allowedCallingAes ?? [],
    createdAt: e.createdAt,
    activeModelVersionId: e.activeModelVersionId,
  };
}

import { Field, ID, ObjectType } from '@nestjs/graphql';
import type { Role } from '@cruciate/contracts';
import { Role as RoleEnum } from '@cruciate/contracts';
import { connectionOf } from '../../common/connection.js';
import type { ServiceAccountEntity } from './service-account.entity.js';

@ObjectType({ description: 'A machine client of the hospital (PACS, RIS, scripts) using client_credentials' })
export class ServiceAccount {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  clientId!: string;

  @Field(() => [RoleEnum])
  roles!: Role[];

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  revokedAt!: Date | null;
}

export const ServiceAccountConnection = connectionOf(ServiceAccount, 'ServiceAccount');

@ObjectType()
export class CreateServiceAccountPayload {
  @Field(() => ServiceAccount)
  serviceAccount!: ServiceAccount;

  @Field(() => String)
  clientId!: string;

  @Field(() => String, { description: 'Shown once; only a hash is stored' })
  clientSecret!: string;
}

export function toServiceAccountModel(e: ServiceAccountEntity): ServiceAccount {
  return { id: e.id, name: e.name, clientId: e.clientId, roles: e.roles as Role[], createdAt: e.createdAt, revokedAt: e.revokedAt };
}

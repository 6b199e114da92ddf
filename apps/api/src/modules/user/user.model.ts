import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Role } from '@cruciate/contracts';
import { connectionOf } from '../../common/connection.js';

registerEnumType(Role, { name: 'Role' });

export enum PrincipalKind {
  USER = 'USER',
  SERVICE_ACCOUNT = 'SERVICE_ACCOUNT',
}
registerEnumType(PrincipalKind, { name: 'PrincipalKind' });

@ObjectType({ description: 'The signed-in principal' })
export class Me {
  @Field(() => ID)
  id!: string;

  @Field(() => PrincipalKind)
  kind!: PrincipalKind;

  @Field(() => String)
  displayName!: string;

  @Field(() => String, { nullable: true })
  email!: string | null;

  @Field(() => [Role])
  roles!: Role[];

  /** Resolved by a field resolver through the per-request loader. */
  hospitalId!: string | null;
}

@ObjectType({ description: 'A person with a membership in the hospital' })
export class HospitalUser {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  email!: string;

  @Field(() => String)
  displayName!: string;

  @Field(() => [Role])
  roles!: Role[];

  @Field(() => Boolean, { description: 'False until the person has signed in for the first time' })
  hasSignedIn!: boolean;

  @Field(() => Date)
  memberSince!: Date;
}

export const HospitalUserConnection = connectionOf(HospitalUser, 'HospitalUser');

@ObjectType()
export class InviteUserPayload {
  @Field(() => HospitalUser)
  user!: HospitalUser;

  @Field(() => String, {
    nullable: true,
    description: 'Built-in sign-in only: a one-time initial password, shown once. Null with an external identity provider or for a person who already has one.',
  })
  initialPassword!: string | null;
}

import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Role } from '@cruciate/contracts';
import { CurrentPrincipal } from '../../auth/current-principal.decorator.js';
import { type Principal, type TenantPrincipal } from '../../auth/principal.js';
import { AnyAuthenticated, Roles } from '../../auth/roles.decorator.js';
import { type Connection, PageArgs } from '../../common/connection.js';
import type { GraphQLRequestContext } from '../../graphql/graphql-context.js';
import { Hospital } from '../hospital/hospital.model.js';
import { InviteUserInput, SetUserRolesInput } from './dto/user.inputs.js';
import { HospitalUser, HospitalUserConnection, InviteUserPayload, Me } from './user.model.js';
import { UserService } from './user.service.js';

@Resolver(() => Me)
export class MeResolver {
  constructor(private readonly users: UserService) {}

  @Query(() => Me, { description: 'The signed-in principal' })
  @AnyAuthenticated()
  me(@CurrentPrincipal() p: Principal): Me {
    return this.users.me(p);
  }

  @ResolveField(() => Hospital, { nullable: true })
  @AnyAuthenticated()
  hospital(@Parent() me: Me, @Context() ctx: GraphQLRequestContext, @CurrentPrincipal() p: Principal): Promise<Hospital | null> {
    if (!me.hospitalId) return Promise.resolve(null);
    return ctx.loaders.hospitals(p).load(me.hospitalId);
  }
}

@Resolver(() => HospitalUser)
export class HospitalUserResolver {
  constructor(private readonly users: UserService) {}

  @Query(() => HospitalUserConnection, { description: 'People with a membership in the signed-in hospital' })
  @Roles(Role.HOSPITAL_ADMIN)
  hospitalUsers(@CurrentPrincipal() p: TenantPrincipal, @Args() args: PageArgs): Promise<Connection<HospitalUser>> {
    return this.users.list(p, args);
  }

  @Mutation(() => InviteUserPayload)
  @Roles(Role.HOSPITAL_ADMIN)
  inviteUser(@CurrentPrincipal() p: TenantPrincipal, @Args('input') input: InviteUserInput): Promise<InviteUserPayload> {
    return this.users.invite(p, input);
  }

  @Mutation(() => HospitalUser)
  @Roles(Role.HOSPITAL_ADMIN)
  setUserRoles(@CurrentPrincipal() p: TenantPrincipal, @Args('input') input: SetUserRolesInput): Promise<HospitalUser> {
    return this.users.setRoles(p, input);
  }
}

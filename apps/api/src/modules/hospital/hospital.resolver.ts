import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Role } from '@cruciate/contracts';
import { CurrentPrincipal } from '../../auth/current-principal.decorator.js';
import type { Principal, TenantPrincipal } from '../../auth/principal.js';
import { Roles } from '../../auth/roles.decorator.js';
import { type Connection, PageArgs } from '../../common/connection.js';
import { CreateHospitalInput } from './dto/create-hospital.input.js';
import { DicomSettingsInput } from './dto/dicom-settings.input.js';
import { Hospital, HospitalConnection } from './hospital.model.js';
import { HospitalService } from './hospital.service.js';

@Resolver(() => Hospital)
export class HospitalResolver {
  constructor(private readonly service: HospitalService) {}

  @Query(() => HospitalConnection, { description: 'All hospitals (platform admin)' })
  @Roles(Role.PLATFORM_ADMIN)
  hospitals(@CurrentPrincipal() p: Principal, @Args() args: PageArgs): Promise<Connection<Hospital>> {
    return this.service.list(p, args);
  }

  @Mutation(() => Hospital)
  @Roles(Role.PLATFORM_ADMIN)
  createHospital(@CurrentPrincipal() p: Principal, @Args('input') input: CreateHospitalInput): Promise<Hospital> {
    return this.service.create(p, input);
  }

  @Mutation(() => Hospital, { description: "Set the hospital's DICOM AE title and the calling AE titles allowed to send" })
  @Roles(Role.HOSPITAL_ADMIN)
  updateDicomSettings(@CurrentPrincipal() p: TenantPrincipal, @Args('input') input: DicomSettingsInput): Promise<Hospital> {
    return this.service.updateDicomSettings(p, input);
  }

  @Mutation(() => Hospital, { description: 'Suspend a hospital: its users and service accounts can no longer sign in' })
  @Roles(Role.PLATFORM_ADMIN)
  suspendHospital(@CurrentPrincipal() p: Principal, @Args('id', { type: () => ID }) id: string): Promise<Hospital> {
    return this.service.suspend(p, id);
  }

  @Mutation(() => Hospital)
  @Roles(Role.PLATFORM_ADMIN)
  reactivateHospital(@CurrentPrincipal() p: Principal, @Args('id', { type: () => ID }) id: string): Promise<Hospital> {
    return this.service.reactivate(p, id);
  }
}

import { Field, InputType } from '@nestjs/graphql';
import { IsEmail, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';

@InputType()
export class CreateHospitalInput {
  @Field(() => String)
  @IsString()
  @Length(1, 200)
  name!: string;

  @Field(() => String, { description: 'URL-safe identifier, also the tenant claim value in tokens' })
  @Matches(/^[a-z0-9][a-z0-9-]{1,62}$/, { message: 'slug must be 2-63 lower-case letters, digits or dashes' })
  slug!: string;

  @Field(() => String, { nullable: true, description: 'Called AE title for DIMSE (1-16 of A-Z 0-9 _ -)' })
  @IsOptional()
  @Matches(/^[A-Z0-9_-]{1,16}$/, { message: 'aeTitle must be 1-16 characters of A-Z, 0-9, _ or -' })
  aeTitle?: string;

  @Field(() => String, { nullable: true, description: 'Invite this person as the first hospital admin' })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  adminEmail?: string;
}

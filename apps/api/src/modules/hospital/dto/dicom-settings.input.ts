import { Field, InputType } from '@nestjs/graphql';
import { ArrayMaxSize, ArrayUnique, IsOptional, Matches } from 'class-validator';

const AE = /^[A-Z0-9_-]{1,16}$/;

@InputType()
export class DicomSettingsInput {
  @Field(() => String, { nullable: true, description: "The hospital's called AE title (1-16 of A-Z 0-9 _ -); null stops DIMSE ingest" })
  @IsOptional()
  @Matches(AE, { message: 'aeTitle must be 1-16 characters of A-Z, 0-9, _ or -' })
  aeTitle?: string | null;

  @Field(() => [String], { description: 'Calling AE titles allowed to send; empty: any' })
  @ArrayMaxSize(100)
  @ArrayUnique()
  @Matches(AE, { each: true, message: 'each allowed calling AE title must be 1-16 characters of A-Z, 0-9, _ or -' })
  allowedCallingAes!: string[];
}

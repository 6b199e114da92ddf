import { Field, ID, InputType } from '@nestjs/graphql';
import { IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';

@InputType()
export class ConfirmDiagnosisInput {
  @Field(() => ID)
  @IsString()
  @MaxLength(64)
  studyId!: string;

  @Field(() => String, { description: 'One of the labels of the model that analysed the study (e.g. partial_rupture)' })
  @Matches(/^[a-z][a-z0-9_]{0,63}$/, { message: 'label must be a label such as partial_rupture' })
  label!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  note?: string | null;

  @Field(() => ID, { nullable: true, description: 'The diagnosis this one amends (signed diagnoses are never edited)' })
  @IsOptional()
  @IsUUID()
  amendsId?: string | null;
}

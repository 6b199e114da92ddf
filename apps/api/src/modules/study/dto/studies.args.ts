import { ArgsType, Field, InputType, registerEnumType } from '@nestjs/graphql';
import { StudyStatus } from '@cruciate/contracts';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsEnum, IsOptional, Matches, ValidateNested } from 'class-validator';
import { PageArgs } from '../../../common/connection.js';

export enum StudyOrderField {
  PRIORITY = 'PRIORITY',
  RECEIVED_AT = 'RECEIVED_AT',
  STUDY_DATE = 'STUDY_DATE',
}
registerEnumType(StudyOrderField, { name: 'StudyOrderField' });

export enum OrderDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(OrderDirection, { name: 'OrderDirection' });

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

@InputType()
export class StudyFilter {
  @Field(() => [StudyStatus], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(7)
  @IsEnum(StudyStatus, { each: true })
  status?: StudyStatus[];

  @Field(() => String, { nullable: true, description: 'Study date from (YYYY-MM-DD, inclusive)' })
  @IsOptional()
  @Matches(ISO_DATE, { message: 'dateFrom must be YYYY-MM-DD' })
  dateFrom?: string;

  @Field(() => String, { nullable: true, description: 'Study date to (YYYY-MM-DD, inclusive)' })
  @IsOptional()
  @Matches(ISO_DATE, { message: 'dateTo must be YYYY-MM-DD' })
  dateTo?: string;

  @Field(() => String, { nullable: true, description: 'Pseudonymous patient key (prefix of at least 8 hex digits)' })
  @IsOptional()
  @Matches(/^[0-9a-f]{8,64}$/, { message: 'patientKey must be 8-64 lower-case hex digits' })
  patientKey?: string;

  @Field(() => [String], { nullable: true, description: "AI class (the finding's predicted label, e.g. complete_rupture)" })
  @IsOptional()
  @ArrayMaxSize(16)
  @Matches(/^[a-z][a-z0-9_]{0,63}$/, { each: true, message: 'aiClass values are labels such as complete_rupture' })
  aiClass?: string[];
}

@InputType()
export class StudyOrder {
  @Field(() => StudyOrderField)
  @IsEnum(StudyOrderField)
  field!: StudyOrderField;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.DESC })
  @IsEnum(OrderDirection)
  direction!: OrderDirection;
}

@ArgsType()
export class StudiesArgs extends PageArgs {
  @Field(() => StudyFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => StudyFilter)
  filter?: StudyFilter;

  @Field(() => StudyOrder, { nullable: true, description: 'Default: PRIORITY DESC (the worklist order), then newest first' })
  @IsOptional()
  @ValidateNested()
  @Type(() => StudyOrder)
  orderBy?: StudyOrder;
}

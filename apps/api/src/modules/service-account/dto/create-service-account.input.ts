import { Field, InputType } from '@nestjs/graphql';
import { IsString, Length } from 'class-validator';

@InputType()
export class CreateServiceAccountInput {
  @Field(() => String, { description: 'What the account is for, e.g. "PACS router"' })
  @IsString()
  @Length(1, 200)
  name!: string;
}

import { ArrayMaxSize, ArrayMinSize, IsEmail, Length, Matches } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { ApiScope } from '../../entities/api-key.entity';
import { Role } from '../../entities/user.entity';

@InputType()
export class CreateUserInput {
  @Field()
  @IsEmail()
  email: string;

  @Field()
  @Length(1, 200)
  @Matches(/\S/, { message: 'name must not be blank' })
  name: string;

  @Field(() => Role)
  role: Role;

  @Field({ description: 'At least 10 characters.' })
  @Length(10, 200)
  password: string;
}

@InputType()
export class CreateApiKeyInput {
  @Field()
  @Length(1, 100)
  @Matches(/\S/, { message: 'name must not be blank' })
  name: string;

  @Field(() => [ApiScope])
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  scopes: ApiScope[];

  @Field(() => ID, { nullable: true, description: 'Limit the key to one course.' })
  courseId?: string | null;
}

import { Field, ObjectType } from 'type-graphql';
import { ApiKey } from '../../entities/api-key.entity';
import { User } from '../../entities/user.entity';

@ObjectType()
export class AuthPayload {
  @Field({ description: 'Send as `Authorization: Bearer <accessToken>`; short-lived.' })
  accessToken: string;

  @Field({ description: 'Exchange with refreshSession for a new pair; single use.' })
  refreshToken: string;

  @Field({ description: 'When the access token expires.' })
  expiresAt: Date;

  @Field(() => User)
  user: User;
}

@ObjectType()
export class CreatedApiKey {
  @Field(() => ApiKey)
  apiKey: ApiKey;

  @Field({ description: 'The key itself. Shown once; only a hash is stored.' })
  secret: string;
}

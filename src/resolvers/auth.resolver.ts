import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { ApiKey } from '../entities/api-key.entity';
import { User } from '../entities/user.entity';
import type { Context } from '../schema/context';
import { CreateApiKeyInput, CreateUserInput } from '../schema/inputs/auth.input';
import { AuthPayload, CreatedApiKey } from '../schema/types/auth.type';
import { PageArgs } from '../schema/types/page.type';
import { AuditEventPage } from '../schema/types/pages.type';
import type { ApiKeyService } from '../services/api-key.service';
import type { AuditService } from '../services/audit.service';
import type { AuthService } from '../services/auth.service';

@Resolver()
export class AuthResolver {
  constructor(
    private readonly auth: AuthService,
    private readonly keys: ApiKeyService,
    private readonly audit: AuditService,
  ) {}

  @Mutation(() => AuthPayload, { description: 'Signs in with e-mail and password.' })
  login(
    @Arg('email') email: string,
    @Arg('password') password: string,
    @Ctx() ctx: Context,
  ): Promise<AuthPayload> {
    return this.auth.login(email, password, ctx.clientAddress);
  }

  @Mutation(() => AuthPayload, { description: 'Exchanges a refresh token for a new token pair.' })
  refreshSession(@Arg('refreshToken') refreshToken: string): Promise<AuthPayload> {
    return this.auth.refresh(refreshToken);
  }

  @Mutation(() => Boolean, { description: 'Ends the login the refresh token belongs to.' })
  logout(@Arg('refreshToken') refreshToken: string): Promise<boolean> {
    return this.auth.logout(refreshToken);
  }

  @Query(() => User, {
    nullable: true,
    description: 'The signed-in user; null for API keys and anonymous callers.',
  })
  me(@Ctx() ctx: Context): Promise<User | null> {
    return this.auth.me(ctx.viewer);
  }

  @Query(() => [User], { description: 'Admins: the users of the institution.' })
  users(@Ctx() ctx: Context): Promise<User[]> {
    return this.auth.listUsers(ctx.viewer);
  }

  @Mutation(() => User, { description: 'Admins: adds a teacher or another admin.' })
  createUser(@Arg('input') input: CreateUserInput, @Ctx() ctx: Context): Promise<User> {
    return this.auth.createUser(ctx.viewer, input);
  }

  @Query(() => [ApiKey], { description: 'Admins: integration keys of the institution.' })
  apiKeys(@Ctx() ctx: Context): Promise<ApiKey[]> {
    return this.keys.list(ctx.viewer);
  }

  @Mutation(() => CreatedApiKey, {
    description: 'Admins: creates an integration key; the secret is shown once.',
  })
  async createApiKey(@Arg('input') input: CreateApiKeyInput, @Ctx() ctx: Context): Promise<CreatedApiKey> {
    const { key, secret } = await this.keys.create(ctx.viewer, input);
    return { apiKey: key, secret };
  }

  @Mutation(() => ApiKey, { description: 'Admins: revokes a key at once.' })
  revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<ApiKey> {
    return this.keys.revoke(ctx.viewer, id);
  }

  @Query(() => AuditEventPage, {
    description: 'Admins: who enrolled, viewed, corrected or deleted face data.',
  })
  auditLog(
    @Args() page: PageArgs,
    @Arg('targetId', () => String, { nullable: true }) targetId: string | undefined,
    @Ctx() ctx: Context,
  ): Promise<AuditEventPage> {
    return this.audit.list(ctx.viewer, page, targetId);
  }
}

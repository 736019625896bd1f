import { randomUUID } from 'node:crypto';
// argon2id with OWASP's parameters (19 MiB, 2 passes), the library's defaults.
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import { IsNull, type DataSource } from 'typeorm';
import { requireAdmin } from '../auth/access';
import { randomToken, sha256, type TokenSigner } from '../auth/tokens';
import { ANONYMOUS, type UserViewer, type Viewer } from '../auth/viewer';
import { isUniqueViolation } from '../db/errors';
import { Institution } from '../entities/institution.entity';
import { RefreshToken } from '../entities/refresh-token.entity';
import { Role, User } from '../entities/user.entity';
import { sharedBatchLoader } from '../loaders/shared-batch';
import type { Logger } from '../observability/logger';
import type { ApiKeyService } from './api-key.service';
import { DomainError, ErrorCode, rateLimited } from './domain-error';

export interface AuthResult {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
  user: User;
}

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  password: string;
}

/** Brute-force protection for logins: resolves with the seconds to wait, 0 when allowed. */
export interface AttemptLimiter {
  consume(key: string): Promise<number>;
}

export const MIN_PASSWORD_LENGTH = 10;

// A hash of a random password: logins for unknown e-mails still pay for one verification, so the
// response time does not reveal which e-mails have accounts.
const DUMMY_HASH = argon2Hash(randomToken());

/** Users, logins, refresh-token rotation, and turning credentials into a Viewer. */
export class AuthService {
  private readonly log: Logger;
  /** Whether a login (token family of a user) is live: batched, since sockets recheck in bursts. */
  private readonly liveLogins = sharedBatchLoader<string, boolean>(async (keys) => {
    const families = [...new Set(keys.map((k) => k.split(' ')[0]!))];
    const rows = await this.dataSource
      .getRepository(RefreshToken)
      .createQueryBuilder('r')
      .select('r.family', 'family')
      .addSelect('r.userId', 'userId')
      .distinct(true)
      .innerJoin(User, 'u', 'u.id = r.user_id AND u.disabled_at IS NULL')
      .where('r.family IN (:...families) AND r.revoked_at IS NULL', { families })
      .getRawMany<{ family: string; userId: string }>();
    const live = new Set(rows.map((r) => `${r.family} ${r.userId}`));
    return keys.map((k) => live.has(k));
  });

  constructor(
    private readonly dataSource: DataSource,
    private readonly signer: TokenSigner,
    private readonly apiKeys: ApiKeyService,
    private readonly loginLimiter: AttemptLimiter,
    private readonly refreshTtlDays: number,
    logger: Logger,
  ) {
    this.log = logger.child({ module: AuthService.name });
  }

  /** The viewer for an `Authorization` header (`Bearer <jwt>` or `ApiKey <key>`) or `X-Api-Key`. */
  async authenticate(authorization: string | undefined, apiKey: string | undefined): Promise<Viewer> {
    const key = apiKey ?? /^ApiKey\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (key) {
      return (await this.apiKeys.verify(key)) ?? ANONYMOUS;
    }
    const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (bearer) {
      const viewer = await this.signer.verifyAccessToken(bearer);
      return viewer && (await this.loginIsLive(viewer)) ? viewer : ANONYMOUS;
    }
    return ANONYMOUS;
  }

  /**
   * A signed, unexpired token is not enough: its login must not have been logged out or revoked
   * (refresh-token reuse), and its user not disabled. One indexed query per batch of checks.
   */
  private loginIsLive(viewer: UserViewer): Promise<boolean> {
    return this.liveLogins.load(`${viewer.sessionId} ${viewer.userId}`);
  }

  async login(email: string, password: string, clientKey: string): Promise<AuthResult> {
    const normalised = email.trim().toLowerCase();
    const wait = await this.loginLimiter.consume(`${normalised}|${clientKey}`);
    if (wait > 0) {
      throw rateLimited(wait, 'Too many login attempts');
    }
    // E-mails are unique per institution: the same address may hold accounts in several.
    const candidates = await this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .where('lower(u.email) = :email', { email: normalised })
      .orderBy('u.created_at', 'ASC')
      .limit(5)
      .getMany();
    let user: User | undefined;
    for (const candidate of candidates) {
      if (!user && (await argon2Verify(candidate.passwordHash, password)) && !candidate.disabledAt) {
        user = candidate;
      }
    }
    if (candidates.length === 0) {
      await argon2Verify(await DUMMY_HASH, password);
    }
    if (!user) {
      throw new DomainError(ErrorCode.UNAUTHENTICATED, 'Wrong e-mail or password');
    }
    return this.issue(user, randomUUID());
  }

  /** Rotates a refresh token. Reusing an already rotated token revokes the whole login (theft). */
  async refresh(refreshToken: string): Promise<AuthResult> {
    const repo = this.dataSource.getRepository(RefreshToken);
    const stored = await repo.findOneBy({ tokenHash: sha256(refreshToken) });
    const invalid = new DomainError(ErrorCode.UNAUTHENTICATED, 'The session has expired; sign in again');
    if (!stored || stored.revokedAt || stored.expiresAt < new Date()) {
      throw invalid;
    }
    if (stored.usedAt) {
      await repo.update({ family: stored.family }, { revokedAt: new Date() });
      this.log.warn({ userId: stored.userId }, 'refresh token reused; login revoked');
      throw invalid;
    }
    const claimed = await repo.update({ id: stored.id, usedAt: IsNull() }, { usedAt: new Date() });
    const user = await this.dataSource.getRepository(User).findOneBy({ id: stored.userId });
    if (!claimed.affected || !user || user.disabledAt) {
      throw invalid;
    }
    return this.issue(user, stored.family);
  }

  async logout(refreshToken: string): Promise<boolean> {
    const repo = this.dataSource.getRepository(RefreshToken);
    const stored = await repo.findOneBy({ tokenHash: sha256(refreshToken) });
    if (stored) {
      await repo.update({ family: stored.family }, { revokedAt: new Date() });
    }
    return true;
  }

  async me(viewer: Viewer): Promise<User | null> {
    if (viewer.kind !== 'user') {
      return null;
    }
    return this.dataSource.getRepository(User).findOneBy({ id: viewer.userId });
  }

  async createUser(viewer: Viewer, input: NewUser): Promise<User> {
    const admin = requireAdmin(viewer);
    return this.insertUser(admin.institutionId, input);
  }

  async listUsers(viewer: Viewer): Promise<User[]> {
    const admin = requireAdmin(viewer);
    return this.dataSource
      .getRepository(User)
      .find({ where: { institutionId: admin.institutionId }, order: { email: 'ASC' } });
  }

  /**
   * Creates (or finds) an institution and its first admin; for the `create-admin` command and the
   * embedded development login. Not reachable through the API.
   */
  async bootstrapAdmin(institutionSlug: string, input: Omit<NewUser, 'role'>): Promise<User> {
    const institutions = this.dataSource.getRepository(Institution);
    let institution = await institutions.findOneBy({ slug: institutionSlug });
    if (!institution) {
      institution = await institutions.save(
        institutions.create({ slug: institutionSlug, name: institutionSlug }),
      );
    }
    return this.insertUser(institution.id, { ...input, role: Role.ADMIN });
  }

  async countUsers(): Promise<number> {
    return this.dataSource.getRepository(User).count();
  }

  private async insertUser(institutionId: string, input: NewUser): Promise<User> {
    const email = input.email.trim();
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) {
      throw new DomainError(ErrorCode.BAD_USER_INPUT, 'Enter a valid e-mail address', { field: 'email' });
    }
    if (input.password.length < MIN_PASSWORD_LENGTH) {
      throw new DomainError(
        ErrorCode.BAD_USER_INPUT,
        `Passwords need at least ${MIN_PASSWORD_LENGTH} characters`,
        { field: 'password' },
      );
    }
    const repo = this.dataSource.getRepository(User);
    try {
      return await repo.save(
        repo.create({
          institutionId,
          email,
          name: input.name.trim() || email,
          role: input.role,
          passwordHash: await argon2Hash(input.password),
        }),
      );
    } catch (error) {
      if (isUniqueViolation(error)) {
        // Unique per institution only, so this names nothing outside the admin's own institution.
        throw new DomainError(
          ErrorCode.CONFLICT,
          'A user with this e-mail already exists in the institution',
          {
            field: 'email',
          },
        );
      }
      throw error;
    }
  }

  private async issue(user: User, family: string): Promise<AuthResult> {
    const viewer: Omit<UserViewer, 'kind' | 'sessionId' | 'expiresAt'> = {
      userId: user.id,
      institutionId: user.institutionId,
      role: user.role,
      email: user.email,
    };
    const { token, expiresAt } = await this.signer.issueAccessToken(viewer, family);
    const refreshToken = randomToken();
    await this.dataSource.getRepository(RefreshToken).insert({
      userId: user.id,
      family,
      tokenHash: sha256(refreshToken),
      expiresAt: new Date(Date.now() + this.refreshTtlDays * 86_400_000),
    });
    return { accessToken: token, refreshToken, expiresAt, user };
  }
}

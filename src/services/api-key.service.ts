import { In, type DataSource } from 'typeorm';
import { requireAdmin } from '../auth/access';
import { digestsEqual, randomToken, sha256 } from '../auth/tokens';
import { actorId, type ApiKeyViewer, type Viewer } from '../auth/viewer';
import { ApiKey, type ApiScope } from '../entities/api-key.entity';
import { sharedBatchLoader } from '../loaders/shared-batch';
import type { CourseService } from './course.service';
import { assertId, DomainError, ErrorCode, notFound } from './domain-error';

/** Don't write last_used_at on every request: once a minute is enough to see a key is alive. */
const LAST_USED_RESOLUTION_MS = 60_000;

export interface NewApiKey {
  name: string;
  scopes: ApiScope[];
  courseId?: string | null;
}

/** Integration credentials: created, listed and revoked by admins; the secret is shown once. */
export class ApiKeyService {
  /** Keys by prefix, batched: every socket of every integration rechecks its key before an event. */
  private readonly byPrefix = sharedBatchLoader<string, ApiKey | null>(async (prefixes) => {
    const keys = await this.dataSource.getRepository(ApiKey).findBy({ prefix: In([...new Set(prefixes)]) });
    const found = new Map(keys.map((k) => [k.prefix, k]));
    return prefixes.map((p) => found.get(p) ?? null);
  });

  /** last_used_at, batched too: the keys of sockets checked together come due together. */
  private readonly touched = sharedBatchLoader<string, void>(async (ids) => {
    await this.dataSource
      .getRepository(ApiKey)
      .update({ id: In([...new Set(ids)]) }, { lastUsedAt: new Date() });
    return ids.map(() => undefined);
  });

  constructor(
    private readonly dataSource: DataSource,
    private readonly courses: () => CourseService,
    /** Told when a known key is presented with a wrong secret or after revocation (alerting). */
    private readonly onRefused: (institutionId: string, keyId: string) => void = () => undefined,
  ) {}

  async create(viewer: Viewer, input: NewApiKey): Promise<{ key: ApiKey; secret: string }> {
    const admin = requireAdmin(viewer);
    if (input.scopes.length === 0) {
      throw new DomainError(ErrorCode.BAD_USER_INPUT, 'Give the key at least one scope', { field: 'scopes' });
    }
    if (!input.name.trim()) {
      throw new DomainError(ErrorCode.BAD_USER_INPUT, 'Name the key', { field: 'name' });
    }
    if (input.courseId) {
      await this.courses().get(admin, input.courseId);
    }
    const prefix = `rk_${randomToken(8)}`;
    const secret = `${prefix}_${randomToken(32)}`;
    const repo = this.dataSource.getRepository(ApiKey);
    const key = await repo.save(
      repo.create({
        institutionId: admin.institutionId,
        name: input.name.trim(),
        prefix,
        secretHash: sha256(secret),
        scopes: [...new Set(input.scopes)],
        courseId: input.courseId ?? null,
        createdBy: actorId(admin),
      }),
    );
    return { key, secret };
  }

  async list(viewer: Viewer): Promise<ApiKey[]> {
    const admin = requireAdmin(viewer);
    return this.dataSource
      .getRepository(ApiKey)
      .find({ where: { institutionId: admin.institutionId }, order: { createdAt: 'DESC' } });
  }

  async revoke(viewer: Viewer, id: string): Promise<ApiKey> {
    const admin = requireAdmin(viewer);
    assertId('API key', id);
    const repo = this.dataSource.getRepository(ApiKey);
    const key = await repo.findOneBy({ id, institutionId: admin.institutionId });
    if (!key) {
      throw notFound('API key', id);
    }
    if (!key.revokedAt) {
      key.revokedAt = new Date();
      await repo.update({ id: key.id }, { revokedAt: key.revokedAt });
    }
    return key;
  }

  /** The viewer for a presented key, or null when it is unknown or revoked. */
  async verify(secret: string): Promise<ApiKeyViewer | null> {
    const prefix = /^(rk_[A-Za-z0-9_-]{11})_/.exec(secret)?.[1];
    if (!prefix) {
      return null;
    }
    const key = await this.byPrefix.load(prefix);
    if (!key) {
      return null;
    }
    if (key.revokedAt || !digestsEqual(key.secretHash, sha256(secret))) {
      // A known integration failing to authenticate: an LMS still using a revoked or mistyped key.
      this.onRefused(key.institutionId, key.id);
      return null;
    }
    if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await this.touched.load(key.id);
    }
    return {
      kind: 'apiKey',
      keyId: key.id,
      institutionId: key.institutionId,
      name: key.name,
      scopes: key.scopes,
      courseId: key.courseId,
    };
  }
}

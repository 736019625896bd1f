import type { Redis } from 'ioredis';
import type { Logger } from '../observability/logger';
import { closeRedis } from '../redis/client';
import type { Guard } from '../resilience/policies';

/** A small key/value cache: in-process for the embedded default, Redis when configured. */
export interface Cache {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlSeconds: number): Promise<void>;
  delete(...keys: string[]): Promise<void>;
  /** Resolves when the backing store answers (readiness probe). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class MemoryCache implements Cache {
  private readonly entries = new Map<string, { value: string; expires: number }>();

  constructor(private readonly maxEntries = 1000) {}

  get<T>(key: string): Promise<T | undefined> {
    const entry = this.entries.get(key);
    if (!entry || entry.expires < Date.now()) {
      this.entries.delete(key);
      return Promise.resolve(undefined);
    }
    // Values are stored serialised so callers can never mutate the cached copy.
    return Promise.resolve(JSON.parse(entry.value) as T);
  }

  set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) {
        this.entries.delete(oldest);
      }
    }
    this.entries.set(key, { value: JSON.stringify(value), expires: Date.now() + ttlSeconds * 1000 });
    return Promise.resolve();
  }

  delete(...keys: string[]): Promise<void> {
    keys.forEach((k) => this.entries.delete(k));
    return Promise.resolve();
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.entries.clear();
    return Promise.resolve();
  }
}

/**
 * The Redis cache, guarded: a lookup that fails (Redis down, paused, circuit open) is a miss, so the
 * caller reads the database; a failed write is dropped. A failed invalidation is remembered and
 * retried once Redis is back, so no instance reads an entry that should have been deleted.
 */
export class RedisCache implements Cache {
  private readonly pendingDeletes = new Set<string>();

  constructor(
    private readonly redis: Redis,
    private readonly guard: Guard,
    private readonly prefix = 'rollcall:cache:',
    private readonly log?: Logger,
  ) {
    redis.on('ready', () => void this.flushDeletes());
  }

  async get<T>(key: string): Promise<T | undefined> {
    if (this.pendingDeletes.size > 0) {
      // Settle what is owed first (a resumed pause sends no 'ready'); while Redis is still out of
      // reach this fails fast through the guard.
      await this.flushDeletes();
      if (this.pendingDeletes.has(key)) {
        return undefined; // never serve a copy that should have been deleted
      }
    }
    try {
      const raw = await this.guard.execute(() => this.redis.get(this.prefix + key));
      return raw === null ? undefined : (JSON.parse(raw) as T);
    } catch {
      return undefined;
    }
  }

  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    if (this.pendingDeletes.has(key)) {
      return; // an older copy may still sit in Redis; do not refresh it before it is deleted
    }
    await this.guard
      .execute(() => this.redis.set(this.prefix + key, JSON.stringify(value), 'EX', Math.max(1, ttlSeconds)))
      .catch(() => undefined);
  }

  async delete(...keys: string[]): Promise<void> {
    if (keys.length === 0) {
      return;
    }
    try {
      await this.guard.execute(() => this.redis.del(...keys.map((k) => this.prefix + k)));
    } catch {
      keys.forEach((k) => this.pendingDeletes.add(k));
      this.log?.warn({ keys: keys.length }, 'cache invalidation deferred until Redis is back');
    }
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    await closeRedis(this.redis);
  }

  /** Invalidations still owed to Redis (readiness, tests). */
  get deferredDeletes(): number {
    return this.pendingDeletes.size;
  }

  private async flushDeletes(): Promise<void> {
    const keys = [...this.pendingDeletes];
    if (keys.length === 0) {
      return;
    }
    try {
      await this.guard.execute(() => this.redis.del(...keys.map((k) => this.prefix + k)));
      keys.forEach((k) => this.pendingDeletes.delete(k));
      this.log?.info({ keys: keys.length }, 'deferred cache invalidations applied');
    } catch {
      // still unreachable: the next 'ready' retries
    }
  }
}

/** In-process for the embedded default; Redis (guarded, with fallback to the caller's database read) when given a client. */
export function createCache(redis?: Redis, guard?: Guard, logger?: Logger): Cache {
  return redis && guard
    ? new RedisCache(redis, guard, undefined, logger?.child({ module: 'cache' }))
    : new MemoryCache();
}

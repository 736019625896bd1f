import type { Redis } from 'ioredis';
import type { Logger } from '../observability/logger';
import { closeRedis, connectRedis, createRedisClient } from '../redis/client';

/** Who evaluates and delivers alerts: exactly one instance at a time. */
export interface Leadership {
  /** Takes or renews the lead; false when another instance holds it (or Redis is unreachable). */
  acquire(): Promise<boolean>;
  release(): Promise<void>;
  close(): Promise<void>;
}

/** One process, one evaluator. */
export class LocalLeadership implements Leadership {
  acquire(): Promise<boolean> {
    return Promise.resolve(true);
  }
  release(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

// Renew our own lease, or take a free one (SET NX PX). Atomic, so two instances never both win.
const ACQUIRE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return 1
end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/**
 * A lease in Redis: the holder renews it on every evaluation; if it dies, the lease expires after
 * `ttlMs` and another instance takes over. The alert table's partial unique index keeps alerts
 * de-duplicated even across the brief overlap a paused leader could cause.
 */
export class RedisLeadership implements Leadership {
  private readonly log: Logger;
  private leading = false;

  private constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly owner: string,
    private readonly ttlMs: number,
    logger: Logger,
  ) {
    this.log = logger.child({ module: RedisLeadership.name });
  }

  static async connect(
    url: string,
    owner: string,
    ttlMs: number,
    logger: Logger,
    key = 'rollcall:alerts:leader',
  ): Promise<RedisLeadership> {
    const redis = createRedisClient(url, { name: 'alerts-leader', role: 'command', logger });
    // Unreachable Redis at start: nobody leads until it answers (acquire() fails and retries).
    await connectRedis(redis, 5_000);
    return new RedisLeadership(redis, key, owner, ttlMs, logger);
  }

  async acquire(): Promise<boolean> {
    try {
      const won = (await this.redis.eval(ACQUIRE, 1, this.key, this.owner, String(this.ttlMs))) === 1;
      if (won !== this.leading) {
        this.log.info(
          { owner: this.owner, leading: won },
          won ? 'leading alert evaluation' : 'lost the lead',
        );
      }
      this.leading = won;
      return won;
    } catch (error) {
      // Message only: while Redis is down this repeats every round, and the stack says nothing new.
      this.log.warn(
        { error: error instanceof Error ? error.message : String(error) },
        'leader lease unavailable',
      );
      this.leading = false;
      return false;
    }
  }

  async release(): Promise<void> {
    try {
      await this.redis.eval(RELEASE, 1, this.key, this.owner);
    } catch (error) {
      this.log.warn({ err: error }, 'releasing the leader lease failed');
    }
    this.leading = false;
  }

  async close(): Promise<void> {
    await this.release();
    await closeRedis(this.redis);
  }
}

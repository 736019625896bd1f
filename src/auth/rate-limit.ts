import type { Redis } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { Logger } from '../observability/logger';
import type { AttemptLimiter } from '../services/auth.service';

// Per-caller budgets. With Redis the counters are shared, so a caller cannot multiply its budget by
// spreading requests over instances behind a load balancer. When Redis is down or slow, each limiter
// falls back to an in-memory one (rate-limiter-flexible's insuranceLimiter): limits keep holding per
// instance, and a limiter fault never fails a request.

export interface RateLimits {
  /** Requests per minute per user, key or (anonymous) address. */
  requestsPerMinute: number;
  /** Login attempts per minute per e-mail and address. */
  loginsPerMinute: number;
}

/** A budget of points per minute per key; `consume` resolves with the seconds to wait, 0 when allowed. */
export interface Budget {
  consume(key: string, points?: number): Promise<number>;
}

export interface RateLimiters {
  /** Resolves with the seconds to wait when the caller is over budget, else 0. */
  request(key: string): Promise<number>;
  login: AttemptLimiter;
  /** Another budget on the same store (inference cost, connection attempts). */
  budget(prefix: string, pointsPerMinute: number): Budget;
  close(): Promise<void>;
}

/**
 * `redis` is a command client from src/redis/client.ts (command timeout, fail-fast while
 * disconnected, error listener); without it every budget is in memory.
 */
export function createRateLimiters(limits: RateLimits, redis?: Redis, logger?: Logger): RateLimiters {
  const log = logger?.child({ module: 'RateLimiters' });
  const make = (prefix: string, points: number): RateLimiterAbstract => {
    const memory = new RateLimiterMemory({ keyPrefix: prefix, points, duration: 60 });
    if (!redis) {
      return memory;
    }
    return new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `rollcall:rl:${prefix}`,
      points,
      duration: 60,
      rejectIfRedisNotReady: true,
      insuranceLimiter: memory,
    });
  };
  const budget = (prefix: string, pointsPerMinute: number): Budget => {
    const limiter = make(prefix, Math.max(1, pointsPerMinute));
    return {
      consume: async (key, points = 1) => {
        try {
          await limiter.consume(key, points);
          return 0;
        } catch (rejection) {
          if (rejection instanceof RateLimiterRes) {
            return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
          }
          // Neither store answered: let the request through rather than answer 500.
          log?.warn({ err: rejection }, 'rate limiter failed; request allowed');
          return 0;
        }
      },
    };
  };
  const requests = budget('req', limits.requestsPerMinute);
  const logins = budget('login', limits.loginsPerMinute);
  return {
    request: (key) => requests.consume(key),
    login: { consume: (key) => logins.consume(key) },
    budget,
    // The Redis client belongs to the caller, who closes it.
    close: () => Promise.resolve(),
  };
}

import type { Redis } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { AttemptLimiter } from '../services/auth.service';

// Per-caller request budgets. With Redis the counters are shared, so a caller cannot multiply its
// budget by spreading requests over instances behind a load balancer.

export interface RateLimits {
  /** Requests per minute per user, key or (anonymous) address. */
  requestsPerMinute: number;
  /** Login attempts per minute per e-mail and address. */
  loginsPerMinute: number;
}

export interface RateLimiters {
  /** Resolves with the seconds to wait when the caller is over budget, else 0. */
  request(key: string): Promise<number>;
  login: AttemptLimiter;
  close(): Promise<void>;
}

async function consume(limiter: RateLimiterAbstract, key: string): Promise<number> {
  try {
    await limiter.consume(key);
    return 0;
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) {
      return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
    }
    throw rejection;
  }
}

// Kept async (callers await it) although the client now arrives connected.
// eslint-disable-next-line @typescript-eslint/require-await
export async function createRateLimiters(limits: RateLimits, redisClient?: Redis): Promise<RateLimiters> {
  let redis: Redis | undefined;
  let make: (prefix: string, points: number) => RateLimiterAbstract;
  if (redisClient) {
    // Built and connected by src/redis/client.ts (command timeout, error listener).
    const client = redisClient;
    redis = client;
    make = (prefix, points) =>
      new RateLimiterRedis({ storeClient: client, keyPrefix: `rollcall:rl:${prefix}`, points, duration: 60 });
  } else {
    make = (prefix, points) => new RateLimiterMemory({ keyPrefix: prefix, points, duration: 60 });
  }
  const requests = make('req', Math.max(1, limits.requestsPerMinute));
  const logins = make('login', Math.max(1, limits.loginsPerMinute));
  return {
    request: (key) => consume(requests, key),
    login: { consume: async (key) => (await consume(logins, key)) === 0 },
    close: async () => {
      await redis?.quit();
    },
  };
}

import type { RateLimiters } from '../auth/rate-limit';
import type { Logger } from '../observability/logger';
import type { Guard } from './policies';

/**
 * The shared (Redis) limiters with a per-instance in-memory stand-in: when Redis cannot answer (down,
 * paused, circuit open), the request is counted locally instead of failing with a 500. Budgets are
 * then per instance until Redis is back: looser behind a load balancer, never absent.
 * (The limiter's own fallback is owned by src/auth/rate-limit.ts; this guard only adds the breaker,
 * so a paused Redis costs one command timeout per breaker trial instead of one per request.)
 */
export function withLocalFallback(
  shared: RateLimiters,
  local: RateLimiters,
  guard: Guard,
  logger: Logger,
): RateLimiters {
  const log = logger.child({ module: 'rate-limit-fallback' });
  let degraded = false;
  const run = async <T>(remote: () => Promise<T>, fallback: () => Promise<T>): Promise<T> => {
    try {
      const result = await guard.execute(remote);
      if (degraded) {
        degraded = false;
        log.info('rate limits shared through Redis again');
      }
      return result;
    } catch {
      if (!degraded) {
        degraded = true;
        log.warn('Redis unavailable: rate limits counted per instance');
      }
      return fallback();
    }
  };
  return {
    request: (key) =>
      run(
        () => shared.request(key),
        () => local.request(key),
      ),
    login: {
      consume: (key) =>
        run(
          () => shared.login.consume(key),
          () => local.login.consume(key),
        ),
    },
    budget: (prefix, pointsPerMinute) => {
      const remote = shared.budget(prefix, pointsPerMinute);
      const own = local.budget(prefix, pointsPerMinute);
      return {
        consume: (key, points) =>
          run(
            () => remote.consume(key, points),
            () => own.consume(key, points),
          ),
      };
    },
    close: async () => {
      await shared.close().catch(() => undefined);
      await local.close();
    },
  };
}

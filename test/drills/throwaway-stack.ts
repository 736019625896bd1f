import { afterAll, beforeAll } from 'vitest';
import { startTestApp, type TestApp } from '../setup/harness';
import {
  startThrowawayPostgres,
  startThrowawayRedis,
  type ThrowawayPostgres,
  type ThrowawayRedis,
} from '../setup/throwaway-services';

export interface ThrowawayStack {
  pg: ThrowawayPostgres;
  redis: ThrowawayRedis;
  app: TestApp;
}

/**
 * A throwaway PostgreSQL and Redis that the drill owns (so it may stop or kill them without touching
 * the machine's services) and an app on them with one inference worker and no wait on submission.
 * Started before the file's tests, torn down after them; the fields are set once `beforeAll` ran.
 */
export function useThrowawayStack(env: Record<string, string> = {}): ThrowawayStack {
  const stack = {} as ThrowawayStack;
  beforeAll(async () => {
    [stack.pg, stack.redis] = await Promise.all([startThrowawayPostgres(), startThrowawayRedis()]);
    stack.app = await startTestApp({
      DATABASE_URL: stack.pg.url,
      REDIS_URL: stack.redis.url,
      SUBMIT_WAIT_MS: '0',
      INFERENCE_WORKERS: '1',
      ...env,
    });
  });
  afterAll(async () => {
    await stack.app?.stop();
    await stack.redis?.destroy();
    await stack.pg?.destroy();
  });
  return stack;
}

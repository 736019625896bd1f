import type { DataSource } from 'typeorm';
import type { Cache } from '../cache/cache';
import type { InferenceEngine } from '../inference/types';

export interface Readiness {
  ok: boolean;
  checks: Record<string, string>;
  /** Photo job queue: depth, oldest wait, attempts, stalls, dead letters, consumers (issue #11). */
  queue?: unknown;
}

export interface ReadinessDeps {
  dataSource: DataSource;
  /** Checked only when it is Redis: the in-process cache cannot be down. */
  cache?: Cache;
  /** Absent when this server runs no inference itself (INFERENCE_MODE=remote). */
  engine?: InferenceEngine;
  /** The job queue's reachability and state. */
  queue?: () => Promise<{ check: string; queue: unknown }>;
  /** Inference failures in the recent window; at or above `crashLoopAt` the pool is not ready. */
  recentWorkerFailures?: () => number;
  crashLoopAt?: number;
  timeoutMs?: number;
}

/**
 * Readiness: may this instance take traffic now? Each dependency is really exercised (SELECT 1,
 * PING) under a timeout, so a hung connection reads as down instead of hanging the probe.
 */
export function createReadiness(deps: ReadinessDeps): () => Promise<Readiness> {
  const timeoutMs = deps.timeoutMs ?? 2_000;
  const within = async (check: () => Promise<unknown>): Promise<string> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        check(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
        }),
      ]);
      return 'ok';
    } catch (error) {
      return error instanceof Error && error.message === 'timeout' ? 'timeout' : 'down';
    } finally {
      clearTimeout(timer);
    }
  };

  return async () => {
    const checks: Record<string, string> = {};
    const [database, redis, queue] = await Promise.all([
      within(() => deps.dataSource.query('SELECT 1')),
      deps.cache ? within(() => deps.cache!.ping()) : Promise.resolve(undefined),
      deps.queue?.().catch(() => ({ check: 'down', queue: undefined })),
    ]);
    checks.database = database;
    if (redis !== undefined) {
      checks.redis = redis;
    }
    if (queue) {
      checks.queue = queue.check;
    }
    if (deps.engine) {
      const stats = deps.engine.stats();
      const failures = deps.recentWorkerFailures?.() ?? 0;
      checks.inference =
        stats.workers === 0
          ? 'down'
          : deps.crashLoopAt !== undefined && failures >= deps.crashLoopAt
            ? 'crash-loop'
            : 'ok';
    }
    return { ok: Object.values(checks).every((c) => c === 'ok'), checks, queue: queue?.queue };
  };
}

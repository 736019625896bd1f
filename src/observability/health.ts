import type { DataSource } from 'typeorm';
import type { InferenceEngine } from '../inference/types';
import type { BreakerRegistry, BreakerState } from '../resilience/breakers';

export interface Readiness {
  /** May this instance take traffic: false only when a dependency everything needs is down. */
  ok: boolean;
  /** ready: all well; degraded: serving with fallbacks (e.g. Redis down); unavailable: not serving. */
  status: 'ready' | 'degraded' | 'unavailable';
  /** database / inference: ok | down | timeout (| crash-loop); redis: ok | degraded | down. */
  checks: Record<string, string>;
  /** Every circuit breaker by name: closed | open | half-open | isolated. */
  breakers: Record<string, BreakerState>;
  /** Live events waiting for Redis, and dropped from a full buffer. */
  events?: { buffered: number; dropped: number };
  /** Photo job queue: depth, oldest wait, attempts, stalls, dead letters, consumers (issue #11). */
  queue?: unknown;
}

export interface ReadinessDeps {
  dataSource: DataSource;
  /** The Redis command client, when REDIS_URL is set (the in-process stand-ins cannot be down). */
  redis?: { ping(): Promise<unknown> };
  breakers?: BreakerRegistry;
  /** Buffered and dropped live events (src/pubsub with Redis). */
  eventBacklog?: () => { buffered: number; dropped: number };
  /** Absent when this server runs no inference itself (INFERENCE_MODE=remote). */
  engine?: InferenceEngine;
  /** The job queue's reachability and state. */
  queue?: () => Promise<{ check: string; queue: unknown }>;
  /** Inference failures in the recent window; at or above `crashLoopAt` the pool is not ready. */
  recentWorkerFailures?: () => number;
  crashLoopAt?: number;
  timeoutMs?: number;
}

// Breakers whose dependency has a fallback: open means degraded, not unavailable.
const DEGRADING = /^(redis-|alert-delivery:)/;

/**
 * Readiness: may this instance take traffic now, and how well? Each dependency is really exercised
 * (SELECT 1, PING) under a timeout, so a hung connection reads as down instead of hanging the probe.
 * Redis down is `degraded`, not unready: caches read the database, rate limits count locally and
 * events are buffered, so pulling every replica out of the load balancer would only make it worse.
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
      deps.redis ? within(() => deps.redis!.ping()) : Promise.resolve(undefined),
      deps.queue
        ? Promise.race([
            deps.queue(),
            new Promise<{ check: string; queue: unknown }>((resolve) =>
              setTimeout(() => resolve({ check: 'timeout', queue: undefined }), timeoutMs).unref(),
            ),
          ]).catch(() => ({ check: 'down', queue: undefined }))
        : undefined,
    ]);
    checks.database = database;
    const breakers = deps.breakers?.states() ?? {};
    const events = deps.eventBacklog?.();
    if (redis !== undefined) {
      const redisBreakers = Object.entries(breakers).filter(([name]) => name.startsWith('redis-'));
      checks.redis =
        redis !== 'ok'
          ? 'down'
          : redisBreakers.some(([, state]) => state !== 'closed') || (events?.buffered ?? 0) > 0
            ? 'degraded' // answering again, but fallbacks are still in use or events still queued
            : 'ok';
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
            : breakers.inference === 'open'
              ? 'down'
              : 'ok';
    }
    // Redis and the queue on it have fallbacks (database caches, local limits, buffered events, the
    // recovery sweep re-queues stored photos): their outage degrades, it does not unready.
    const essential = Object.entries(checks).filter(([name]) => name !== 'redis' && name !== 'queue');
    const ok = essential.every(([, c]) => c === 'ok') && breakers.postgres !== 'open';
    const degraded =
      (checks.redis !== undefined && checks.redis !== 'ok') ||
      (checks.queue !== undefined && checks.queue !== 'ok') ||
      Object.entries(breakers).some(([name, state]) => DEGRADING.test(name) && state !== 'closed');
    return {
      ok,
      status: !ok ? 'unavailable' : degraded ? 'degraded' : 'ready',
      checks,
      breakers,
      ...(events ? { events } : {}),
      ...(queue ? { queue: queue.queue } : {}),
    };
  };
}

import { METRICS_SCOPE, Topic, type AppPubSub } from '../pubsub/topics';
import type { Logger } from './logger';
import type { Metrics } from './metrics';

/**
 * Publishes this instance's snapshot every `intervalMs` on the cluster-wide channel: with Redis,
 * every instance's subscribers (and the alert evaluator) see every instance.
 */
export function startMetricsPublisher(
  metrics: Metrics,
  pubsub: AppPubSub,
  intervalMs: number,
  logger: Logger,
): { close(): void } {
  const log = logger.child({ module: 'MetricsPublisher' });
  const timer = setInterval(() => {
    const snapshot = metrics.snapshot();
    metrics.resetLoopDelay();
    pubsub.emit(Topic.MetricsUpdated, METRICS_SCOPE, snapshot).catch((error: unknown) => {
      log.warn({ err: error }, 'publishing metrics failed');
    });
  }, intervalMs);
  timer.unref();
  return { close: () => clearInterval(timer) };
}

import type { DataSource } from 'typeorm';
import type { Env } from '../config/env';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import type { AppPubSub } from '../pubsub/topics';
import type { AnalyticsRepository } from '../repositories/analytics.repository';
import type { BreakerRegistry } from '../resilience/breakers';
import { AlertService } from './alert.service';
import { LocalLeadership, RedisLeadership } from './leader';
import { AlertNotifier } from './notifier';

export { AlertService } from './alert.service';
export type { AlertCondition, AlertSource } from './rules';
export { signBody, SIGNATURE_HEADER } from './notifier';

export interface AlertDeps {
  dataSource: DataSource;
  analytics: AnalyticsRepository;
  metrics: Metrics;
  pubsub: AppPubSub;
  logger: Logger;
  breakers?: BreakerRegistry;
}

/** Alerting as configured: one evaluator at a time (a Redis lease when REDIS_URL is set), webhooks and e-mail. */
export async function createAlertService(env: Env, deps: AlertDeps): Promise<AlertService> {
  const leadership = env.REDIS_URL
    ? await RedisLeadership.connect(
        env.REDIS_URL,
        deps.metrics.instanceId,
        // The lease outlives a few missed rounds, then another instance takes over.
        Math.max(1_000, env.ALERT_EVAL_INTERVAL_MS * 3),
        deps.logger,
      )
    : new LocalLeadership();
  const notifier = new AlertNotifier(
    {
      webhookUrls: env.ALERT_WEBHOOK_URLS,
      webhookSecret: env.ALERT_WEBHOOK_SECRET,
      smtpUrl: env.SMTP_URL,
      emailTo: env.ALERT_EMAIL_TO,
      emailFrom: env.ALERT_EMAIL_FROM,
      attempts: env.ALERT_DELIVERY_ATTEMPTS,
      backoffMs: env.ALERT_DELIVERY_BACKOFF_MS,
    },
    deps.logger,
    deps.breakers,
  );
  return new AlertService(
    deps.dataSource,
    deps.analytics,
    deps.metrics,
    deps.pubsub,
    leadership,
    notifier,
    {
      enabled: env.ALERTS_ENABLED,
      intervalMs: env.ALERT_EVAL_INTERVAL_MS,
      snapshotTtlMs: env.METRICS_INTERVAL_MS * 3,
      thresholds: {
        errorRate: env.ALERT_ERROR_RATE,
        errorMinRequests: env.ALERT_ERROR_MIN_REQUESTS,
        photoP95Ms: env.ALERT_PHOTO_P95_MS,
        queueBacklog: env.ALERT_QUEUE_BACKLOG,
        deadLetters: env.ALERT_DEAD_LETTERS,
        crashLoopCount: env.ALERT_CRASH_LOOP_COUNT,
        keyFailures: env.ALERT_KEY_FAILURES,
        absenceStreak: env.AT_RISK_ABSENCE_STREAK,
      },
    },
    deps.logger,
  );
}

import type { DataSource } from 'typeorm';
import { Alert, AlertState, AlertRule as Rule, type AlertRule } from '../entities/alert.entity';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import {
  ALERTS_SCOPE,
  METRICS_SCOPE,
  Topic,
  type AlertChangedPayload,
  type AppPubSub,
  type MetricsSnapshot,
} from '../pubsub/topics';
import type { AnalyticsRepository } from '../repositories/analytics.repository';
import type { Page, PageRequest } from '../services/page';
import type { Leadership } from './leader';
import type { AlertNotifier } from './notifier';
import {
  absenceConditions,
  SYSTEM_RULES,
  systemConditions,
  type AlertCondition,
  type AlertSource,
  type Thresholds,
} from './rules';

export interface AlertServiceConfig {
  enabled: boolean;
  intervalMs: number;
  /** Snapshots older than this are from instances presumed gone. */
  snapshotTtlMs: number;
  thresholds: Thresholds;
}

export function toAlertPayload(a: Alert): AlertChangedPayload {
  return {
    id: a.id,
    institutionId: a.institutionId,
    rule: a.rule,
    fingerprint: a.fingerprint,
    subject: a.subject,
    state: a.state,
    severity: a.severity,
    summary: a.summary,
    value: a.value,
    threshold: a.threshold,
    details: a.details,
    startedAt: a.startedAt.toISOString(),
    resolvedAt: a.resolvedAt?.toISOString() ?? null,
    updatedAt: a.updatedAt.toISOString(),
  };
}

export function fromAlertPayload(p: AlertChangedPayload): Alert {
  return Object.assign(new Alert(), {
    ...p,
    rule: p.rule as AlertRule,
    state: p.state as AlertState,
    severity: p.severity as Alert['severity'],
    startedAt: new Date(p.startedAt),
    resolvedAt: p.resolvedAt ? new Date(p.resolvedAt) : null,
    updatedAt: new Date(p.updatedAt),
  });
}

/**
 * Evaluates the alert rules on an interval, on one instance at a time (the leader), and keeps the
 * alert table in step: a new condition opens a FIRING alert, a cleared one resolves it. Each change
 * is published (alertChanged) and delivered (webhooks, e-mail). Platform rules read every
 * instance's metrics snapshots, so the leader judges the whole cluster, not just itself.
 */
export class AlertService {
  private readonly log: Logger;
  private readonly sources: AlertSource[] = [];
  private readonly snapshots = new Map<string, { snapshot: MetricsSnapshot; receivedAt: number }>();
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> = Promise.resolve();
  private feed: AsyncIterator<unknown> | undefined;
  private closed = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly analytics: AnalyticsRepository,
    private readonly metrics: Metrics,
    private readonly pubsub: AppPubSub,
    private readonly leadership: Leadership,
    private readonly notifier: AlertNotifier,
    private readonly config: AlertServiceConfig,
    logger: Logger,
  ) {
    this.log = logger.child({ module: AlertService.name });
  }

  /** Extra conditions (e.g. integration keys checked against the database) join every round. */
  register(source: AlertSource): void {
    this.sources.push(source);
  }

  start(): void {
    const feed = this.pubsub.subscribe(Topic.MetricsUpdated, METRICS_SCOPE)[Symbol.asyncIterator]();
    this.feed = feed;
    void (async () => {
      for (;;) {
        const next = await feed.next();
        if (next.done) {
          return;
        }
        const snapshot = next.value as MetricsSnapshot;
        this.snapshots.set(snapshot.instanceId, { snapshot, receivedAt: Date.now() });
      }
    })().catch((error: unknown) => this.log.error({ err: error }, 'metrics feed stopped'));
    if (this.config.enabled) {
      this.schedule();
    }
  }

  async list(
    institutionId: string,
    state: AlertState | null | undefined,
    page: PageRequest,
  ): Promise<Page<Alert>> {
    const qb = this.dataSource
      .getRepository(Alert)
      .createQueryBuilder('a')
      .where('(a.institutionId = :institutionId OR a.institutionId IS NULL)', { institutionId });
    if (state) {
      qb.andWhere('a.state = :state', { state });
    }
    const [items, total] = await qb
      .orderBy('a.startedAt', 'DESC')
      .addOrderBy('a.id', 'ASC')
      .skip(page.skip)
      .take(page.take)
      .getManyAndCount();
    return { items, total, hasMore: page.skip + items.length < total };
  }

  /** The latest snapshot of every live instance (this one measured now). */
  clusterSnapshots(now = Date.now()): MetricsSnapshot[] {
    const fresh = [...this.snapshots.values()]
      .filter((s) => now - s.receivedAt <= this.config.snapshotTtlMs)
      .map((s) => s.snapshot)
      .filter((s) => s.instanceId !== this.metrics.instanceId);
    return [this.metrics.snapshot(now), ...fresh];
  }

  /** One evaluation round; the caller must hold the lead. */
  async evaluate(now = new Date()): Promise<void> {
    const conditions: AlertCondition[] = [];
    const decided = new Set<AlertRule>();
    conditions.push(...systemConditions(this.clusterSnapshots(now.getTime()), this.config.thresholds));
    SYSTEM_RULES.forEach((r) => decided.add(r));
    try {
      for (const institutionId of await this.analytics.activeInstitutions()) {
        const streaks = await this.analytics.absenceStreaks(
          institutionId,
          {},
          this.config.thresholds.absenceStreak,
        );
        conditions.push(...absenceConditions(institutionId, streaks, this.config.thresholds));
      }
      decided.add(Rule.ABSENCE_STREAK);
    } catch (error) {
      this.log.error({ err: error }, 'absence-streak rule failed');
    }
    for (const source of this.sources) {
      try {
        conditions.push(...(await source.evaluate(now)));
        source.rules.forEach((r) => decided.add(r));
      } catch (error) {
        this.log.error({ err: error, rules: source.rules }, 'alert source failed');
      }
    }
    await this.apply(conditions, decided);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.round;
    await this.feed?.return?.();
    await this.leadership.close();
    await this.notifier.close();
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.round = this.tick().finally(() => {
        if (!this.closed) {
          this.schedule();
        }
      });
    }, this.config.intervalMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      if (await this.leadership.acquire()) {
        await this.evaluate();
      }
    } catch (error) {
      this.log.error({ err: error }, 'alert evaluation failed');
    }
  }

  private async apply(conditions: AlertCondition[], decided: ReadonlySet<AlertRule>): Promise<void> {
    const repo = this.dataSource.getRepository(Alert);
    const firing = await repo.findBy({ state: AlertState.FIRING });
    const open = new Map(firing.map((a) => [a.fingerprint, a]));
    const seen = new Set<string>();
    for (const c of conditions) {
      if (seen.has(c.fingerprint)) {
        continue;
      }
      seen.add(c.fingerprint);
      const existing = open.get(c.fingerprint);
      if (existing) {
        if (
          existing.value !== c.value ||
          existing.summary !== c.summary ||
          existing.severity !== c.severity
        ) {
          await repo.update(
            { id: existing.id },
            { value: c.value, summary: c.summary, severity: c.severity, details: c.details as never },
          );
        }
        continue;
      }
      // The partial unique index turns a concurrent duplicate into a no-op.
      const rows: { id: string }[] = await this.dataSource.query(
        `INSERT INTO alert (institution_id, rule, fingerprint, subject, state, severity, summary, value, threshold,
                            details, started_at)
         VALUES ($1, $2, $3, $4, 'FIRING', $5, $6, $7, $8, $9::jsonb, now())
         ON CONFLICT DO NOTHING RETURNING id`,
        [
          c.institutionId,
          c.rule,
          c.fingerprint,
          c.subject,
          c.severity,
          c.summary,
          c.value,
          c.threshold,
          JSON.stringify(c.details),
        ],
      );
      if (rows[0]) {
        await this.changed(await repo.findOneByOrFail({ id: rows[0].id }));
      }
    }
    for (const alert of firing) {
      if (seen.has(alert.fingerprint) || !decided.has(alert.rule)) {
        continue;
      }
      const rows: { id: string }[] = await this.dataSource.query(
        `UPDATE alert SET state = 'RESOLVED', resolved_at = now(), updated_at = now()
         WHERE id = $1 AND state = 'FIRING' RETURNING id`,
        [alert.id],
      );
      if (rows[0]) {
        await this.changed(await repo.findOneByOrFail({ id: alert.id }));
      }
    }
  }

  private async changed(alert: Alert): Promise<void> {
    const payload = toAlertPayload(alert);
    this.log.info(
      { alertId: alert.id, rule: alert.rule, state: alert.state, summary: alert.summary },
      'alert changed',
    );
    await this.pubsub.emit(Topic.AlertChanged, ALERTS_SCOPE, payload).catch((error: unknown) => {
      this.log.warn({ err: error }, 'publishing an alert change failed');
    });
    this.notifier.deliver(payload);
  }
}

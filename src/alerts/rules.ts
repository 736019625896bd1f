import { AlertRule, AlertSeverity } from '../entities/alert.entity';
import type { MetricsSnapshot } from '../pubsub/topics';
import type { StreakRow } from '../repositories/analytics.repository';

/** A rule's condition holding right now for one subject. */
export interface AlertCondition {
  rule: AlertRule;
  /** Rule plus subject; one FIRING alert per fingerprint. */
  fingerprint: string;
  institutionId: string | null;
  subject: string | null;
  severity: AlertSeverity;
  summary: string;
  value: number | null;
  threshold: number | null;
  details: Record<string, unknown>;
}

/**
 * Something that can report conditions, evaluated by the leader on every round. `rules` lists what
 * it decides: FIRING alerts of those rules that it no longer reports are resolved.
 */
export interface AlertSource {
  readonly rules: readonly AlertRule[];
  evaluate(now: Date): Promise<AlertCondition[]>;
}

export interface Thresholds {
  errorRate: number;
  errorMinRequests: number;
  photoP95Ms: number;
  queueBacklog: number;
  crashLoopCount: number;
  keyFailures: number;
  absenceStreak: number;
  /** New dead letters within the window that raise an alert (0 or absent: off). */
  deadLetters?: number;
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

/** Platform rules over every live instance's latest snapshot (the cluster view). */
export function systemConditions(snapshots: readonly MetricsSnapshot[], t: Thresholds): AlertCondition[] {
  const out: AlertCondition[] = [];
  const instances = snapshots.map((s) => s.instanceId);
  const sum = (pick: (s: MetricsSnapshot) => number) => snapshots.reduce((acc, s) => acc + pick(s), 0);

  const requests = sum((s) => s.requests);
  // Server faults only: a client's errors (bad credentials, typos, refused input) are the client's
  // business and must not page every institution's admins.
  const errors = sum((s) => s.serverErrors ?? s.errors);
  if (requests >= Math.max(1, t.errorMinRequests) && errors / requests > t.errorRate) {
    const rate = errors / requests;
    const byCode: Record<string, number> = {};
    for (const s of snapshots) {
      for (const [code, n] of Object.entries(s.errorsByCode)) {
        byCode[code] = (byCode[code] ?? 0) + n;
      }
    }
    out.push({
      rule: AlertRule.ERROR_RATE,
      fingerprint: AlertRule.ERROR_RATE,
      institutionId: null,
      subject: null,
      severity: rate > Math.min(1, t.errorRate * 5) ? AlertSeverity.CRITICAL : AlertSeverity.WARNING,
      summary: `GraphQL server-fault rate ${pct(rate)} over the last ${snapshots[0]?.windowSeconds ?? '?'} s (limit ${pct(t.errorRate)})`,
      value: rate,
      threshold: t.errorRate,
      details: { requests, errors, errorsByCode: byCode, instances },
    });
  }

  const latencies = snapshots.filter((s) => s.photoLatencySamples > 0 && s.photoLatencyP95Ms !== null);
  if (t.photoP95Ms > 0 && latencies.length > 0) {
    // Each instance's own p95; the worst one speaks for the cluster.
    const worst = latencies.reduce((a, b) =>
      (b.photoLatencyP95Ms ?? 0) > (a.photoLatencyP95Ms ?? 0) ? b : a,
    );
    const p95 = worst.photoLatencyP95Ms ?? 0;
    if (p95 > t.photoP95Ms) {
      out.push({
        rule: AlertRule.PHOTO_LATENCY_P95,
        fingerprint: AlertRule.PHOTO_LATENCY_P95,
        institutionId: null,
        subject: null,
        severity: AlertSeverity.WARNING,
        summary: `p95 photo latency ${Math.round(p95)} ms on ${worst.instanceId} (limit ${t.photoP95Ms} ms)`,
        value: p95,
        threshold: t.photoP95Ms,
        details: { instanceId: worst.instanceId, samples: worst.photoLatencySamples },
      });
    }
  }

  const queued = sum((s) => s.queueDepth);
  if (queued > t.queueBacklog) {
    out.push({
      rule: AlertRule.QUEUE_BACKLOG,
      fingerprint: AlertRule.QUEUE_BACKLOG,
      institutionId: null,
      subject: null,
      severity: AlertSeverity.WARNING,
      summary: `${queued} photos waiting for inference workers (limit ${t.queueBacklog})`,
      value: queued,
      threshold: t.queueBacklog,
      details: { byInstance: Object.fromEntries(snapshots.map((s) => [s.instanceId, s.queueDepth])) },
    });
  }

  const crashes = sum((s) => s.workerCrashes);
  if (crashes >= t.crashLoopCount) {
    out.push({
      rule: AlertRule.WORKER_CRASH_LOOP,
      fingerprint: AlertRule.WORKER_CRASH_LOOP,
      institutionId: null,
      subject: null,
      severity: AlertSeverity.CRITICAL,
      summary: `Inference workers failed ${crashes} times in the last ${snapshots[0]?.windowSeconds ?? '?'} s`,
      value: crashes,
      threshold: t.crashLoopCount,
      details: { byInstance: Object.fromEntries(snapshots.map((s) => [s.instanceId, s.workerCrashes])) },
    });
  }

  const keyFailures = new Map<string, { institutionId: string; keyId: string; count: number }>();
  for (const s of snapshots) {
    for (const k of s.keyFailures) {
      const entry = keyFailures.get(k.keyId) ?? { ...k, count: 0 };
      entry.count += k.count;
      keyFailures.set(k.keyId, entry);
    }
  }
  for (const k of keyFailures.values()) {
    if (k.count >= t.keyFailures) {
      out.push({
        rule: AlertRule.INTEGRATION_KEY_FAILING,
        fingerprint: `${AlertRule.INTEGRATION_KEY_FAILING}:${k.keyId}`,
        institutionId: k.institutionId,
        subject: k.keyId,
        severity: AlertSeverity.WARNING,
        summary: `Integration key ${k.keyId} failed ${k.count} times`,
        value: k.count,
        threshold: t.keyFailures,
        details: { keyId: k.keyId },
      });
    }
  }
  const dead = sum((s) => s.deadLetters ?? 0);
  if (t.deadLetters && dead >= t.deadLetters) {
    out.push({
      rule: AlertRule.DEAD_LETTERS,
      fingerprint: AlertRule.DEAD_LETTERS,
      institutionId: null,
      subject: null,
      severity: AlertSeverity.CRITICAL,
      summary: `${dead} photos dead-lettered in the last ${snapshots[0]?.windowSeconds ?? '?'} s (every attempt failed)`,
      value: dead,
      threshold: t.deadLetters,
      details: { byInstance: Object.fromEntries(snapshots.map((s) => [s.instanceId, s.deadLetters ?? 0])) },
    });
  }
  return out;
}

/** One alert per student and course whose latest sessions are a run of absences. */
export function absenceConditions(
  institutionId: string,
  streaks: readonly StreakRow[],
  t: Thresholds,
): AlertCondition[] {
  return streaks
    .filter((s) => s.streak >= t.absenceStreak)
    .map((s) => ({
      rule: AlertRule.ABSENCE_STREAK,
      fingerprint: `${AlertRule.ABSENCE_STREAK}:${s.courseId}:${s.studentId}`,
      institutionId,
      subject: s.studentId,
      severity: AlertSeverity.WARNING,
      // Names stay out of alerts (they travel to webhooks and mailboxes); the institution's own id suffices.
      summary: `Student ${s.externalId} missed the last ${s.streak} sessions of ${s.courseCode}`,
      value: s.streak,
      threshold: t.absenceStreak,
      details: {
        courseId: s.courseId,
        courseCode: s.courseCode,
        studentId: s.studentId,
        externalId: s.externalId,
        lastAbsentAt: s.lastAbsentAt?.toISOString() ?? null,
      },
    }));
}

export const SYSTEM_RULES: readonly AlertRule[] = [
  AlertRule.ERROR_RATE,
  AlertRule.PHOTO_LATENCY_P95,
  AlertRule.QUEUE_BACKLOG,
  AlertRule.WORKER_CRASH_LOOP,
  AlertRule.INTEGRATION_KEY_FAILING,
  AlertRule.DEAD_LETTERS,
];

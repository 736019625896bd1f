import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { InferenceEngine, StageTimings } from '../inference/types';
import type { MetricsSnapshot } from '../pubsub/topics';
import { scrapeAllowed } from './scrape-auth';
import { SlidingCounter, SlidingKeyedCounter, SlidingSamples } from './sliding-window';
import { trackIterator } from './tracked-iterator';

// The instance's metrics: the Prometheus instruments and the windowed numbers the alert rules and
// dashboards read, recorded through the methods below and read back as one snapshot. Each app instance
// owns its own Registry (never prom-client's global one), so two instances in one process do not
// clash. Labels only take values from closed sets (operation types, schema fields, error codes,
// statuses): nothing a client sends becomes a label.

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const PHOTO_BUCKETS = [0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300];

/** What the photo pipeline reports once a photo reaches DONE or FAILED. */
export interface PhotoObserver {
  photoProcessed(status: 'DONE' | 'FAILED', latencyMs: number, decisions: readonly string[]): void;
}

/** One GraphQL operation over HTTP, as the Apollo plugin saw it. */
export interface OperationOutcome {
  /** query, mutation, subscription, or unknown (it did not parse). */
  type: string;
  seconds: number;
  failed: boolean;
  /** Whose fault its errors were; a server fault wins over a client error. */
  fault: 'server' | 'client' | null;
}

/** What the GraphQL metrics plugin (graphql-metrics-plugin.ts) records into. */
export interface OperationRecorder {
  graphqlError(code: string, serverFault: boolean): void;
  /** An operation that failed through the client's own errors only. */
  clientErrorBy(caller: string): void;
  rootFieldTimer(parent: string, field: string): () => void;
  operationFinished(operation: OperationOutcome): void;
}

/** What the HTTP/WebSocket server needs from observability (the plugin records through it). */
export interface ServerObservability extends OperationRecorder {
  /** Prometheus exposition; 401 when METRICS_TOKEN is set and not presented. */
  scrape(authorization: string | undefined): Promise<{ status: number; contentType: string; body: string }>;
  /** Wraps a live subscription's result stream so the active-subscriptions gauge follows it. */
  trackSubscription<T>(source: AsyncIterable<T>): AsyncIterable<T>;
}

export interface MetricsOptions {
  instanceId?: string;
  windowMs: number;
  token?: string;
  engine: () => InferenceEngine;
  /** More snapshot fields from other parts (the job queue's dead letters and backlog). */
  extra?: () => Partial<MetricsSnapshot>;
}

export class Metrics implements PhotoObserver, ServerObservability {
  readonly registry = new Registry();
  readonly instanceId: string;
  readonly windowMs: number;
  private readonly startedAt = Date.now();

  private readonly requestDuration: Histogram<'type' | 'outcome'>;
  private readonly resolverDuration: Histogram<'parent' | 'field'>;
  private readonly errorsTotal: Counter<'code'>;
  private readonly clientErrorsTotal: Counter<'code'>;
  private readonly photosTotal: Counter<'status'>;
  private readonly facesTotal: Counter<'decision'>;
  private readonly photoLatency: Histogram;
  private readonly stageDuration: Histogram<'stage' | 'backend'>;
  private readonly crashesTotal: Counter;
  private readonly cacheTotal: Counter<'cache' | 'result'>;
  private readonly keyFailuresTotal: Counter;
  private activeSubscriptions = 0;

  private readonly window: {
    requests: SlidingCounter;
    failedRequests: SlidingCounter;
    serverFaults: SlidingCounter;
    clientErrors: SlidingCounter;
    clientErrorsByCaller: SlidingKeyedCounter;
    errorsByCode: SlidingKeyedCounter;
    requestMs: SlidingSamples;
    photos: SlidingKeyedCounter;
    photoMs: SlidingSamples;
    faces: SlidingKeyedCounter;
    crashes: SlidingCounter;
    cache: SlidingKeyedCounter;
    keyFailures: SlidingKeyedCounter;
  };

  private readonly loopDelay: IntervalHistogram;
  private lastLoopLagMs = 0;

  constructor(private readonly options: MetricsOptions) {
    this.instanceId =
      options.instanceId ?? `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.windowMs = options.windowMs;
    const registers = [this.registry];
    this.registry.setDefaultLabels({ instance_id: this.instanceId });
    // Process CPU, memory, GC, handles and event-loop lag (nodejs_eventloop_lag_*).
    collectDefaultMetrics({ register: this.registry });

    this.requestDuration = new Histogram({
      name: 'rollcall_graphql_request_duration_seconds',
      help: 'GraphQL operations over HTTP, by operation type and outcome',
      labelNames: ['type', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.resolverDuration = new Histogram({
      name: 'rollcall_graphql_resolver_duration_seconds',
      help: 'Root field resolvers (Query, Mutation, Subscription fields)',
      labelNames: ['parent', 'field'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.errorsTotal = new Counter({
      name: 'rollcall_graphql_errors_total',
      help: 'GraphQL errors by extensions.code',
      labelNames: ['code'],
      registers,
    });
    this.clientErrorsTotal = new Counter({
      name: 'rollcall_graphql_client_errors_total',
      help: 'GraphQL errors caused by the client (bad input, credentials, limits), by extensions.code',
      labelNames: ['code'],
      registers,
    });
    this.photosTotal = new Counter({
      name: 'rollcall_photos_processed_total',
      help: 'Class photos that finished processing, by final status',
      labelNames: ['status'],
      registers,
    });
    this.facesTotal = new Counter({
      name: 'rollcall_faces_processed_total',
      help: 'Faces found in class photos, by match decision',
      labelNames: ['decision'],
      registers,
    });
    this.photoLatency = new Histogram({
      name: 'rollcall_photo_latency_seconds',
      help: 'From submission to DONE/FAILED, queueing included',
      buckets: PHOTO_BUCKETS,
      registers,
    });
    this.stageDuration = new Histogram({
      name: 'rollcall_inference_stage_duration_seconds',
      help: 'Time per inference stage in the worker, by TensorFlow.js backend',
      labelNames: ['stage', 'backend'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.crashesTotal = new Counter({
      name: 'rollcall_inference_worker_failures_total',
      help: 'Inference tasks lost to a crashed or unavailable worker',
      registers,
    });
    this.cacheTotal = new Counter({
      name: 'rollcall_cache_requests_total',
      help: 'Cache lookups by cache (key prefix) and result',
      labelNames: ['cache', 'result'],
      registers,
    });
    this.keyFailuresTotal = new Counter({
      name: 'rollcall_integration_key_failures_total',
      help: 'Requests refused for a failing integration API key',
      registers,
    });
    const engineGauge = (
      name: string,
      help: string,
      read: (s: ReturnType<InferenceEngine['stats']>) => number,
    ) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read(options.engine().stats()));
        },
      });
    engineGauge('rollcall_inference_workers', 'Live inference worker threads', (s) => s.workers);
    engineGauge('rollcall_inference_queue_depth', 'Tasks waiting for an inference worker', (s) => s.queued);
    engineGauge(
      'rollcall_inference_utilization',
      'Share of worker time spent on tasks (0..1)',
      (s) => s.utilization,
    );
    const subscriptions: Gauge = new Gauge({
      name: 'rollcall_active_subscriptions',
      help: 'Live GraphQL subscriptions on this instance',
      registers,
      collect: () => subscriptions.set(this.activeSubscriptions),
    });

    const w = options.windowMs;
    this.window = {
      requests: new SlidingCounter(w),
      failedRequests: new SlidingCounter(w),
      serverFaults: new SlidingCounter(w),
      clientErrors: new SlidingCounter(w),
      clientErrorsByCaller: new SlidingKeyedCounter(w),
      errorsByCode: new SlidingKeyedCounter(w),
      requestMs: new SlidingSamples(w),
      photos: new SlidingKeyedCounter(w),
      photoMs: new SlidingSamples(w),
      faces: new SlidingKeyedCounter(w),
      crashes: new SlidingCounter(w),
      cache: new SlidingKeyedCounter(w),
      keyFailures: new SlidingKeyedCounter(w),
    };
    this.loopDelay = monitorEventLoopDelay({ resolution: 20 });
    this.loopDelay.enable();
  }

  // --- recording ---------------------------------------------------------------------------------

  photoProcessed(status: 'DONE' | 'FAILED', latencyMs: number, decisions: readonly string[]): void {
    this.photosTotal.inc({ status });
    this.window.photos.add(status);
    this.photoLatency.observe(latencyMs / 1000);
    this.window.photoMs.add(latencyMs);
    for (const decision of decisions) {
      this.facesTotal.inc({ decision });
      this.window.faces.add(decision);
    }
  }

  inferenceTimings(timings: StageTimings, backend: string): void {
    const stages: [string, number][] = [
      ['decode', timings.decodeMs],
      ['detect', timings.detectMs],
      ['landmarks', timings.landmarksMs],
      ['embed', timings.embedMs],
      ['total', timings.totalMs],
    ];
    for (const [stage, ms] of stages) {
      this.stageDuration.observe({ stage, backend }, ms / 1000);
    }
  }

  workerFailed(): void {
    this.crashesTotal.inc();
    this.window.crashes.add();
  }

  cacheLookup(key: string, hit: boolean): void {
    const cache = key.split(':', 1)[0] ?? 'other';
    const result = hit ? 'hit' : 'miss';
    this.cacheTotal.inc({ cache, result });
    this.window.cache.add(result);
  }

  /**
   * The hook for integration API keys: call it whenever a request presenting key `keyId` is refused
   * (revoked, expired, bad signature, over quota). The alert rule INTEGRATION_KEY_FAILING fires when
   * one key fails ALERT_KEY_FAILURES times within the window, on any instance.
   */
  integrationKeyFailed(institutionId: string, keyId: string): void {
    this.keyFailuresTotal.inc();
    this.window.keyFailures.add(`${institutionId}|${keyId}`);
  }

  // --- the server's side -------------------------------------------------------------------------

  graphqlError(code: string, serverFault: boolean): void {
    this.errorsTotal.inc({ code });
    this.window.errorsByCode.add(code);
    if (!serverFault) {
      this.clientErrorsTotal.inc({ code });
    }
  }

  clientErrorBy(caller: string): void {
    this.window.clientErrorsByCaller.add(caller);
  }

  rootFieldTimer(parent: string, field: string): () => void {
    return this.resolverDuration.startTimer({ parent, field });
  }

  operationFinished(op: OperationOutcome): void {
    this.requestDuration.observe({ type: op.type, outcome: op.failed ? 'error' : 'ok' }, op.seconds);
    this.window.requests.add();
    this.window.requestMs.add(op.seconds * 1000);
    if (op.failed) {
      this.window.failedRequests.add();
    }
    if (op.fault === 'server') {
      this.window.serverFaults.add();
    } else if (op.fault === 'client') {
      this.window.clientErrors.add();
    }
  }

  async scrape(
    authorization: string | undefined,
  ): Promise<{ status: number; contentType: string; body: string }> {
    if (!scrapeAllowed(authorization, this.options.token)) {
      return { status: 401, contentType: 'text/plain', body: 'unauthorized\n' };
    }
    return { status: 200, contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  trackSubscription<T>(source: AsyncIterable<T>): AsyncIterable<T> {
    this.activeSubscriptions++;
    return trackIterator(source, () => {
      this.activeSubscriptions--;
    });
  }

  /** Worker failures within the window (readiness reads this). */
  workerFailures(): number {
    return this.window.crashes.total();
  }

  get subscriptions(): number {
    return this.activeSubscriptions;
  }

  // --- snapshots ---------------------------------------------------------------------------------

  snapshot(now = Date.now()): MetricsSnapshot {
    const stats = this.options.engine().stats();
    const memory = process.memoryUsage();
    const photos = this.window.photos.totals(now);
    const cache = this.window.cache.totals(now);
    if (this.loopDelay.count > 0) {
      this.lastLoopLagMs = this.loopDelay.percentile(99) / 1e6;
    }
    const round = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);
    return {
      instanceId: this.instanceId,
      at: new Date(now).toISOString(),
      uptimeSeconds: Math.round((now - this.startedAt) / 1000),
      windowSeconds: this.windowMs / 1000,
      requests: this.window.requests.total(now),
      errors: this.window.failedRequests.total(now),
      serverErrors: this.window.serverFaults.total(now),
      clientErrors: this.window.clientErrors.total(now),
      clientErrorCallers: Object.entries(this.window.clientErrorsByCaller.totals(now))
        .sort((a, b) => b[1] - a[1])
        .slice(0, 5)
        .map(([caller, count]) => ({ caller, count })),
      errorsByCode: this.window.errorsByCode.totals(now),
      requestP95Ms: round(this.window.requestMs.quantile(0.95, now)),
      photosDone: photos.DONE ?? 0,
      photosFailed: photos.FAILED ?? 0,
      photoLatencyP95Ms: round(this.window.photoMs.quantile(0.95, now)),
      photoLatencySamples: this.window.photoMs.values(now).length,
      facesByDecision: this.window.faces.totals(now),
      backend: this.options.engine().backend,
      workers: stats.workers,
      queueDepth: stats.queued,
      utilization: stats.utilization,
      workerCrashes: this.window.crashes.total(now),
      eventLoopLagP99Ms: Math.round(this.lastLoopLagMs * 100) / 100,
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      cacheHits: cache.hit ?? 0,
      cacheMisses: cache.miss ?? 0,
      activeSubscriptions: this.activeSubscriptions,
      keyFailures: Object.entries(this.window.keyFailures.totals(now)).map(([key, count]) => {
        const [institutionId = '', keyId = ''] = key.split('|');
        return { institutionId, keyId, count };
      }),
      ...this.options.extra?.(),
    };
  }

  /** Event-loop delay is measured per publishing interval. */
  resetLoopDelay(): void {
    if (this.loopDelay.count > 0) {
      this.lastLoopLagMs = this.loopDelay.percentile(99) / 1e6;
    }
    this.loopDelay.reset();
  }

  close(): void {
    this.loopDelay.disable();
    this.registry.clear();
  }
}

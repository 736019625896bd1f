import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { SlidingCounter } from '../observability/sliding-window';
import type { DegradationMode } from './degradation';
import type { JobQueue, QueueCounts } from './types';

const WAIT_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];
const MODES: DegradationMode[] = ['FULL', 'REDUCED', 'MINIMAL'];

export interface QueueSnapshot {
  queue: string;
  counts: QueueCounts;
  /** In this process, over the metrics window. */
  stalls: number;
  deadLetters: number;
  retries: number;
  completed: number;
  concurrency: number | null;
  mode: DegradationMode;
}

/**
 * Prometheus metrics of one job queue as this process sees it: depth by state and oldest wait
 * (cluster-wide with BullMQ), waiting and run times, attempts by outcome, stalls and dead letters,
 * the autoscaled concurrency and the degradation mode.
 */
export class QueueMetrics {
  private readonly attempts: Counter<'queue' | 'outcome'>;
  private readonly stalled: Counter<'queue'>;
  private readonly dead: Counter<'queue'>;
  private readonly waitTime: Histogram<'queue'>;
  private readonly runTime: Histogram<'queue'>;
  private readonly scaled: Counter<'direction'>;
  private readonly byMode: Counter<'mode'>;
  private readonly window: {
    stalls: SlidingCounter;
    dead: SlidingCounter;
    retries: SlidingCounter;
    done: SlidingCounter;
  };
  private lastCounts: QueueCounts = { waiting: 0, active: 0, delayed: 0, failed: 0, oldestWaitingMs: 0 };
  private concurrencyNow: number | null = null;
  private modeNow: DegradationMode = 'FULL';

  constructor(
    private readonly queue: JobQueue,
    private readonly name: string,
    registry: Registry,
    windowMs: number,
  ) {
    const registers = [registry];
    this.window = {
      stalls: new SlidingCounter(windowMs),
      dead: new SlidingCounter(windowMs),
      retries: new SlidingCounter(windowMs),
      done: new SlidingCounter(windowMs),
    };
    this.attempts = new Counter({
      name: 'rollcall_queue_attempts_total',
      help: 'Job runs that ended, by outcome (completed, retried, dead)',
      labelNames: ['queue', 'outcome'],
      registers,
    });
    this.stalled = new Counter({
      name: 'rollcall_queue_stalled_total',
      help: 'Jobs whose worker died or hung, re-queued by this process',
      labelNames: ['queue'],
      registers,
    });
    this.dead = new Counter({
      name: 'rollcall_queue_dead_letters_total',
      help: 'Jobs that failed for good in this process (bad input or attempts exhausted)',
      labelNames: ['queue'],
      registers,
    });
    this.waitTime = new Histogram({
      name: 'rollcall_queue_wait_seconds',
      help: 'From enqueue (or retry) to the start of a run',
      labelNames: ['queue'],
      buckets: WAIT_BUCKETS,
      registers,
    });
    this.runTime = new Histogram({
      name: 'rollcall_queue_run_seconds',
      help: 'Duration of job runs',
      labelNames: ['queue'],
      buckets: WAIT_BUCKETS,
      registers,
    });
    this.scaled = new Counter({
      name: 'rollcall_worker_scaling_total',
      help: 'Autoscaler concurrency changes, by direction',
      labelNames: ['direction'],
      registers,
    });
    this.byMode = new Counter({
      name: 'rollcall_photos_by_mode_total',
      help: 'Photos analysed, by degradation mode (FULL, REDUCED, MINIMAL)',
      labelNames: ['mode'],
      registers,
    });
    // prom-client calls collect() with the gauge as `this`.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    new Gauge({
      name: 'rollcall_queue_jobs',
      help: 'Jobs by state (waiting, active, delayed, failed = dead letters kept)',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        const c = await self.refresh();
        for (const state of ['waiting', 'active', 'delayed', 'failed'] as const) {
          this.set({ queue: self.name, state }, c[state]);
        }
      },
    });
    new Gauge({
      name: 'rollcall_queue_oldest_wait_seconds',
      help: 'Age of the oldest waiting job',
      labelNames: ['queue'],
      registers,
      collect() {
        this.set({ queue: self.name }, self.lastCounts.oldestWaitingMs / 1000);
      },
    });
    new Gauge({
      name: 'rollcall_worker_concurrency',
      help: 'Jobs this process runs at once, autoscaled between MIN_WORKERS and MAX_WORKERS (0: runs none)',
      registers,
      collect() {
        this.set(self.concurrencyNow ?? 0);
      },
    });
    new Gauge({
      name: 'rollcall_analysis_mode',
      help: 'Degradation mode in force (1 for the current one)',
      labelNames: ['mode'],
      registers,
      collect() {
        for (const mode of MODES) {
          this.set({ mode }, mode === self.modeNow ? 1 : 0);
        }
      },
    });
    queue.onEvent((event) => {
      if (event.name !== name) {
        return;
      }
      const labels = { queue: name };
      if (event.kind === 'stalled') {
        this.stalled.inc(labels);
        this.window.stalls.add();
        return;
      }
      this.attempts.inc({ queue: name, outcome: event.kind });
      if (event.waitMs !== undefined) {
        this.waitTime.observe(labels, event.waitMs / 1000);
      }
      if (event.runMs !== undefined) {
        this.runTime.observe(labels, event.runMs / 1000);
      }
      if (event.kind === 'dead') {
        this.dead.inc(labels);
        this.window.dead.add();
      } else if (event.kind === 'retried') {
        this.window.retries.add();
      } else {
        this.window.done.add();
      }
    });
  }

  async refresh(): Promise<QueueCounts> {
    this.lastCounts = await this.queue.counts(this.name);
    return this.lastCounts;
  }

  concurrency(n: number, previous: number | null): void {
    if (previous !== null && n !== previous) {
      this.scaled.inc({ direction: n > previous ? 'up' : 'down' });
    }
    this.concurrencyNow = n;
  }

  mode(mode: DegradationMode): void {
    this.modeNow = mode;
  }

  photoAnalysed(mode: DegradationMode): void {
    this.byMode.inc({ mode });
  }

  snapshot(): QueueSnapshot {
    return {
      queue: this.name,
      counts: this.lastCounts,
      stalls: this.window.stalls.total(),
      deadLetters: this.window.dead.total(),
      retries: this.window.retries.total(),
      completed: this.window.done.total(),
      concurrency: this.concurrencyNow,
      mode: this.modeNow,
    };
  }
}

import type { AnalysisMode } from '../entities/submitted-photo.entity';
import type { Logger } from '../observability/logger';
import type { JobQueue, JobWorker } from '../queue';
import { Autoscaler, type ScalingPolicy } from '../queue/autoscaler';
import { DegradationController, optionsForMode, type DegradationThresholds } from '../queue/degradation';
import { cpuSampler, type Pressure } from '../queue/pressure';
import type { QueueMetrics } from '../queue/queue.metrics';
import {
  PHOTO_ANALYSIS_JOB,
  type AnalysisPlan,
  type PhotoAnalysisData,
  type PhotoAnalysisJob,
} from './photo-analysis.job';

export interface AnalysisControlDeps {
  queue: JobQueue;
  metrics: QueueMetrics;
  degradation: DegradationThresholds;
  primaryModel: () => string;
  intervalMs: number;
  logger: Logger;
}

/**
 * Samples queue depth and CPU on an interval and decides the degradation mode. Every process that
 * runs photo jobs has one; with BullMQ the backlog it reads is the cluster's.
 */
export class AnalysisControl {
  private readonly log: Logger;
  private readonly degradation: DegradationController;
  private readonly cpu = cpuSampler();
  private readonly listeners: ((p: Pressure) => void)[] = [];
  private timer?: NodeJS.Timeout;
  private last: Pressure = { backlog: 0, oldestWaitMs: 0, cpu: 0 };

  constructor(private readonly deps: AnalysisControlDeps) {
    this.log = deps.logger.child({ module: AnalysisControl.name });
    this.degradation = new DegradationController(deps.degradation);
  }

  plan(): AnalysisPlan {
    const mode = this.degradation.mode;
    return { mode: mode as AnalysisMode, options: optionsForMode(mode, this.deps.primaryModel()) };
  }

  get pressure(): Pressure {
    return this.last;
  }

  onSample(listener: (p: Pressure) => void): void {
    this.listeners.push(listener);
  }

  async sample(): Promise<Pressure> {
    const counts = await this.deps.metrics.refresh();
    this.last = { backlog: counts.waiting, oldestWaitMs: counts.oldestWaitingMs, cpu: this.cpu() };
    const before = this.degradation.mode;
    const mode = this.degradation.update(this.last);
    if (mode !== before) {
      this.log.warn({ from: before, to: mode, ...this.last }, 'photo analysis mode changed');
    }
    this.deps.metrics.mode(mode);
    this.listeners.forEach((l) => l(this.last));
    return this.last;
  }

  start(): void {
    let busy = false;
    this.timer = setInterval(() => {
      if (busy) {
        return;
      }
      busy = true;
      this.sample()
        .catch((error: unknown) => this.log.warn({ err: error }, 'queue sample failed'))
        .finally(() => {
          busy = false;
        });
    }, this.deps.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

export interface PhotoConsumerDeps {
  queue: JobQueue;
  job: PhotoAnalysisJob;
  control: AnalysisControl;
  metrics: QueueMetrics;
  scaling: Pick<ScalingPolicy, 'min' | 'max'> & Partial<ScalingPolicy>;
  logger: Logger;
}

/** Consumes photo jobs in this process, with concurrency autoscaled on every control sample. */
export async function startPhotoConsumer(deps: PhotoConsumerDeps): Promise<JobWorker> {
  const log = deps.logger.child({ module: 'PhotoConsumer' });
  const scaler = new Autoscaler({
    upBacklogPerSlot: 1,
    upWaitMs: 2_000,
    maxCpu: 0.9,
    idleSamples: 3,
    ...deps.scaling,
  });
  const worker = await deps.queue.process<PhotoAnalysisData>(
    PHOTO_ANALYSIS_JOB,
    (data, ctx) => deps.job.run(data, ctx),
    {
      concurrency: scaler.concurrency,
      onDeadLetter: (data, dead) => deps.job.deadLetter(data, dead),
    },
  );
  deps.metrics.concurrency(worker.concurrency, null);
  deps.control.onSample((pressure) => {
    const before = worker.concurrency;
    const next = scaler.update(pressure);
    if (next !== before) {
      worker.setConcurrency(next);
      log.info({ from: before, to: next, ...pressure }, 'photo job concurrency changed');
    }
    deps.metrics.concurrency(next, before);
  });
  return worker;
}

import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { Env } from '../config/env';
import type { InferenceEngine } from '../inference';
import type { MatchPolicy } from '../inference/matcher';
import type { Logger } from '../observability/logger';
import type { PhotoObserver } from '../observability/metrics';
import type { AppPubSub } from '../pubsub';
import { createJobQueue, type JobQueue, type JobWorker } from '../queue';
import { QueueMetrics, type QueueSnapshot } from '../queue/queue.metrics';
import type { AttendanceRepository } from '../repositories/attendance.repository';
import type { FaceEmbeddingRepository } from '../repositories/face-embedding.repository';
import type { FileStorage } from '../storage/file-storage';
import { PHOTO_ANALYSIS_JOB, PhotoAnalysisJob } from './photo-analysis.job';
import { AnalysisControl, startPhotoConsumer } from './photo-analysis.runner';
import { PhotoRecoveryService, type PhotoJobSettings } from './photo-recovery.service';
import type { ProfileLearningService } from './profile-learning.service';
import type { RosterService } from './roster.service';

export interface PhotoPipelineDeps {
  env: Env;
  dataSource: DataSource;
  engine: InferenceEngine;
  roster: RosterService;
  embeddings: FaceEmbeddingRepository;
  attendance: AttendanceRepository;
  storage: FileStorage;
  pubsub: AppPubSub;
  policy: MatchPolicy;
  learning?: ProfileLearningService;
  observer?: PhotoObserver;
  registry: Registry;
  windowMs: number;
  /** Run photo jobs in this process (API with INFERENCE_MODE=local, and every worker process). */
  consume: boolean;
  /** Told when a photo settles in this process (waiting submitters). */
  onSettled?: (photoId: string) => void;
  onProcessing?: (photoId: string, processing: boolean) => void;
  /** Test and bench overrides (queue prefix, lock timings). */
  queuePrefix?: string;
  logger: Logger;
}

export interface PhotoPipeline {
  queue: JobQueue;
  jobs: PhotoJobSettings;
  job: PhotoAnalysisJob;
  control: AnalysisControl;
  metrics: QueueMetrics;
  recovery: PhotoRecoveryService;
  consumer?: JobWorker;
  /** Queue state for /readyz. */
  status(): Promise<{ check: string; queue: QueueSnapshot & { consumers: number } }>;
  close(): Promise<void>;
}

/** The photo job machinery shared by API servers and `npm run worker` processes. */
export async function startPhotoPipeline(deps: PhotoPipelineDeps): Promise<PhotoPipeline> {
  const { env } = deps;
  const queue = await createJobQueue({
    redisUrl: env.REDIS_URL,
    prefix: deps.queuePrefix,
    lockDurationMs: env.QUEUE_LOCK_MS,
    stalledIntervalMs: env.QUEUE_STALLED_INTERVAL_MS,
    logger: deps.logger,
  });
  const jobs: PhotoJobSettings = { attempts: env.QUEUE_ATTEMPTS, backoffMs: env.QUEUE_BACKOFF_MS };
  const metrics = new QueueMetrics(queue, PHOTO_ANALYSIS_JOB, deps.registry, deps.windowMs);
  const control = new AnalysisControl({
    queue,
    metrics,
    degradation: {
      reducedBacklog: env.DEGRADE_REDUCED_BACKLOG,
      minimalBacklog: env.DEGRADE_MINIMAL_BACKLOG,
      reducedCpu: env.DEGRADE_REDUCED_CPU,
      minimalCpu: env.DEGRADE_MINIMAL_CPU,
      calmSamples: 3,
      cpuMinBacklog: 5,
    },
    primaryModel: () => deps.engine.model,
    intervalMs: env.QUEUE_SAMPLE_INTERVAL_MS,
    logger: deps.logger,
  });
  const job = new PhotoAnalysisJob({
    dataSource: deps.dataSource,
    engine: deps.engine,
    roster: deps.roster,
    embeddings: deps.embeddings,
    attendance: deps.attendance,
    storage: deps.storage,
    pubsub: deps.pubsub,
    policy: deps.policy,
    learning: deps.learning,
    plan: () => control.plan(),
    observer: {
      photoProcessed: (status, latencyMs, decisions) =>
        deps.observer?.photoProcessed(status, latencyMs, decisions),
      photoMode: (mode) => metrics.photoAnalysed(mode),
    },
    onSettled: deps.onSettled,
    onProcessing: deps.onProcessing,
    logger: deps.logger,
  });
  const recovery = new PhotoRecoveryService({
    dataSource: deps.dataSource,
    queue,
    jobs,
    graceMs: env.PHOTO_RECOVERY_GRACE_MS,
    logger: deps.logger,
  });
  const consumer = deps.consume
    ? await startPhotoConsumer({
        queue,
        job,
        control,
        metrics,
        scaling: { min: env.MIN_WORKERS, max: env.MAX_WORKERS },
        logger: deps.logger,
      })
    : undefined;
  // Photos left unfinished by a previous run (embedded: all of them; BullMQ: those without a job).
  await recovery.sweep({ all: true });
  recovery.start(env.PHOTO_RECOVERY_INTERVAL_MS);
  await control.sample();
  control.start();

  return {
    queue,
    jobs,
    job,
    control,
    metrics,
    recovery,
    consumer,
    async status() {
      try {
        await metrics.refresh();
        return {
          check: 'ok',
          queue: { ...metrics.snapshot(), consumers: await queue.consumers(PHOTO_ANALYSIS_JOB) },
        };
      } catch {
        return { check: 'down', queue: { ...metrics.snapshot(), consumers: 0 } };
      }
    },
    async close() {
      control.stop();
      await recovery.stop();
      await consumer?.close();
      await queue.close();
    },
  };
}

import { In, LessThan, type DataSource } from 'typeorm';
import { PhotoStatus, SubmittedPhoto } from '../entities/submitted-photo.entity';
import type { Logger } from '../observability/logger';
import type { JobQueue } from '../queue';
import { PHOTO_ANALYSIS_JOB } from './photo-analysis.job';

export interface PhotoJobSettings {
  attempts: number;
  backoffMs: number;
}

export interface PhotoRecoveryDeps {
  dataSource: DataSource;
  queue: JobQueue;
  jobs: PhotoJobSettings;
  /** A photo unfinished this long without a live job is re-queued (covers submit -> enqueue crashes). */
  graceMs: number;
  logger: Logger;
}

/** Puts a photo's analysis on the queue; the photo id is the job id, so this is idempotent. */
export function enqueuePhoto(queue: JobQueue, photoId: string, jobs: PhotoJobSettings): Promise<string> {
  return queue.add(
    PHOTO_ANALYSIS_JOB,
    { photoId },
    { jobId: photoId, attempts: jobs.attempts, backoffMs: jobs.backoffMs },
  );
}

/**
 * The database says which photos are unfinished; the queue says which have a live job. Any photo
 * unfinished without a job (an instance died between storing and enqueueing, Redis lost its data, or
 * on the embedded default the process restarted) is queued again. Jobs held by dead workers are
 * BullMQ's stalled-job recovery, not this sweep's: a job that exists is left to the queue.
 */
export class PhotoRecoveryService {
  private readonly log: Logger;
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(private readonly deps: PhotoRecoveryDeps) {
    this.log = deps.logger.child({ module: PhotoRecoveryService.name });
  }

  /** One sweep; returns how many photos were re-queued. */
  async sweep(options: { all?: boolean } = {}): Promise<number> {
    const unfinished = await this.deps.dataSource.getRepository(SubmittedPhoto).find({
      select: { id: true },
      where: {
        status: In([PhotoStatus.QUEUED, PhotoStatus.PROCESSING]),
        ...(options.all ? {} : { updatedAt: LessThan(new Date(Date.now() - this.deps.graceMs)) }),
      },
      order: { submittedAt: 'ASC' },
      take: 1_000,
    });
    let requeued = 0;
    for (const { id } of unfinished) {
      if (!(await this.deps.queue.has(PHOTO_ANALYSIS_JOB, id))) {
        await enqueuePhoto(this.deps.queue, id, this.deps.jobs);
        requeued++;
      }
    }
    if (requeued > 0) {
      this.log.warn({ requeued }, 'unfinished photos without a job were queued again');
    }
    return requeued;
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      this.running ??= this.sweep()
        .catch((error: unknown) => {
          this.log.warn({ err: error }, 'photo recovery sweep failed');
          return 0;
        })
        .finally(() => {
          this.running = undefined;
        });
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}

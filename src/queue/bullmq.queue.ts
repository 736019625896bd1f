import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../observability/logger';
import {
  DEFAULT_ATTEMPTS,
  DEFAULT_BACKOFF_MS,
  errorMessage,
  PermanentJobError,
  type AddOptions,
  type JobHandler,
  type JobQueue,
  type JobWorker,
  type ProcessOptions,
  type QueueCounts,
  type QueueEvent,
} from './types';

export interface BullmqQueueOptions {
  redisUrl: string;
  /** Key prefix of every queue (BullMQ's `prefix`); tests use their own. */
  prefix?: string;
  /**
   * A running job's lock lives this long and is renewed every half of it. A worker that dies stops
   * renewing; the lock expires and the next stalled check of any live worker re-queues the job.
   * Recovery therefore takes at most lockDurationMs + stalledIntervalMs (BullMQ's defaults, 30 s +
   * 30 s, are too slow for photos a teacher is waiting on).
   */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** Stalls tolerated before a job dead-letters (a photo that kills its worker every time). */
  maxStalledCount?: number;
  /** Dead letters kept in Redis for inspection. */
  keepFailed?: number;
  logger: Logger;
}

const LIVE_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);
const STALL_LIMIT_MESSAGE = 'stalled more than allowable limit';

/** The durable driver: jobs in Redis, shared by every API instance and `npm run worker` process. */
export async function createBullmqJobQueue(options: BullmqQueueOptions): Promise<JobQueue> {
  const log = options.logger.child({ module: 'JobQueue' });
  const prefix = options.prefix ?? 'rollcall:jobs';
  const lockDuration = options.lockDurationMs ?? 10_000;
  const stalledInterval = options.stalledIntervalMs ?? 5_000;
  const maxStalledCount = options.maxStalledCount ?? 2;
  const keepFailed = options.keepFailed ?? 5_000;
  // BullMQ needs maxRetriesPerRequest: null on connections that block (workers).
  const redisOptions: RedisOptions = { maxRetriesPerRequest: null, lazyConnect: true };
  const connection = new Redis(options.redisUrl, redisOptions);
  connection.on('error', (err) => log.warn({ err }, 'job queue redis error'));
  await connection.connect();

  const queues = new Map<string, Queue>();
  const workers = new Set<Worker>();
  const listeners: ((event: QueueEvent) => void)[] = [];
  const emit = (event: QueueEvent) => listeners.forEach((l) => l(event));
  const queueOf = (name: string) => {
    let q = queues.get(name);
    if (!q) {
      q = new Queue(name, { connection, prefix });
      q.on('error', (err) => log.warn({ err, queue: name }, 'job queue error'));
      queues.set(name, q);
    }
    return q;
  };

  const timing = (job: Job) => ({
    waitMs: job.processedOn
      ? Math.max(0, job.processedOn - job.timestamp - (job.opts.delay ?? 0))
      : undefined,
    runMs: job.processedOn ? Date.now() - job.processedOn : undefined,
  });

  return {
    driver: 'bullmq',
    async add<T>(name: string, data: T, opts: AddOptions = {}) {
      const queue = queueOf(name);
      if (opts.jobId) {
        // BullMQ ignores an add whose id exists in any state; a finished or dead job of the same id
        // is removed first so that re-submitting failed work really runs it again.
        const existing = await queue.getJob(opts.jobId);
        if (existing) {
          const state = await existing.getState();
          if (LIVE_STATES.has(state)) {
            return opts.jobId;
          }
          await existing.remove().catch(() => undefined);
        }
      }
      const job = await queue.add(name, data, {
        jobId: opts.jobId,
        attempts: Math.max(1, opts.attempts ?? DEFAULT_ATTEMPTS),
        backoff: { type: 'exponential', delay: opts.backoffMs ?? DEFAULT_BACKOFF_MS },
        delay: opts.delayMs,
        removeOnComplete: true,
        removeOnFail: { count: keepFailed },
      });
      return job.id ?? opts.jobId ?? '';
    },

    async process<T>(
      name: string,
      handler: JobHandler<T>,
      popts: ProcessOptions<T> = {},
    ): Promise<JobWorker> {
      const deadLetter = async (job: Job, error: unknown, permanent: boolean) => {
        emit({ kind: 'dead', name, id: job.id ?? '', attempt: job.attemptsMade + 1, ...timing(job) });
        await popts.onDeadLetter?.(job.data as T, {
          id: job.id ?? '',
          attempts: job.attemptsMade + 1,
          reason: errorMessage(error),
          permanent,
          error,
        });
      };
      const worker = new Worker(
        name,
        async (job: Job) => {
          const attempt = job.attemptsMade + 1;
          const maxAttempts = job.opts.attempts ?? 1;
          try {
            await handler(job.data as T, {
              id: job.id ?? '',
              attempt,
              maxAttempts,
              progress: (p) => job.updateProgress(p),
            });
          } catch (error) {
            const permanent = error instanceof PermanentJobError;
            if (permanent || attempt >= maxAttempts) {
              await deadLetter(job, error, permanent);
            } else {
              emit({ kind: 'retried', name, id: job.id ?? '', attempt, ...timing(job) });
            }
            throw permanent ? new UnrecoverableError(errorMessage(error)) : error;
          }
          emit({ kind: 'completed', name, id: job.id ?? '', attempt, ...timing(job) });
        },
        {
          connection,
          prefix,
          concurrency: Math.max(1, popts.concurrency ?? 1),
          lockDuration,
          stalledInterval,
          maxStalledCount,
          autorun: true,
        },
      );
      worker.on('error', (err) => log.warn({ err, queue: name }, 'job worker error'));
      worker.on('stalled', (jobId) => {
        log.warn({ queue: name, jobId }, 'job stalled (its worker died or hung); re-queued');
        emit({ kind: 'stalled', name, id: jobId, attempt: 0 });
      });
      // A job that stalled too often never reaches the processor's catch: dead-letter it here.
      worker.on('failed', (job, err) => {
        if (job && err.message.includes(STALL_LIMIT_MESSAGE)) {
          deadLetter(job, err, false).catch((e: unknown) =>
            log.error({ err: e, jobId: job.id }, 'dead-letter hook failed'),
          );
        }
      });
      await worker.waitUntilReady();
      workers.add(worker);
      return {
        get concurrency() {
          return worker.concurrency;
        },
        setConcurrency(n: number) {
          worker.concurrency = Math.max(1, Math.floor(n));
        },
        close: async () => {
          workers.delete(worker);
          await worker.close();
        },
      };
    },

    async counts(name: string): Promise<QueueCounts> {
      const queue = queueOf(name);
      const c = await queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed');
      const [oldest] = await queue.getJobs(['waiting'], 0, 0, true);
      return {
        waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
        active: c.active ?? 0,
        delayed: c.delayed ?? 0,
        failed: c.failed ?? 0,
        oldestWaitingMs: oldest ? Math.max(0, Date.now() - oldest.timestamp) : 0,
      };
    },

    async has(name: string, jobId: string) {
      const job = await queueOf(name).getJob(jobId);
      return job ? LIVE_STATES.has(await job.getState()) : false;
    },

    onEvent(listener) {
      listeners.push(listener);
    },

    async close() {
      await Promise.allSettled([...workers].map((w) => w.close()));
      await Promise.allSettled([...queues.values()].map((q) => q.close()));
      connection.disconnect();
    },
  };
}

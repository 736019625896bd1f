import {
  backoffDelay,
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

interface MemoryJob {
  id: string;
  name: string;
  data: unknown;
  attempts: number;
  backoffMs: number;
  attempt: number;
  enqueuedAt: number;
  state: 'waiting' | 'delayed' | 'active';
  timer?: NodeJS.Timeout;
}

interface Consumer {
  handler: JobHandler<unknown>;
  options: ProcessOptions<unknown>;
  concurrency: number;
  running: number;
  closed: boolean;
}

/**
 * The embedded default's queue: jobs live in this process only. What makes it durable is the caller
 * keeping job state in the database and re-adding unfinished work at start (the embedded database
 * is opened by one process at a time, so nothing else can be running it).
 */
export function createMemoryJobQueue(): JobQueue {
  const jobs = new Map<string, MemoryJob>();
  const waiting = new Map<string, MemoryJob[]>();
  const consumers = new Map<string, Consumer>();
  const deadCount = new Map<string, number>();
  const listeners: ((event: QueueEvent) => void)[] = [];
  const running = new Set<Promise<void>>();
  let seq = 0;
  let closed = false;

  const emit = (event: QueueEvent) => listeners.forEach((l) => l(event));
  const key = (name: string, id: string) => `${name}\u0000${id}`;
  const queueOf = (name: string) => {
    let q = waiting.get(name);
    if (!q) {
      q = [];
      waiting.set(name, q);
    }
    return q;
  };

  const pump = (name: string) => {
    const consumer = consumers.get(name);
    const q = queueOf(name);
    while (consumer && !consumer.closed && !closed && consumer.running < consumer.concurrency && q.length) {
      const job = q.shift()!;
      consumer.running++;
      const run = execute(consumer, job).finally(() => {
        consumer.running--;
        running.delete(run);
        pump(name);
      });
      running.add(run);
    }
  };

  const execute = async (consumer: Consumer, job: MemoryJob) => {
    job.state = 'active';
    job.attempt++;
    const startedAt = Date.now();
    const waitMs = startedAt - job.enqueuedAt;
    try {
      await consumer.handler(job.data, {
        id: job.id,
        attempt: job.attempt,
        maxAttempts: job.attempts,
        progress: () => Promise.resolve(),
      });
      jobs.delete(key(job.name, job.id));
      emit({
        kind: 'completed',
        name: job.name,
        id: job.id,
        attempt: job.attempt,
        waitMs,
        runMs: Date.now() - startedAt,
      });
    } catch (error) {
      const permanent = error instanceof PermanentJobError;
      if (!permanent && job.attempt < job.attempts && !closed) {
        job.state = 'delayed';
        job.timer = setTimeout(
          () => {
            job.state = 'waiting';
            job.enqueuedAt = Date.now();
            queueOf(job.name).push(job);
            pump(job.name);
          },
          backoffDelay(job.backoffMs, job.attempt),
        );
        emit({
          kind: 'retried',
          name: job.name,
          id: job.id,
          attempt: job.attempt,
          waitMs,
          runMs: Date.now() - startedAt,
        });
        return;
      }
      if (closed && !permanent) {
        // Shutting down: the job stays unfinished in the caller's database and is re-added at start.
        jobs.delete(key(job.name, job.id));
        return;
      }
      jobs.delete(key(job.name, job.id));
      deadCount.set(job.name, (deadCount.get(job.name) ?? 0) + 1);
      emit({
        kind: 'dead',
        name: job.name,
        id: job.id,
        attempt: job.attempt,
        waitMs,
        runMs: Date.now() - startedAt,
      });
      await consumer.options.onDeadLetter?.(job.data, {
        id: job.id,
        attempts: job.attempt,
        reason: errorMessage(error),
        permanent,
        error,
      });
    }
  };

  return {
    driver: 'memory',
    add<T>(name: string, data: T, options: AddOptions = {}) {
      if (closed) {
        return Promise.reject(new Error('job queue closed'));
      }
      const id = options.jobId ?? `${Date.now()}-${++seq}`;
      if (jobs.has(key(name, id))) {
        return Promise.resolve(id);
      }
      const job: MemoryJob = {
        id,
        name,
        data,
        attempts: Math.max(1, options.attempts ?? DEFAULT_ATTEMPTS),
        backoffMs: options.backoffMs ?? DEFAULT_BACKOFF_MS,
        attempt: 0,
        enqueuedAt: Date.now(),
        state: 'waiting',
      };
      jobs.set(key(name, id), job);
      if (options.delayMs) {
        job.state = 'delayed';
        job.timer = setTimeout(() => {
          job.state = 'waiting';
          queueOf(name).push(job);
          pump(name);
        }, options.delayMs);
      } else {
        queueOf(name).push(job);
        pump(name);
      }
      return Promise.resolve(id);
    },
    process<T>(name: string, handler: JobHandler<T>, options: ProcessOptions<T> = {}): Promise<JobWorker> {
      if (consumers.has(name)) {
        return Promise.reject(new Error(`a handler for ${name} is already registered`));
      }
      const consumer: Consumer = {
        handler: handler as JobHandler<unknown>,
        options: options as ProcessOptions<unknown>,
        concurrency: Math.max(1, options.concurrency ?? 1),
        running: 0,
        closed: false,
      };
      consumers.set(name, consumer);
      pump(name);
      return Promise.resolve({
        get concurrency() {
          return consumer.concurrency;
        },
        setConcurrency(n: number) {
          consumer.concurrency = Math.max(1, Math.floor(n));
          pump(name);
        },
        close: async () => {
          consumer.closed = true;
          consumers.delete(name);
          await Promise.allSettled([...running]);
        },
      });
    },
    counts(name: string): Promise<QueueCounts> {
      const counts: QueueCounts = {
        waiting: 0,
        active: 0,
        delayed: 0,
        failed: deadCount.get(name) ?? 0,
        oldestWaitingMs: 0,
      };
      const now = Date.now();
      for (const job of jobs.values()) {
        if (job.name !== name) {
          continue;
        }
        counts[job.state]++;
        if (job.state === 'waiting') {
          counts.oldestWaitingMs = Math.max(counts.oldestWaitingMs, now - job.enqueuedAt);
        }
      }
      return Promise.resolve(counts);
    },
    has(name: string, jobId: string) {
      return Promise.resolve(jobs.has(key(name, jobId)));
    },
    onEvent(listener) {
      listeners.push(listener);
    },
    async close() {
      closed = true;
      for (const job of jobs.values()) {
        clearTimeout(job.timer);
      }
      await Promise.allSettled([...running]);
      jobs.clear();
      waiting.clear();
    },
  };
}

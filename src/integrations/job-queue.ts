import { randomUUID } from 'node:crypto';
import type { Logger } from '../observability/logger';

// A process-local job runner with the shape of src/queue's contract, for work bound to this
// instance's disk (OneRoster uploads are stored locally): attempts with exponential backoff.
// Webhook deliveries use the shared queue (src/queue) instead.

export interface JobContext {
  id: string;
  attempt: number;
  progress(p: number): Promise<void>;
}

export type JobHandler<T> = (data: T, ctx: JobContext) => Promise<void>;

export interface AddOptions {
  jobId?: string;
  attempts?: number;
  backoffMs?: number;
  delayMs?: number;
}

export interface JobQueueLike {
  add<T>(name: string, data: T, options?: AddOptions): Promise<string>;
  process<T>(name: string, handler: JobHandler<T>, options?: { concurrency?: number }): void;
  close(): Promise<void>;
}

/** Thrown by a handler: the job fails at once, without retries. */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentJobError';
  }
}

export class InProcessJobQueue implements JobQueueLike {
  private readonly handlers = new Map<string, JobHandler<unknown>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private readonly seen = new Set<string>();
  private closed = false;
  private readonly log: Logger;

  constructor(logger: Logger) {
    this.log = logger.child({ module: InProcessJobQueue.name });
  }

  process<T>(name: string, handler: JobHandler<T>): void {
    this.handlers.set(name, handler as JobHandler<unknown>);
  }

  add<T>(name: string, data: T, options: AddOptions = {}): Promise<string> {
    const id = options.jobId ?? randomUUID();
    // Idempotent submission, like BullMQ's jobId.
    if (this.seen.has(`${name}:${id}`)) {
      return Promise.resolve(id);
    }
    this.seen.add(`${name}:${id}`);
    this.schedule(name, id, data, 1, options, options.delayMs ?? 0);
    return Promise.resolve(id);
  }

  private schedule<T>(
    name: string,
    id: string,
    data: T,
    attempt: number,
    options: AddOptions,
    delay: number,
  ) {
    if (this.closed) {
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const job = this.attempt(name, id, data, attempt, options);
      this.running.add(job);
      void job.finally(() => this.running.delete(job));
    }, delay);
    this.timers.add(timer);
  }

  private async attempt<T>(name: string, id: string, data: T, attempt: number, options: AddOptions) {
    const handler = this.handlers.get(name);
    if (!handler) {
      this.log.error({ name }, 'no handler for job');
      return;
    }
    try {
      await handler(data, { id, attempt, progress: () => Promise.resolve() });
    } catch (error) {
      const attempts = options.attempts ?? 1;
      if (error instanceof PermanentJobError || attempt >= attempts) {
        this.log.warn({ name, id, attempt, err: error }, 'job failed');
        return;
      }
      const backoff = (options.backoffMs ?? 1000) * 2 ** (attempt - 1);
      this.schedule(name, id, data, attempt + 1, options, backoff);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) {
      clearTimeout(t);
    }
    this.timers.clear();
    await Promise.allSettled([...this.running]);
  }
}

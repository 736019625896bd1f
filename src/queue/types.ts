// The job queue contract shared by every background job (photo analysis, and later re-embedding,
// bulk enrollment, webhook delivery). Two drivers implement it: BullMQ on Redis (durable, shared
// by every instance and worker process) and an in-process one for the embedded default.

export interface JobContext {
  id: string;
  /** 1 for the first run, 2 for the first retry, ... */
  attempt: number;
  /** Attempts this job has in all (the last one dead-letters it when it fails). */
  maxAttempts: number;
  progress(p: number): Promise<void>;
}

export type JobHandler<T> = (data: T, ctx: JobContext) => Promise<void>;

export interface AddOptions {
  /** Adding a job whose id is waiting or running is a no-op: the same id means the same work. */
  jobId?: string;
  attempts?: number;
  /** Delay before the first retry; doubles with each further retry. */
  backoffMs?: number;
  delayMs?: number;
}

export interface DeadLetter {
  id: string;
  attempts: number;
  /** The last error's message. */
  reason: string;
  /** True when the handler threw PermanentJobError (bad input), false when attempts ran out. */
  permanent: boolean;
  error: unknown;
}

export interface ProcessOptions<T> {
  concurrency?: number;
  /**
   * Called once when a job fails for good (PermanentJobError, attempts exhausted, or stalled too
   * often), before the job is marked failed, so the domain can record why.
   */
  onDeadLetter?: (data: T, dead: DeadLetter) => Promise<void>;
}

/** A running consumer of one job name; its concurrency can change while it runs (autoscaling). */
export interface JobWorker {
  readonly concurrency: number;
  setConcurrency(n: number): void;
  close(): Promise<void>;
}

export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  /** Dead letters still kept. */
  failed: number;
  /** Age of the oldest waiting job, ms (0 when none waits). */
  oldestWaitingMs: number;
}

export type QueueEventKind = 'completed' | 'retried' | 'dead' | 'stalled';

export interface QueueEvent {
  kind: QueueEventKind;
  name: string;
  id: string;
  attempt: number;
  /** Time from enqueue to the start of the run that ended (completed, retried, dead). */
  waitMs?: number;
  runMs?: number;
}

export interface JobQueue {
  readonly driver: 'bullmq' | 'memory';
  add<T>(name: string, data: T, options?: AddOptions): Promise<string>;
  process<T>(name: string, handler: JobHandler<T>, options?: ProcessOptions<T>): Promise<JobWorker>;
  counts(name: string): Promise<QueueCounts>;
  /** Whether a job with this id is waiting, delayed or running. */
  has(name: string, jobId: string): Promise<boolean>;
  /** Metrics hook: every completion, retry, dead letter and stall seen by this process. */
  onEvent(listener: (event: QueueEvent) => void): void;
  close(): Promise<void>;
}

/** Thrown by a handler when retrying cannot help (bad input): the job fails at once. */
export class PermanentJobError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'PermanentJobError';
  }
}

export const DEFAULT_ATTEMPTS = 5;
export const DEFAULT_BACKOFF_MS = 1_000;

/** Exponential backoff: backoffMs, 2x, 4x ... capped at a minute. */
export function backoffDelay(backoffMs: number, attempt: number): number {
  return Math.min(60_000, backoffMs * 2 ** Math.max(0, attempt - 1));
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

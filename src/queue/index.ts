import type { Logger } from '../observability/logger';
import { createBullmqJobQueue, type BullmqQueueOptions } from './bullmq.queue';
import { createMemoryJobQueue } from './memory.queue';
import type { JobQueue } from './types';

export * from './types';
export { createMemoryJobQueue } from './memory.queue';

export interface JobQueueConfig extends Partial<Omit<BullmqQueueOptions, 'redisUrl' | 'logger'>> {
  /** With a Redis URL jobs go to BullMQ; without, to the in-process driver. */
  redisUrl?: string;
  logger: Logger;
}

/** One queue object per process; `process` and `add` take the job name. */
export function createJobQueue(config: JobQueueConfig): Promise<JobQueue> {
  if (!config.redisUrl) {
    return Promise.resolve(createMemoryJobQueue());
  }
  return createBullmqJobQueue({ ...config, redisUrl: config.redisUrl });
}

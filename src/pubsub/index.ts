import type { Redis } from 'ioredis';
import type { Logger } from '../observability/logger';
import { createMemoryPubSub } from './memory.pubsub';
import { createRedisPubSub } from './redis.pubsub';
import type { AppPubSub } from './topics';

export * from './topics';

/** Over Redis when given a publisher and a subscriber client (src/redis/client.ts), else in-process. */
export function createPubSub(
  redis: { publisher: Redis; subscriber: Redis } | undefined,
  logger: Logger,
): Promise<AppPubSub> {
  return redis
    ? createRedisPubSub(redis.publisher, redis.subscriber, { logger })
    : Promise.resolve(createMemoryPubSub());
}

import { createMemoryPubSub } from './memory.pubsub';
import { createRedisPubSub } from './redis.pubsub';
import type { AppPubSub } from './topics';

export * from './topics';

export function createPubSub(redisUrl: string | undefined): Promise<AppPubSub> {
  return redisUrl ? createRedisPubSub(redisUrl) : Promise.resolve(createMemoryPubSub());
}

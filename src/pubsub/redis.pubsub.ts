import { RedisPubSub } from 'graphql-redis-subscriptions';
import { Redis } from 'ioredis';
import { channelOf, type AppPubSub, type Topic, type TopicPayloads } from './topics';

/**
 * Pub/sub over Redis, so a dashboard connected to one instance sees events published by another.
 * graphql-redis-subscriptions' `subscribe` returns Promise<number>, not type-graphql's shape, hence
 * this adapter (MichalLytek/type-graphql#1601) mapping (topic, scope) to the channel `topic.scope`.
 */
export async function createRedisPubSub(url: string, keyPrefix = 'rollcall:'): Promise<AppPubSub> {
  const options = { maxRetriesPerRequest: null, lazyConnect: true };
  const publisher = new Redis(url, options);
  const subscriber = new Redis(url, options);
  // Both must be ready before serving, or the first SUBSCRIBE races the ready check and loses events.
  await Promise.all([publisher.connect(), subscriber.connect()]);
  const inner = new RedisPubSub({ publisher, subscriber });
  const channel = (topic: string, scopeId?: unknown) => keyPrefix + channelOf(topic, scopeId);

  return {
    publish(routingKey, ...args) {
      const [scopeId, payload] = args.length > 1 ? args : [undefined, args[0]];
      void inner.publish(channel(routingKey, scopeId), payload);
    },
    subscribe(routingKey, dynamicId) {
      return inner.asyncIterableIterator(channel(routingKey, dynamicId)) as AsyncIterable<unknown>;
    },
    emit<T extends Topic>(topic: T, scopeId: string, payload: TopicPayloads[T]) {
      return inner.publish(channel(topic, scopeId), payload);
    },
    async close() {
      await inner.close();
    },
  };
}

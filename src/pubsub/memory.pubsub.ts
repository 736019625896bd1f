import { createPubSub } from '@graphql-yoga/subscription';
import { channelOf, type AppPubSub, type Topic, type TopicPayloads } from './topics';

/** In-process pub/sub for the embedded default (one server instance). */
export function createMemoryPubSub(): AppPubSub {
  const inner = createPubSub<Record<string, [unknown]>>();
  return {
    publish(routingKey, ...args) {
      const [scopeId, payload] = args.length > 1 ? args : [undefined, args[0]];
      inner.publish(channelOf(routingKey, scopeId), payload);
    },
    subscribe(routingKey, dynamicId) {
      return inner.subscribe(channelOf(routingKey, dynamicId));
    },
    emit<T extends Topic>(topic: T, scopeId: string, payload: TopicPayloads[T]) {
      inner.publish(channelOf(topic, scopeId), payload);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
}

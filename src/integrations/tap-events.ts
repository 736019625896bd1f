import type { AppPubSub, Topic, TopicPayloads } from '../pubsub';

/**
 * The same pub/sub, with every event emitted on this instance also handed to `observer` (LMS
 * webhooks). Events are observed where they happen, once, so each becomes one delivery however
 * many instances run.
 */
export function tapEvents(pubsub: AppPubSub, observer: (topic: Topic, payload: unknown) => void): AppPubSub {
  return {
    publish: (key, ...args) => pubsub.publish(key, ...args),
    subscribe: (key, id) => pubsub.subscribe(key, id),
    emit: async <T extends Topic>(topic: T, scopeId: string, payload: TopicPayloads[T]) => {
      await pubsub.emit(topic, scopeId, payload);
      observer(topic, payload);
    },
    close: () => pubsub.close(),
  };
}

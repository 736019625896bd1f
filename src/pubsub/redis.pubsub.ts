import { RedisPubSub } from 'graphql-redis-subscriptions';
import type { Redis } from 'ioredis';
import type { Logger } from '../observability/logger';
import { closeRedis, connectRedis } from '../redis/client';
import { channelOf, type AppPubSub, type Topic, type TopicPayloads } from './topics';

export interface RedisPubSubOptions {
  logger: Logger;
  keyPrefix?: string;
  /** Events kept while Redis is unreachable; beyond it the oldest are dropped (and counted). */
  bufferLimit?: number;
  /** How long start-up waits for Redis before running degraded (the clients keep reconnecting). */
  connectTimeoutMs?: number;
}

interface BufferedEvent {
  channel: string;
  payload: unknown;
}

/**
 * Publishing never waits for Redis: events go into a bounded buffer that is flushed as soon as the
 * publisher can send (at once when Redis is up). While Redis is down or paused, a mutation that
 * publishes is not held up; its events follow when Redis is back. Live events are notifications
 * (the database holds the truth), so dropping the oldest under a long outage is acceptable.
 */
class PublishBuffer {
  private readonly queue: BufferedEvent[] = [];
  private flushing = false;
  private retryTimer: NodeJS.Timeout | undefined;
  /** No flush before this time (just after a reconnect, so subscribers can re-subscribe first). */
  private holdUntil = 0;
  dropped = 0;

  constructor(
    private readonly send: (channel: string, payload: unknown) => Promise<unknown>,
    private readonly canSend: () => boolean,
    private readonly limit: number,
    private readonly log: Logger,
  ) {}

  get size(): number {
    return this.queue.length;
  }

  push(channel: string, payload: unknown): void {
    if (this.queue.length >= this.limit) {
      this.queue.shift();
      if (this.dropped++ % 1000 === 0) {
        this.log.warn(
          { dropped: this.dropped, limit: this.limit },
          'publish buffer full: oldest events dropped',
        );
      }
    }
    this.queue.push({ channel, payload });
    void this.flush();
  }

  async flush(): Promise<void> {
    if (this.flushing || !this.canSend() || Date.now() < this.holdUntil) {
      return;
    }
    this.flushing = true;
    try {
      while (this.queue.length > 0 && this.canSend()) {
        const batch = this.queue.splice(0, 500);
        // Sent together: ioredis pipelines commands issued in one tick.
        const results = await Promise.allSettled(batch.map((e) => this.send(e.channel, e.payload)));
        const failed = batch.filter((_, i) => results[i]?.status === 'rejected');
        if (failed.length > 0) {
          this.queue.unshift(...failed);
          this.scheduleRetry();
          return;
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  close(): void {
    clearTimeout(this.retryTimer);
  }

  flushSoon(delayMs: number, hold = false): void {
    clearTimeout(this.retryTimer);
    if (hold) {
      this.holdUntil = Date.now() + delayMs;
    }
    this.retryTimer = setTimeout(() => {
      this.holdUntil = 0;
      void this.flush();
    }, delayMs);
    this.retryTimer.unref();
  }

  private scheduleRetry(): void {
    // A paused Redis stays 'ready' and sends no event when it resumes, so poll until it answers.
    this.flushSoon(1_000);
  }
}

/**
 * Pub/sub over Redis, so a dashboard connected to one instance sees events published by another.
 * graphql-redis-subscriptions' `subscribe` returns Promise<number>, not type-graphql's shape, hence
 * this adapter (MichalLytek/type-graphql#1601) mapping (topic, scope) to the channel `topic.scope`.
 * The clients come from src/redis/client.ts (a 'publisher' and a 'subscriber').
 */
export async function createRedisPubSub(
  publisher: Redis,
  subscriber: Redis,
  options: RedisPubSubOptions,
): Promise<AppPubSub> {
  const log = options.logger.child({ module: 'pubsub' });
  const keyPrefix = options.keyPrefix ?? 'rollcall:';
  // Both should be ready before serving, or the first SUBSCRIBE races the ready check and loses
  // events; if Redis is down at start we serve anyway and the subscriber catches up on connect.
  const timeoutMs = options.connectTimeoutMs ?? 5_000;
  const [pubReady, subReady] = await Promise.all([
    connectRedis(publisher, timeoutMs),
    connectRedis(subscriber, timeoutMs),
  ]);
  if (!pubReady || !subReady) {
    log.warn('Redis unreachable at start: live events are buffered until it answers');
  }
  const inner = new RedisPubSub({ publisher, subscriber });
  const channel = (topic: string, scopeId?: unknown) => keyPrefix + channelOf(topic, scopeId);
  const buffer = new PublishBuffer(
    (ch, payload) => inner.publish(ch, payload),
    () => publisher.status === 'ready',
    options.bufferLimit ?? 10_000,
    log,
  );
  // After a reconnect, wait a moment so subscribers (ours and other instances') have re-subscribed
  // before the buffered events go out: Redis delivers only to channels subscribed at publish time.
  publisher.on('ready', () => buffer.flushSoon(1_000, true));

  return {
    publish(routingKey, ...args) {
      const [scopeId, payload] = args.length > 1 ? args : [undefined, args[0]];
      buffer.push(channel(routingKey, scopeId), payload);
    },
    subscribe(routingKey, dynamicId) {
      return inner.asyncIterableIterator(channel(routingKey, dynamicId)) as AsyncIterable<unknown>;
    },
    emit<T extends Topic>(topic: T, scopeId: string, payload: TopicPayloads[T]) {
      buffer.push(channel(topic, scopeId), payload);
      return Promise.resolve();
    },
    backlog: () => ({ buffered: buffer.size, dropped: buffer.dropped }),
    async close() {
      // Give buffered events one last chance, without waiting on a Redis that does not answer.
      await Promise.race([buffer.flush(), new Promise((r) => setTimeout(r, 1_000))]);
      buffer.close();
      await Promise.all([closeRedis(publisher), closeRedis(subscriber)]);
    },
  };
}

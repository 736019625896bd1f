import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCache, type Cache, type RedisCache } from '../../src/cache/cache';
import { createLogger } from '../../src/observability/logger';
import { createRedisPubSub } from '../../src/pubsub/redis.pubsub';
import { Topic, type AppPubSub, type PhotoProcessedPayload } from '../../src/pubsub/topics';
import { createRedisClient, isRedisReady } from '../../src/redis/client';
import { BreakerRegistry } from '../../src/resilience/breakers';
import { redisCallGuard } from '../../src/resilience/policies';
import { sleep, waitUntil } from '../drills/photo-load';
import { startThrowawayRedis, type ThrowawayRedis } from '../setup/throwaway-services';

// The Redis-backed cache and pub/sub against a real Redis this test kills and pauses: lookups fall
// back (a miss, so callers read the database) at once or within the command timeout, invalidations
// owed during the outage are applied afterwards, and publishing never waits: events are buffered and
// delivered once Redis is back.

const logger = createLogger('silent');

describe('Redis fallbacks', () => {
  let redis: ThrowawayRedis;
  const close: (() => Promise<unknown>)[] = [];
  beforeAll(async () => {
    redis = await startThrowawayRedis();
  });
  afterAll(async () => {
    for (const c of close) {
      await c().catch(() => undefined);
    }
    await redis.destroy();
  });

  const client = (name: string, role: 'command' | 'publisher' | 'subscriber') =>
    createRedisClient(redis.url, { name, role, logger, commandTimeoutMs: 300 });

  it('cache: misses instead of failing or hanging, and applies deferred invalidations', async () => {
    const breakers = new BreakerRegistry();
    const commands = client('cache', 'command');
    await commands.connect();
    const cache: Cache = createCache(commands, redisCallGuard('redis-cache', breakers, { timeoutMs: 500 }));
    close.push(() => cache.close());
    await cache.set('k', { v: 1 }, 60);
    expect(await cache.get('k')).toEqual({ v: 1 });

    // Paused: the connection stays up and nothing answers; the command timeout cuts each call.
    redis.pause();
    let started = Date.now();
    expect(await cache.get('k')).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1_000);
    await cache.delete('k'); // cannot reach Redis: owed
    redis.resume();
    // The stale copy is never served, and the owed deletion is applied once Redis answers.
    // (Write it back first: the DEL sent to the paused server may still have run on resume.)
    await commands.set('rollcall:cache:k', JSON.stringify({ v: 'stale' }));
    expect(await cache.get('k')).toBeUndefined();
    expect(await commands.exists('rollcall:cache:k')).toBe(0);
    expect((cache as RedisCache).deferredDeletes).toBe(0);

    // Killed: after the breaker opens, lookups fail over without waiting at all.
    await redis.kill();
    for (let i = 0; i < 4; i++) {
      await cache.get('k');
    }
    expect(breakers.states()['redis-cache']).toBe('open');
    started = Date.now();
    expect(await cache.get('k')).toBeUndefined();
    await cache.set('k', 1, 60); // dropped, no throw
    expect(Date.now() - started).toBeLessThan(50);
    await redis.start();
    await waitUntil(() => Promise.resolve(isRedisReady(commands)), 10_000, 'reconnect');
    await sleep(2_100); // half-open after 2 s: the next call is the trial that closes the circuit
    await cache.set('k', 2, 60);
    expect(await cache.get('k')).toBe(2);
    expect(breakers.states()['redis-cache']).toBe('closed');
  }, 60_000);

  it('pub/sub: emit never waits for Redis, and buffered events arrive after it returns', async () => {
    const pubsub: AppPubSub = await createRedisPubSub(
      client('pub', 'publisher'),
      client('sub', 'subscriber'),
      {
        logger,
        keyPrefix: `test-${Date.now()}:`,
      },
    );
    close.push(() => pubsub.close());
    const received: PhotoProcessedPayload[] = [];
    const iterator = pubsub.subscribe(Topic.PhotoProcessed, 's1')[Symbol.asyncIterator]();
    const pump = (async () => {
      for (;;) {
        const next = await iterator.next();
        if (next.done) {
          return;
        }
        received.push(next.value as PhotoProcessedPayload);
      }
    })();
    await sleep(300); // SUBSCRIBE lands
    await pubsub.emit(Topic.PhotoProcessed, 's1', { photoId: 'before', sessionId: 's1', status: 'DONE' });
    await waitUntil(() => Promise.resolve(received.length === 1), 5_000, 'first event');

    await redis.kill();
    const started = Date.now();
    for (let i = 0; i < 20; i++) {
      await pubsub.emit(Topic.PhotoProcessed, 's1', {
        photoId: `during-${i}`,
        sessionId: 's1',
        status: 'DONE',
      });
    }
    expect(Date.now() - started).toBeLessThan(50);
    // Held back: buffered, or in flight on the dead connection waiting for ioredis' one retry.
    expect(received).toHaveLength(1);

    await redis.start();
    await waitUntil(() => Promise.resolve(received.length === 21), 15_000, 'buffered events delivered');
    expect(received.map((e) => e.photoId)).toEqual([
      'before',
      ...Array.from({ length: 20 }, (_, i) => `during-${i}`),
    ]);
    expect(pubsub.backlog?.()).toEqual({ buffered: 0, dropped: 0 });
    await iterator.return?.();
    await pump;
  }, 60_000);
});

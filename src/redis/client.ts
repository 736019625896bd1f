import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../observability/logger';

// Every ioredis client of Rollcall is built here, so each one has a command timeout, a bounded
// reconnect backoff and an `error` listener. Without a listener ioredis re-emits every failed
// reconnect as an unhandled 'error' event: hundreds of stack traces outside the JSON log.

/** What a client is for; it decides how commands behave while Redis is unreachable. */
export type RedisRole =
  /** Caches, rate limits, leases: fail fast (callers have a fallback), never queue offline. */
  | 'command'
  /** Pub/sub publisher: callers buffer themselves, so fail fast too. */
  | 'publisher'
  /** Pub/sub subscriber: subscriptions are re-sent on reconnect (autoResubscribe). */
  | 'subscriber'
  /** BullMQ connections: BullMQ requires maxRetriesPerRequest null and blocking commands. */
  | 'queue';

export interface RedisClientOptions {
  /** Shows in logs and in CLIENT LIST. */
  name: string;
  role: RedisRole;
  logger: Logger;
  /** A command with no answer after this fails (a paused or wedged Redis). */
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Most milliseconds between reconnect attempts. */
  maxReconnectDelayMs?: number;
  /** At most one error line per this interval per client; the rest are counted. */
  errorLogIntervalMs?: number;
}

const DEFAULTS = {
  commandTimeoutMs: 1_000,
  connectTimeoutMs: 2_000,
  maxReconnectDelayMs: 2_000,
  errorLogIntervalMs: 10_000,
};

function optionsFor(role: RedisRole, o: Required<Omit<RedisClientOptions, 'logger'>>): RedisOptions {
  const common: RedisOptions = {
    connectionName: `rollcall:${o.name}`,
    lazyConnect: true,
    connectTimeout: o.connectTimeoutMs,
    // Reconnect forever with a capped, jittered backoff, so replicas do not reconnect in lockstep.
    retryStrategy: (times) =>
      Math.min(o.maxReconnectDelayMs, 50 * 2 ** Math.min(times, 10)) + Math.random() * 100,
    // A failover promotes a replica; commands on the old (now read-only) primary reconnect.
    reconnectOnError: (error) => error.message.startsWith('READONLY'),
  };
  switch (role) {
    case 'command':
    case 'publisher':
      // While disconnected, a command fails at once: nothing piles up waiting for Redis, and the
      // caller's fallback (database, in-memory limiter, publish buffer) takes over.
      return {
        ...common,
        commandTimeout: o.commandTimeoutMs,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
      };
    case 'subscriber':
      // SUBSCRIBE issued while disconnected waits for the connection, and ioredis re-subscribes
      // every channel after a reconnect. No command timeout: graphql-redis-subscriptions does not
      // handle a rejected SUBSCRIBE (it would surface as an unhandled rejection), and a pending one
      // only delays that subscription.
      return {
        ...common,
        enableOfflineQueue: true,
        maxRetriesPerRequest: null,
        autoResubscribe: true,
      };
    case 'queue':
      // BullMQ refuses a connection with maxRetriesPerRequest set, and its blocking BRPOPLPUSH /
      // BZPOPMIN must not be cut by a command timeout.
      return { ...common, enableOfflineQueue: true, maxRetriesPerRequest: null };
  }
}

/** A client with readiness and a quiet, rate-limited error log. Call `connect()` (or `waitReady`). */
export function createRedisClient(url: string, options: RedisClientOptions): Redis {
  const o = { ...DEFAULTS, ...options };
  const client = new Redis(url, optionsFor(o.role, o));
  const log = o.logger.child({ module: 'redis', client: o.name });
  let lastLogged = 0;
  let suppressed = 0;
  let failing = false;
  client.on('error', (error: NodeJS.ErrnoException) => {
    failing = true;
    const now = Date.now();
    if (now - lastLogged < o.errorLogIntervalMs) {
      suppressed++;
      return;
    }
    // Message and code only: the stack of a refused reconnect says nothing new.
    log.warn({ code: error.code, error: error.message, suppressed }, 'redis error');
    lastLogged = now;
    suppressed = 0;
  });
  client.on('ready', () => {
    if (failing) {
      log.info({ suppressed }, 'redis connection restored');
      failing = false;
      suppressed = 0;
      lastLogged = 0;
    }
  });
  return client;
}

/** True when the client can send commands now. */
export const isRedisReady = (client: Redis) => client.status === 'ready';

/**
 * Connects, waiting at most `timeoutMs`. Resolves false (instead of failing the boot) when Redis is
 * unreachable: the client keeps reconnecting in the background and the app runs degraded.
 */
export async function connectRedis(client: Redis, timeoutMs: number): Promise<boolean> {
  if (client.status === 'ready') {
    return true;
  }
  if (client.status === 'wait') {
    client.connect().catch(() => undefined);
  }
  return new Promise<boolean>((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      client.removeListener('ready', onReady);
      resolve(ok);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(client.status === 'ready'), timeoutMs);
    client.once('ready', onReady);
  });
}

/** Closes gracefully, or drops the connection when Redis does not answer. */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'end') {
    return;
  }
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  await Promise.race([client.quit(), new Promise((r) => setTimeout(r, 1_000))]).catch(() => undefined);
  client.disconnect();
}

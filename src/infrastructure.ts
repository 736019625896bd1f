import path from 'node:path';
import type { DataSource } from 'typeorm';
import { storageDriver, type Env } from './config/env';
import { openDatabase, type Database } from './db/data-source';
import type { InferenceEngine } from './inference';
import type { Logger } from './observability/logger';
import { Metrics } from './observability/metrics';
import type { MetricsSnapshot } from './pubsub';
import { createRedisClient, type RedisRole } from './redis/client';
import type { BreakerRegistry } from './resilience/breakers';
import type { PhotoPipeline } from './services/photo-pipeline';
import { DatabaseStorage } from './storage/database-storage';
import { FileStorage } from './storage/file-storage';

// The parts both processes build the same way from the environment: the API (app.ts) and the
// photo-analysis worker (worker-main.ts). Each process then wires what only it needs.

/** The database with the configured timeouts and connection guard. */
export function openAppDatabase(env: Env, breakers: BreakerRegistry): Promise<Database> {
  return openDatabase({
    url: env.DATABASE_URL,
    pgliteDataDir: env.PGLITE_DATA_DIR.startsWith('memory://')
      ? env.PGLITE_DATA_DIR
      : path.resolve(env.PGLITE_DATA_DIR),
    runMigrations: env.RUN_MIGRATIONS,
    timeouts: {
      connectMs: env.DB_CONNECT_TIMEOUT_MS,
      connectRetryMs: env.DB_CONNECT_RETRY_MS,
      statementMs: env.DB_STATEMENT_TIMEOUT_MS,
      idleInTransactionMs: env.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    },
    breakers,
  });
}

/** Named Redis clients on REDIS_URL, from the one factory (command timeouts, error listeners). */
export function redisClients(env: Env & { REDIS_URL: string }, logger: Logger, prefix = '') {
  return (name: string, role: RedisRole) =>
    createRedisClient(env.REDIS_URL, {
      name: prefix + name,
      role,
      logger,
      commandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS,
    });
}

/** Photo and face-crop bytes: files, or the database once several instances share work. */
export async function openStorage(env: Env, dataSource: DataSource): Promise<FileStorage> {
  const files = new FileStorage(path.resolve(env.STORAGE_DIR));
  const storage = storageDriver(env) === 'database' ? new DatabaseStorage(dataSource, files) : files;
  await storage.init();
  return storage;
}

/**
 * This instance's metrics over `engine`; `pipeline()` is read at each snapshot, so the job queue's
 * facts appear once the pipeline exists.
 */
export function instanceMetrics(
  env: Env,
  engine: () => InferenceEngine,
  pipeline: () => PhotoPipeline | undefined,
): Metrics {
  return new Metrics({
    instanceId: env.INSTANCE_ID,
    windowMs: env.METRICS_WINDOW_MS,
    token: env.METRICS_TOKEN,
    engine,
    extra: (): Partial<MetricsSnapshot> => {
      const q = pipeline()?.metrics.snapshot();
      return q ? { deadLetters: q.deadLetters, jobBacklog: q.counts.waiting } : {};
    },
  });
}

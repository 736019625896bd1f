import 'reflect-metadata';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createCache } from './cache/cache';
import { env as loadEnv, storageDriver } from './config/env';
import { inferenceConfig } from './config/inference-config';
import { probeRoutes } from './http/probe-routes';
import { createInferenceEngine } from './inference';
import { DEFAULT_MATCH_POLICY } from './inference/matcher';
import { instanceMetrics, openAppDatabase, openStorage, redisClients } from './infrastructure';
import { createReadiness } from './observability/health';
import { instrumentEngine } from './observability/instrument';
import { createLogger } from './observability/logger';
import { startMetricsPublisher } from './observability/metrics-publisher';
import { closeOnSignals, runMain } from './process-lifecycle';
import { createPubSub } from './pubsub';
import { connectRedis } from './redis/client';
import { AttendanceRepository } from './repositories/attendance.repository';
import { FaceEmbeddingRepository } from './repositories/face-embedding.repository';
import { BreakerRegistry } from './resilience/breakers';
import { redisCallGuard } from './resilience/policies';
import { startPhotoPipeline, type PhotoPipeline } from './services/photo-pipeline';
import { RosterService } from './services/roster.service';

// `npm run worker`: an inference worker process. It pulls photo jobs from the shared BullMQ queue,
// runs them on its own worker-thread pool and writes results to PostgreSQL; it needs only
// DATABASE_URL and REDIS_URL (photos come from the database with STORAGE_DRIVER=database). It serves
// /healthz, /readyz and /metrics on PORT.

async function main(): Promise<void> {
  const env = loadEnv();
  const logger = createLogger(env.LOG_LEVEL).child({ role: 'worker' });
  const log = logger.child({ module: 'worker' });
  if (!env.REDIS_URL || !env.DATABASE_URL) {
    throw new Error('npm run worker needs REDIS_URL (the job queue) and DATABASE_URL (photos and results)');
  }
  if (storageDriver(env) === 'file') {
    log.warn(
      { dir: env.STORAGE_DIR },
      'STORAGE_DRIVER=file: this worker must share STORAGE_DIR with the API servers',
    );
  }
  const breakers = new BreakerRegistry(logger);
  const db = await openAppDatabase(env, breakers);
  const ds = db.dataSource;
  // Redis clients from the one factory (command timeouts, error listeners), as the API builds them.
  const redisClient = redisClients({ ...env, REDIS_URL: env.REDIS_URL }, logger, 'worker-');
  const redisCommands = redisClient('commands', 'command');
  if (!(await connectRedis(redisCommands, 5_000))) {
    log.warn('Redis unreachable at start: the queue waits for it');
  }
  const pubsub = await createPubSub(
    {
      publisher: redisClient('publisher', 'publisher'),
      subscriber: redisClient('subscriber', 'subscriber'),
    },
    logger,
  );
  const cache = createCache(
    redisCommands,
    redisCallGuard('redis-cache', breakers, { timeoutMs: env.REDIS_COMMAND_TIMEOUT_MS + 250 }),
    logger,
  );
  const storage = await openStorage(env, ds);
  // The pool is sized for the most jobs this process may run at once.
  const rawEngine = createInferenceEngine(
    inferenceConfig(env, Math.max(env.INFERENCE_WORKERS, env.MAX_WORKERS)),
  );
  const built: { pipeline?: PhotoPipeline } = {};
  const metrics = instanceMetrics(
    env,
    () => rawEngine,
    () => built.pipeline,
  );
  const engine = instrumentEngine(rawEngine, metrics);
  await engine.ready();
  const pipeline = await startPhotoPipeline({
    env,
    dataSource: ds,
    engine,
    roster: new RosterService(ds, cache, env.ROSTER_CACHE_TTL_SECONDS, () => engine.models),
    embeddings: new FaceEmbeddingRepository(ds, () => engine.models),
    attendance: new AttendanceRepository(),
    storage,
    pubsub,
    policy: DEFAULT_MATCH_POLICY,
    observer: metrics,
    registry: metrics.registry,
    windowMs: env.METRICS_WINDOW_MS,
    consume: true,
    logger,
  });
  built.pipeline = pipeline;
  const publisher = startMetricsPublisher(metrics, pubsub, env.METRICS_INTERVAL_MS, logger);
  const readiness = createReadiness({
    dataSource: ds,
    redis: redisCommands,
    breakers,
    engine,
    queue: () => pipeline.status(),
    recentWorkerFailures: () => metrics.workerFailures(),
    crashLoopAt: env.ALERT_CRASH_LOOP_COUNT,
  });

  // /healthz, /readyz and /metrics, served as the API serves them.
  const probes = express();
  probes.disable('x-powered-by');
  probeRoutes(probes, { health: readiness, observability: metrics });
  const http = createServer(probes);
  await new Promise<void>((resolve) => http.listen(env.PORT, env.HOST, resolve));
  const { port } = http.address() as AddressInfo;
  log.info(
    {
      port,
      backend: engine.backend,
      threads: engine.stats().workers,
      concurrency: pipeline.consumer?.concurrency,
      minWorkers: env.MIN_WORKERS,
      maxWorkers: env.MAX_WORKERS,
    },
    'rollcall worker ready',
  );

  closeOnSignals(
    log,
    { stopping: 'worker shutting down (finishing running jobs)', failed: 'worker shutdown failed' },
    async () => {
      publisher.close();
      http.close();
      await pipeline.close();
      await engine.close();
      await pubsub.close();
      await cache.close();
      await db.close();
      metrics.close();
    },
  );
}

runMain(main);

import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { createAlertService } from './alerts';
import { CourseAction } from './auth/access';
import { createRateLimiters } from './auth/rate-limit';
import { TokenSigner } from './auth/tokens';
import type { Viewer } from './auth/viewer';
import { createCache, type Cache } from './cache/cache';
import { devLoginEnabled, introspectionEnabled, storageDriver, type Env } from './config/env';
import { openDatabase } from './db/data-source';
import { createInferenceEngine, MODEL_ID, type InferenceEngine } from './inference';
import { DEFAULT_MATCH_POLICY } from './inference/matcher';
import { createLoaders } from './loaders';
import { createReadiness } from './observability/health';
import { createLogger, type Logger } from './observability/logger';
import { instrumentCache, instrumentEngine, Metrics, startMetricsPublisher } from './observability/metrics';
import { createPubSub, Topic, type MetricsSnapshot } from './pubsub';
import { AnalyticsRepository } from './repositories/analytics.repository';
import { AttendanceRepository } from './repositories/attendance.repository';
import { FaceEmbeddingRepository } from './repositories/face-embedding.repository';
import {
  AlertResolver,
  AnalyticsResolver,
  AttendanceRecordResolver,
  AttendanceResolver,
  AuthResolver,
  CourseResolver,
  FaceSampleResolver,
  MetricsResolver,
  PhotoFaceResolver,
  PhotoResolver,
  StudentResolver,
} from './resolvers';
import { buildAppSchema } from './schema/build-schema';
import type { Context } from './schema/context';
import { startHttpServer, type RunningServer } from './server';
import { AnalyticsService } from './services/analytics.service';
import { ApiKeyService } from './services/api-key.service';
import { AttendanceService } from './services/attendance.service';
import { AuditService } from './services/audit.service';
import { AuthService } from './services/auth.service';
import { CourseService } from './services/course.service';
import { EnrollmentService } from './services/enrollment.service';
import { ForecastService } from './services/forecast.service';
import { MediaService } from './services/media.service';
import { startPhotoPipeline } from './services/photo-pipeline';
import { PhotoSubmissionService } from './services/photo-submission.service';
import { PhotoService } from './services/photo.service';
import { RetentionService } from './services/retention.service';
import { RosterService } from './services/roster.service';
import { StudentService } from './services/student.service';
import { DatabaseStorage } from './storage/database-storage';
import { FileStorage } from './storage/file-storage';
import { lazyEngine } from './worker/lazy-engine';

export interface AppOptions {
  /** Share one inference pool between several app instances in one process (tests). */
  engine?: InferenceEngine;
  logger?: Logger;
  /** Job queue key prefix (tests running several clusters on one Redis). */
  queuePrefix?: string;
}

export interface App extends RunningServer {
  engine: InferenceEngine;
  databaseKind: 'postgres' | 'pglite';
  /** For the create-admin command and tests: accounts are not created over the API without an admin. */
  auth: AuthService;
  retention: RetentionService;
  /** For operational scripts and tests that inspect stored state. */
  dataSource: DataSource;
  cache: Cache;
}

/** The development login of the embedded default; never enabled in production. */
export const DEV_ADMIN = {
  email: 'admin@rollcall.local',
  password: 'rollcall-dev',
  name: 'Development admin',
};

/** The composition root: config -> database -> pub/sub -> inference -> services -> resolvers -> server. */
export async function startApp(env: Env, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger(env.LOG_LEVEL);
  const log = logger.child({ module: 'app' });

  const db = await openDatabase({
    url: env.DATABASE_URL,
    pgliteDataDir: env.PGLITE_DATA_DIR.startsWith('memory://')
      ? env.PGLITE_DATA_DIR
      : path.resolve(env.PGLITE_DATA_DIR),
    runMigrations: env.RUN_MIGRATIONS,
  });
  const pubsub = await createPubSub(env.REDIS_URL);
  // The job queue's part of each metrics snapshot, once the pipeline exists.
  const queueFacts = { get: (): Partial<MetricsSnapshot> => ({}) };
  // Metrics of this instance (issue #6); the services see an instrumented cache and engine.
  const metrics = new Metrics({
    instanceId: env.INSTANCE_ID,
    windowMs: env.METRICS_WINDOW_MS,
    token: env.METRICS_TOKEN,
    engine: () => rawEngine,
    extra: () => queueFacts.get(),
  });
  const cache = instrumentCache(await createCache(env.REDIS_URL), metrics);
  const files = new FileStorage(path.resolve(env.STORAGE_DIR));
  const storage = storageDriver(env) === 'database' ? new DatabaseStorage(db.dataSource, files) : files;
  await storage.init();
  const ownsEngine = !options.engine;
  const localInference = env.INFERENCE_MODE === 'local';
  const makeEngine = () =>
    createInferenceEngine({
      workers: env.INFERENCE_WORKERS,
      maxPixels: env.MAX_IMAGE_PIXELS,
      maxDimension: env.INFERENCE_MAX_DIMENSION,
      minDetectionScore: env.INFERENCE_MIN_DETECTION_SCORE,
      minFaceSize: env.INFERENCE_MIN_FACE_SIZE,
      tileMinDimension: env.INFERENCE_TILE_MIN_DIMENSION,
      tileSize: env.INFERENCE_TILE_SIZE,
    });
  // Remote inference: photo jobs run in `npm run worker` processes; enrollment starts a pool on demand.
  const rawEngine = options.engine ?? (localInference ? makeEngine() : lazyEngine(makeEngine, MODEL_ID));
  const engine = instrumentEngine(rawEngine, metrics);
  await engine.ready();

  const ds = db.dataSource;
  const embeddings = new FaceEmbeddingRepository(ds);
  const attendanceRepo = new AttendanceRepository();
  // Without AUTH_SECRET (development only: parseEnv refuses production) tokens last one process.
  const signer = new TokenSigner(
    env.AUTH_SECRET ?? randomBytes(32).toString('base64url'),
    env.ACCESS_TOKEN_TTL_SECONDS,
  );
  const limiters = await createRateLimiters(
    { requestsPerMinute: env.RATE_LIMIT_PER_MINUTE, loginsPerMinute: env.LOGIN_ATTEMPTS_PER_MINUTE },
    env.REDIS_URL,
  );
  const audit = new AuditService(ds);
  const courses = new CourseService(ds);
  const apiKeys = new ApiKeyService(
    ds,
    () => courses,
    (institutionId, keyId) => metrics.integrationKeyFailed(institutionId, keyId),
  );
  const auth = new AuthService(ds, signer, apiKeys, limiters.login, env.REFRESH_TOKEN_TTL_DAYS, logger);
  const media = new MediaService(ds, storage, audit, cache);
  const retention = new RetentionService(ds, storage, audit, env.RETENTION_DAYS, logger);
  const roster = new RosterService(ds, cache, env.ROSTER_CACHE_TTL_SECONDS);
  const model = () => engine.model;
  const students = new StudentService(ds, courses, roster, storage, model, audit, logger);
  const enrollment = new EnrollmentService(
    ds,
    students,
    engine,
    roster,
    storage,
    { maxPhotos: env.MAX_PHOTOS_PER_ENROLLMENT },
    audit,
    logger,
  );
  const sessions = new AttendanceService(ds, courses, attendanceRepo, pubsub, env.LATE_AFTER_MINUTES);
  const photos = new PhotoService({ dataSource: ds, sessions, roster, storage, pubsub, audit });
  // Photo analysis as queued jobs (issue #11): BullMQ with REDIS_URL, in-process otherwise.
  // Submitters waiting on a photo are woken when it settles in this process (set below).
  const settled = { notify: (_photoId: string): void => undefined };
  const pipeline = await startPhotoPipeline({
    env,
    dataSource: ds,
    engine,
    roster,
    embeddings,
    attendance: attendanceRepo,
    storage,
    pubsub,
    policy: () => DEFAULT_MATCH_POLICY,
    observer: metrics,
    registry: metrics.registry,
    windowMs: env.METRICS_WINDOW_MS,
    consume: localInference,
    onSettled: (photoId) => settled.notify(photoId),
    queuePrefix: options.queuePrefix,
    logger,
  });
  const submission = new PhotoSubmissionService({
    dataSource: ds,
    sessions,
    storage,
    pubsub,
    queue: pipeline.queue,
    jobs: pipeline.jobs,
    submitWaitMs: env.SUBMIT_WAIT_MS,
    maxPixels: env.MAX_IMAGE_PIXELS,
    logger,
  });
  settled.notify = (photoId) => submission.settled(photoId);
  queueFacts.get = () => {
    const q = pipeline.metrics.snapshot();
    return { deadLetters: q.deadLetters, jobBacklog: q.counts.waiting };
  };
  const analyticsRepo = new AnalyticsRepository(ds);
  const analytics = new AnalyticsService(analyticsRepo, {
    attendanceRate: env.AT_RISK_ATTENDANCE_RATE,
    absenceStreak: env.AT_RISK_ABSENCE_STREAK,
  });
  const forecasts = new ForecastService(analyticsRepo);
  const alerts = await createAlertService(env, {
    dataSource: ds,
    analytics: analyticsRepo,
    metrics,
    pubsub,
    logger,
  });

  const resolvers = new Map<unknown, unknown>([
    [CourseResolver, new CourseResolver(courses, students, sessions)],
    [StudentResolver, new StudentResolver(students, enrollment, env.MAX_UPLOAD_BYTES)],
    [AttendanceResolver, new AttendanceResolver(sessions, photos)],
    [AttendanceRecordResolver, new AttendanceRecordResolver()],
    [PhotoResolver, new PhotoResolver(photos, submission, sessions, env.MAX_UPLOAD_BYTES)],
    [PhotoFaceResolver, new PhotoFaceResolver(photos)],
    [FaceSampleResolver, new FaceSampleResolver(media)],
    [AuthResolver, new AuthResolver(auth, apiKeys, audit)],
    [MetricsResolver, new MetricsResolver(metrics)],
    [AnalyticsResolver, new AnalyticsResolver(analytics, forecasts, courses)],
    [AlertResolver, new AlertResolver(alerts)],
  ]);
  const schema = await buildAppSchema({ get: (cls) => resolvers.get(cls) }, pubsub);

  if (devLoginEnabled(env) && (await auth.countUsers()) === 0) {
    await auth.bootstrapAdmin('default', DEV_ADMIN);
    log.warn(
      { email: DEV_ADMIN.email },
      `DEVELOPMENT LOGIN ENABLED: sign in as ${DEV_ADMIN.email} / ${DEV_ADMIN.password}. Never use this in production.`,
    );
  }

  const context = (viewer: Viewer, clientAddress: string, live: boolean): Context => ({
    viewer,
    clientAddress,
    loaders: createLoaders(ds, embeddings, { cache: !live }),
    subscribeToSession: async (topic, sessionId) => {
      const session = await sessions.get(
        viewer,
        sessionId,
        topic === Topic.PhotoProcessed ? CourseAction.FOLLOW_PHOTOS : CourseAction.READ,
      );
      return pubsub.subscribe(topic, session.id);
    },
    mediaUrl: (kind, id) => signer.signMediaPath(kind, id, env.MEDIA_URL_TTL_SECONDS),
  });

  const server = await startHttpServer(
    schema,
    {
      authenticate: (authorization, apiKey) => auth.authenticate(authorization, apiKey),
      rateLimit: (key) => limiters.request(key),
      context,
      media: (kind, id, query) => {
        const { exp, sig } = query;
        if (
          typeof exp !== 'string' ||
          typeof sig !== 'string' ||
          !signer.verifyMediaPath(kind, id, exp, sig)
        ) {
          return Promise.resolve(null);
        }
        return media.read(kind, id);
      },
      health: createReadiness({
        dataSource: ds,
        cache: env.REDIS_URL ? cache : undefined,
        engine: localInference ? engine : undefined,
        queue: () => pipeline.status(),
        recentWorkerFailures: () => metrics.workerFailures(),
        crashLoopAt: env.ALERT_CRASH_LOOP_COUNT,
      }),
      observability: metrics,
    },
    {
      host: env.HOST,
      port: env.PORT,
      maxUploadBytes: env.MAX_UPLOAD_BYTES,
      maxFiles: env.MAX_PHOTOS_PER_ENROLLMENT,
      maxJsonBytes: env.MAX_JSON_BODY_BYTES,
      introspection: introspectionEnabled(env),
      production: env.NODE_ENV === 'production',
      limits: {
        depth: env.GRAPHQL_MAX_DEPTH,
        aliases: env.GRAPHQL_MAX_ALIASES,
        cost: env.GRAPHQL_MAX_COST,
        tokens: env.GRAPHQL_MAX_TOKENS,
      },
      clientDir: path.resolve(env.CLIENT_DIR),
    },
    logger,
  );

  const metricsPublisher = startMetricsPublisher(metrics, pubsub, env.METRICS_INTERVAL_MS, logger);
  alerts.start();
  if (env.RETENTION_DAYS > 0) {
    retention.start(env.RETENTION_SWEEP_MINUTES);
  }
  log.info(
    {
      database: db.kind,
      redis: Boolean(env.REDIS_URL),
      backend: engine.backend,
      workers: engine.stats().workers,
      inference: env.INFERENCE_MODE,
      queue: pipeline.queue.driver,
    },
    'rollcall ready',
  );

  return {
    ...server,
    engine: rawEngine,
    databaseKind: db.kind,
    auth,
    retention,
    dataSource: ds,
    cache,
    close: async () => {
      retention.stop();
      metricsPublisher.close();
      await alerts.close();
      await server.close();
      await pipeline.close();
      await pubsub.close();
      await cache.close();
      await limiters.close();
      if (ownsEngine) {
        await engine.close();
      }
      await db.close();
      metrics.close();
    },
  };
}

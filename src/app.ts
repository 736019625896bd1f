import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { createAlertService } from './alerts';
import { LocalLeadership, RedisLeadership } from './alerts/leader';
import { createRateLimiters } from './auth/rate-limit';
import { TokenSigner } from './auth/tokens';
import { callerKey, type Viewer } from './auth/viewer';
import { createCache, type Cache } from './cache/cache';
import { devLoginEnabled, introspectionEnabled, type Env } from './config/env';
import { inferenceConfig } from './config/inference-config';
import {
  createInferenceEngine,
  InferenceError,
  MODEL_ID,
  parseModelList,
  probe,
  type InferenceEngine,
} from './inference';
import { DEFAULT_MATCH_POLICY } from './inference/matcher';
import { instanceMetrics, openAppDatabase, openStorage, redisClients } from './infrastructure';
import { mountExportRoutes } from './integrations/export-route';
import { tapEvents } from './integrations/tap-events';
import { createLoaders } from './loaders';
import { createReadiness } from './observability/health';
import { instrumentCache, instrumentEngine } from './observability/instrument';
import { createLogger, type Logger } from './observability/logger';
import { startMetricsPublisher } from './observability/metrics-publisher';
import { createPubSub, type Topic } from './pubsub';
import { createMemoryJobQueue } from './queue';
import { closeRedis, connectRedis } from './redis/client';
import { AnalyticsRepository } from './repositories/analytics.repository';
import { AttendanceRepository } from './repositories/attendance.repository';
import { FaceEmbeddingRepository } from './repositories/face-embedding.repository';
import { BreakerRegistry } from './resilience/breakers';
import { guardInference, isInferenceUnavailable } from './resilience/guarded-inference';
import { inferenceGuard, redisCallGuard, type Guard } from './resilience/policies';
import { withLocalFallback } from './resilience/rate-limit-fallback';
import {
  AlertResolver,
  AnalyticsResolver,
  AttendanceRecordResolver,
  AttendanceResolver,
  AuthResolver,
  CourseResolver,
  FaceCandidateResolver,
  FaceSampleModelsResolver,
  FaceSampleResolver,
  MetricsResolver,
  OneRosterResolver,
  PhotoFaceCandidatesResolver,
  PhotoFaceResolver,
  PhotoFaceReviewResolver,
  PhotoResolver,
  ProfileResolver,
  SessionReviewResolver,
  StudentResolver,
  StudentRosterResolver,
  TimetableResolver,
  WebhookResolver,
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
import { DomainError, mapInferenceCode } from './services/domain-error';
import { EnrollmentService } from './services/enrollment.service';
import { ExportService } from './services/export.service';
import { FaceIdentityService } from './services/face-identity.service';
import { ForecastService } from './services/forecast.service';
import { InferenceBudget } from './services/inference-budget';
import { MediaService } from './services/media.service';
import { IMPORT_JOB, OneRosterImportService } from './services/oneroster-import.service';
import { startPhotoPipeline, type PhotoPipeline } from './services/photo-pipeline';
import { PhotoReviewService } from './services/photo-review.service';
import { PhotoSubmissionService } from './services/photo-submission.service';
import { PhotoService } from './services/photo.service';
import { ProfileLearningService } from './services/profile-learning.service';
import { ReembedService } from './services/reembed.service';
import { RetentionService } from './services/retention.service';
import { RosterImportService } from './services/roster-import.service';
import { RosterService } from './services/roster.service';
import { SessionUndoService } from './services/session-undo.service';
import { StudentService } from './services/student.service';
import { TimetableService } from './services/timetable.service';
import { DELIVER_JOB, WebhookService } from './services/webhook.service';
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
  /** Issue #15: the timetable, whose tick tests drive with their own clock. */
  timetable: TimetableService;
  /** Live GraphQL subscriptions on this instance (tests wait for theirs before causing events). */
  liveSubscriptions(): number;
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

  // Circuit breakers of every guarded dependency, reported by /readyz and /metrics.
  const breakers = new BreakerRegistry(logger);
  const db = await openAppDatabase(env, breakers);
  // Every Redis client comes from src/redis/client.ts; caches and rate limits share one.
  const redisClient = redisClients({ ...env, REDIS_URL: env.REDIS_URL ?? '' }, logger);
  const redisCommands = env.REDIS_URL ? redisClient('commands', 'command') : undefined;
  if (redisCommands && !(await connectRedis(redisCommands, 5_000))) {
    log.warn('Redis unreachable at start: running degraded (database reads, local rate limits)');
  }
  // LMS webhooks observe every event this instance emits (issue #15); bound once the service exists.
  let observeEvent: (topic: Topic, payload: unknown) => void = () => undefined;
  const pubsub = tapEvents(
    await createPubSub(
      env.REDIS_URL
        ? {
            publisher: redisClient('publisher', 'publisher'),
            subscriber: redisClient('subscriber', 'subscriber'),
          }
        : undefined,
      logger,
    ),
    (topic, payload) => observeEvent(topic, payload),
  );
  const redisGuards: Guard[] = [];
  const redisGuard = (name: string) => {
    const guard = redisCallGuard(name, breakers, { timeoutMs: env.REDIS_COMMAND_TIMEOUT_MS + 250 });
    redisGuards.push(guard);
    return guard;
  };
  // The readiness probe's PING also runs through each Redis guard: with no traffic, an open circuit
  // would otherwise never get the trial call that closes it once Redis is back.
  const redisProbe = redisCommands && {
    ping: async () => {
      await redisCommands.ping();
      await Promise.allSettled(redisGuards.map((g) => g.execute(() => redisCommands.ping())));
    },
  };
  // Metrics of this instance (issue #6); the services see an instrumented cache and engine. The job
  // queue's part of each snapshot appears once the pipeline exists.
  const built: { pipeline?: PhotoPipeline } = {};
  const metrics = instanceMetrics(
    env,
    () => rawEngine,
    () => built.pipeline,
  );
  breakers.registerMetrics(metrics.registry);
  const cache = instrumentCache(createCache(redisCommands, redisGuard('redis-cache'), logger), metrics);
  const storage = await openStorage(env, db.dataSource);
  const ownsEngine = !options.engine;
  const localInference = env.INFERENCE_MODE === 'local';
  const makeEngine = () => createInferenceEngine(inferenceConfig(env));
  // Remote inference: photo jobs run in `npm run worker` processes; enrollment starts a pool on demand.
  const rawEngine =
    options.engine ??
    (localInference
      ? makeEngine()
      : lazyEngine(makeEngine, MODEL_ID, parseModelList(env.RECOGNITION_MODELS)));
  // The guard sits outside the instrumentation: its own refusals are not counted as worker crashes.
  const engine = guardInference(
    instrumentEngine(rawEngine, metrics),
    inferenceGuard(breakers, { timeoutMs: env.INFERENCE_TIMEOUT_MS, isUnavailable: isInferenceUnavailable }),
  );
  await engine.ready();

  const ds = db.dataSource;
  // The configured models are the ones the engine loaded: a model that failed to load drops out.
  const models = () => engine.models;
  const embeddings = new FaceEmbeddingRepository(ds, models);
  const attendanceRepo = new AttendanceRepository();
  // Without AUTH_SECRET (development only: parseEnv refuses production) tokens last one process.
  const signer = new TokenSigner(
    env.AUTH_SECRET ?? randomBytes(32).toString('base64url'),
    env.ACCESS_TOKEN_TTL_SECONDS,
  );
  const limits = {
    requestsPerMinute: env.RATE_LIMIT_PER_MINUTE,
    loginsPerMinute: env.LOGIN_ATTEMPTS_PER_MINUTE,
  };
  const limiters = redisCommands
    ? withLocalFallback(
        createRateLimiters(limits, redisCommands, logger),
        createRateLimiters(limits, undefined, logger),
        redisGuard('redis-rate-limit'),
        logger,
      )
    : createRateLimiters(limits, undefined, logger);
  // Inference cost, bounded per caller and overall, charged from the photo header (issue #12).
  const inferenceBudget = new InferenceBudget(
    async (bytes) => {
      try {
        return await probe(bytes, env.MAX_IMAGE_PIXELS);
      } catch (error) {
        throw error instanceof InferenceError
          ? new DomainError(mapInferenceCode(error), error.message)
          : error;
      }
    },
    {
      maxPhotoPixels: Math.min(env.INFERENCE_MAX_PHOTO_PIXELS, env.MAX_IMAGE_PIXELS),
      tileMinDimension: env.INFERENCE_TILE_MIN_DIMENSION,
      tileSize: env.INFERENCE_TILE_SIZE,
      tiledMaxDimension: Math.max(4096, env.INFERENCE_MAX_DIMENSION),
    },
    limiters.budget('inference', env.INFERENCE_BUDGET_PER_MINUTE || 200 * env.INFERENCE_WORKERS),
    limiters.budget('inference-all', env.INFERENCE_BUDGET_TOTAL_PER_MINUTE || 600 * env.INFERENCE_WORKERS),
  );
  const audit = new AuditService(ds);
  const courses = new CourseService(ds);
  const apiKeys = new ApiKeyService(
    ds,
    () => courses,
    (institutionId, keyId) => metrics.integrationKeyFailed(institutionId, keyId),
  );
  const auth = new AuthService(ds, signer, apiKeys, limiters.login, env.REFRESH_TOKEN_TTL_DAYS, logger);
  const media = new MediaService(ds, storage, audit, cache, signer);
  const retention = new RetentionService(ds, storage, audit, env.RETENTION_DAYS, logger);
  const roster = new RosterService(ds, cache, env.ROSTER_CACHE_TTL_SECONDS, models);
  const students = new StudentService(ds, courses, roster, storage, audit, logger);
  const enrollment = new EnrollmentService(
    ds,
    students,
    engine,
    roster,
    storage,
    embeddings,
    { maxPhotos: env.MAX_PHOTOS_PER_ENROLLMENT, maxPixels: env.MAX_IMAGE_PIXELS },
    audit,
    logger,
  );
  const sessions = new AttendanceService(ds, courses, attendanceRepo, pubsub, env.LATE_AFTER_MINUTES);
  const learning = new ProfileLearningService(ds, embeddings, roster, storage, env.MAX_IMAGE_PIXELS, logger);
  const reembed = new ReembedService(ds, engine, embeddings, storage, roster, logger, metrics.registry);
  const photos = new PhotoService(ds, sessions);
  // Photo analysis as queued jobs (issue #11): BullMQ with REDIS_URL, in-process otherwise.
  // Submitters waiting on a photo are woken when it settles in this process (set below).
  const settled = {
    notify: (_photoId: string): void => undefined,
    processing: (_photoId: string, _processing: boolean): void => undefined,
  };
  const pipeline = await startPhotoPipeline({
    env,
    dataSource: ds,
    engine,
    roster,
    embeddings,
    attendance: attendanceRepo,
    storage,
    pubsub,
    policy: DEFAULT_MATCH_POLICY,
    observer: metrics,
    registry: metrics.registry,
    windowMs: env.METRICS_WINDOW_MS,
    consume: localInference,
    onSettled: (photoId) => settled.notify(photoId),
    onProcessing: (photoId, processing) => settled.processing(photoId, processing),
    queuePrefix: options.queuePrefix,
    logger,
    learning,
  });
  built.pipeline = pipeline;
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
  settled.processing = (photoId, processing) => submission.processingHere(photoId, processing);
  const review = new PhotoReviewService(ds, sessions, pubsub, audit, learning);
  const identity = new FaceIdentityService(
    ds,
    courses,
    sessions,
    students,
    embeddings,
    review,
    DEFAULT_MATCH_POLICY,
  );
  const undo = new SessionUndoService(ds, sessions, pubsub, learning);
  const rosterImport = new RosterImportService(ds, courses, roster);
  const analyticsRepo = new AnalyticsRepository(ds);
  const analytics = new AnalyticsService(analyticsRepo, courses, {
    attendanceRate: env.AT_RISK_ATTENDANCE_RATE,
    absenceStreak: env.AT_RISK_ABSENCE_STREAK,
  });
  const forecasts = new ForecastService(analyticsRepo, courses);
  const alerts = await createAlertService(env, {
    dataSource: ds,
    analytics: analyticsRepo,
    metrics,
    pubsub,
    logger,
    breakers,
  });

  // OneRoster imports run where their upload was stored (this instance's disk): the in-process
  // driver of src/queue, not the shared one (webhook deliveries use that).
  const jobs = createMemoryJobQueue();
  const imports = new OneRosterImportService(
    ds,
    pubsub,
    jobs,
    roster,
    path.resolve(env.STORAGE_DIR, 'oneroster'),
    env.MAX_UPLOAD_BYTES,
    logger,
  );
  await jobs.process<{ importId: string }>(IMPORT_JOB, (data, ctx) => imports.handleJob(data, ctx), {
    onDeadLetter: (data, dead) => {
      log.warn({ name: IMPORT_JOB, id: dead.id, attempt: dead.attempts, err: dead.error }, 'job failed');
      return Promise.resolve();
    },
  });
  // Webhook deliveries go through the shared job queue (BullMQ on REDIS_URL): any instance may
  // send them. Imports stay in-process: their uploaded files are on this instance's disk.
  const queue = pipeline.queue;
  const webhooks = new WebhookService(
    ds,
    queue,
    { attempts: env.WEBHOOK_ATTEMPTS, backoffMs: env.WEBHOOK_BACKOFF_MS, timeoutMs: env.WEBHOOK_TIMEOUT_MS },
    logger,
  );
  await queue.process<{ deliveryId: string }>(DELIVER_JOB, (data, ctx) => webhooks.deliver(data, ctx), {
    concurrency: 4,
  });
  observeEvent = (topic, payload) => webhooks.observe(topic, payload);
  const exportsService = new ExportService(ds, courses, sessions);
  // Sessions from timetables: one instance ticks at a time (the alerts' Redis lease, its own key).
  const timetable = new TimetableService(
    ds,
    courses,
    sessions,
    pubsub,
    env.REDIS_URL
      ? await RedisLeadership.connect(
          env.REDIS_URL,
          metrics.instanceId,
          Math.max(1_000, env.TIMETABLE_INTERVAL_MS * 3),
          logger,
          'rollcall:timetable:leader',
        )
      : new LocalLeadership(),
    env.LATE_AFTER_MINUTES,
    logger,
  );

  const resolvers = new Map<unknown, unknown>([
    [CourseResolver, new CourseResolver(courses, students, sessions)],
    [StudentResolver, new StudentResolver(students, enrollment, env.MAX_UPLOAD_BYTES)],
    [AttendanceResolver, new AttendanceResolver(sessions, photos)],
    [AttendanceRecordResolver, new AttendanceRecordResolver()],
    [PhotoResolver, new PhotoResolver(photos, submission, sessions, env.MAX_UPLOAD_BYTES)],
    [PhotoFaceResolver, new PhotoFaceResolver(review)],
    [FaceSampleResolver, new FaceSampleResolver(media)],
    [AuthResolver, new AuthResolver(auth, apiKeys, audit)],
    [MetricsResolver, new MetricsResolver(metrics)],
    [AnalyticsResolver, new AnalyticsResolver(analytics, forecasts)],
    [AlertResolver, new AlertResolver(alerts)],
    [ProfileResolver, new ProfileResolver(identity, reembed)],
    [PhotoFaceCandidatesResolver, new PhotoFaceCandidatesResolver()],
    [FaceCandidateResolver, new FaceCandidateResolver()],
    [FaceSampleModelsResolver, new FaceSampleModelsResolver()],
    [SessionReviewResolver, new SessionReviewResolver(review, undo, sessions)],
    [PhotoFaceReviewResolver, new PhotoFaceReviewResolver(review)],
    [StudentRosterResolver, new StudentRosterResolver(rosterImport, enrollment, sessions)],
    [OneRosterResolver, new OneRosterResolver(imports)],
    [WebhookResolver, new WebhookResolver(webhooks)],
    [TimetableResolver, new TimetableResolver(timetable)],
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
    subscribeToSession: (topic, sessionId) => sessions.follow(viewer, topic, sessionId),
    admitInference: async (photos) => {
      await inferenceBudget.admit(callerKey(viewer, clientAddress), photos);
    },
    mediaUrl: (kind, id) => signer.signMediaPath(kind, id, env.MEDIA_URL_TTL_SECONDS),
  });

  const server = await startHttpServer(
    schema,
    {
      authenticate: (authorization, apiKey) => auth.authenticate(authorization, apiKey),
      rateLimit: (key) => limiters.request(key),
      context,
      media: (kind, id, query) => media.readSigned(kind, id, query),
      health: createReadiness({
        dataSource: ds,
        redis: redisProbe,
        breakers,
        eventBacklog: pubsub.backlog ? () => pubsub.backlog!() : undefined,
        engine: localInference ? engine : undefined,
        queue: () => pipeline.status(),
        recentWorkerFailures: () => metrics.workerFailures(),
        crashLoopAt: env.ALERT_CRASH_LOOP_COUNT,
      }),
      observability: metrics,
      routes: (http, viewerOf) => mountExportRoutes(http, viewerOf, exportsService, logger),
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

  // Profiles stored before a model was added are upgraded in the background (issue 10).
  const reembedding = await reembed.start();
  const metricsPublisher = startMetricsPublisher(metrics, pubsub, env.METRICS_INTERVAL_MS, logger);
  alerts.start();
  if (env.TIMETABLE_ENABLED) {
    timetable.start(env.TIMETABLE_INTERVAL_MS);
  }
  if (env.RETENTION_DAYS > 0) {
    retention.start(env.RETENTION_SWEEP_MINUTES);
  }
  log.info(
    {
      database: db.kind,
      redis: Boolean(env.REDIS_URL),
      backend: engine.backend,
      workers: engine.stats().workers,
      reembedding,
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
    timetable,
    liveSubscriptions: () => metrics.subscriptions,
    close: async () => {
      retention.stop();
      metricsPublisher.close();
      await timetable.stop();
      await webhooks.idle();
      await jobs.close();
      await alerts.close();
      await server.close();
      await pipeline.close();
      await reembed.drain();
      await pubsub.close();
      await cache.close();
      await limiters.close();
      if (redisCommands) {
        await closeRedis(redisCommands);
      }
      if (ownsEngine) {
        await engine.close();
      }
      await db.close();
      metrics.close();
    },
  };
}

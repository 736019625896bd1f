import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { createAlertService } from './alerts';
import { LocalLeadership, RedisLeadership } from './alerts/leader';
import { CourseAction } from './auth/access';
import { createRateLimiters } from './auth/rate-limit';
import { TokenSigner } from './auth/tokens';
import type { Viewer } from './auth/viewer';
import { createCache, type Cache } from './cache/cache';
import { devLoginEnabled, introspectionEnabled, type Env } from './config/env';
import { openDatabase } from './db/data-source';
import { createInferenceEngine, type InferenceEngine } from './inference';
import { DEFAULT_MATCH_POLICY } from './inference/matcher';
import { mountExportRoutes } from './integrations/export-route';
import { InProcessJobQueue } from './integrations/job-queue';
import { tapEvents } from './integrations/tap-events';
import { createLoaders } from './loaders';
import { createReadiness } from './observability/health';
import { createLogger, type Logger } from './observability/logger';
import { instrumentCache, instrumentEngine, Metrics, startMetricsPublisher } from './observability/metrics';
import { createPubSub, Topic } from './pubsub';
import { createJobQueue } from './queue';
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
  OneRosterResolver,
  PhotoFaceResolver,
  PhotoResolver,
  StudentResolver,
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
import { EnrollmentService } from './services/enrollment.service';
import { ExportService } from './services/export.service';
import { ForecastService } from './services/forecast.service';
import { MediaService } from './services/media.service';
import { IMPORT_JOB, OneRosterImportService } from './services/oneroster-import.service';
import { PhotoService } from './services/photo.service';
import { RetentionService } from './services/retention.service';
import { RosterService } from './services/roster.service';
import { StudentService } from './services/student.service';
import { TimetableService } from './services/timetable.service';
import { DELIVER_JOB, WebhookService } from './services/webhook.service';
import { FileStorage } from './storage/file-storage';

export interface AppOptions {
  /** Share one inference pool between several app instances in one process (tests). */
  engine?: InferenceEngine;
  logger?: Logger;
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
  // LMS webhooks observe every event this instance emits (issue #15); bound once the service exists.
  let observeEvent: (topic: Topic, payload: unknown) => void = () => undefined;
  const pubsub = tapEvents(await createPubSub(env.REDIS_URL), (topic, payload) =>
    observeEvent(topic, payload),
  );
  // Metrics of this instance (issue #6); the services see an instrumented cache and engine.
  const metrics = new Metrics({
    instanceId: env.INSTANCE_ID,
    windowMs: env.METRICS_WINDOW_MS,
    token: env.METRICS_TOKEN,
    engine: () => rawEngine,
  });
  const cache = instrumentCache(await createCache(env.REDIS_URL), metrics);
  const storage = new FileStorage(path.resolve(env.STORAGE_DIR));
  await storage.init();
  const ownsEngine = !options.engine;
  const rawEngine =
    options.engine ??
    createInferenceEngine({
      workers: env.INFERENCE_WORKERS,
      maxPixels: env.MAX_IMAGE_PIXELS,
      maxDimension: env.INFERENCE_MAX_DIMENSION,
      minDetectionScore: env.INFERENCE_MIN_DETECTION_SCORE,
      minFaceSize: env.INFERENCE_MIN_FACE_SIZE,
      tileMinDimension: env.INFERENCE_TILE_MIN_DIMENSION,
      tileSize: env.INFERENCE_TILE_SIZE,
    });
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
  const photos = new PhotoService(
    ds,
    sessions,
    engine,
    roster,
    embeddings,
    attendanceRepo,
    storage,
    pubsub,
    () => DEFAULT_MATCH_POLICY,
    env.SUBMIT_WAIT_MS,
    audit,
    env.MAX_IMAGE_PIXELS,
    logger,
    metrics,
  );
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

  // Background work of issue #15 (imports, webhook deliveries); h-queue's src/queue replaces this.
  const jobs = new InProcessJobQueue(logger);
  const imports = new OneRosterImportService(
    ds,
    pubsub,
    jobs,
    roster,
    model,
    path.resolve(env.STORAGE_DIR, 'oneroster'),
    env.MAX_UPLOAD_BYTES,
    logger,
  );
  jobs.process<{ importId: string }>(IMPORT_JOB, (data, ctx) => imports.handleJob(data, ctx));
  // Webhook deliveries go through the shared job queue (BullMQ on REDIS_URL): any instance may
  // send them. Imports stay in-process: their uploaded files are on this instance's disk.
  const queue = await createJobQueue({ redisUrl: env.REDIS_URL, logger });
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
    [PhotoResolver, new PhotoResolver(photos, sessions, env.MAX_UPLOAD_BYTES)],
    [PhotoFaceResolver, new PhotoFaceResolver(photos)],
    [FaceSampleResolver, new FaceSampleResolver(media)],
    [AuthResolver, new AuthResolver(auth, apiKeys, audit)],
    [MetricsResolver, new MetricsResolver(metrics)],
    [AnalyticsResolver, new AnalyticsResolver(analytics, forecasts, courses)],
    [AlertResolver, new AlertResolver(alerts)],
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
        engine,
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

  const resumed = await photos.resumePending();
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
      resumed,
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
    close: async () => {
      retention.stop();
      metricsPublisher.close();
      await timetable.stop();
      await webhooks.idle();
      await jobs.close();
      await queue.close();
      await alerts.close();
      await server.close();
      await photos.drain();
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

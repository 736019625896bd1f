import 'reflect-metadata';
import path from 'node:path';
import { createCache } from './cache/cache';
import type { Env } from './config/env';
import { openDatabase } from './db/data-source';
import { createInferenceEngine, type InferenceEngine } from './inference';
import { DEFAULT_MATCH_POLICY } from './inference/matcher';
import { createLoaders } from './loaders';
import { createLogger, type Logger } from './observability/logger';
import { createPubSub } from './pubsub';
import { AttendanceRepository } from './repositories/attendance.repository';
import { FaceEmbeddingRepository } from './repositories/face-embedding.repository';
import {
  AttendanceRecordResolver,
  AttendanceResolver,
  CourseResolver,
  PhotoFaceResolver,
  PhotoResolver,
  StudentResolver,
} from './resolvers';
import { buildAppSchema } from './schema/build-schema';
import type { Context } from './schema/context';
import { startHttpServer, type RunningServer } from './server';
import { AttendanceService } from './services/attendance.service';
import { CourseService } from './services/course.service';
import { EnrollmentService } from './services/enrollment.service';
import { PhotoService } from './services/photo.service';
import { RosterService } from './services/roster.service';
import { StudentService } from './services/student.service';
import { FileStorage } from './storage/file-storage';

export interface AppOptions {
  /** Share one inference pool between several app instances in one process (tests). */
  engine?: InferenceEngine;
  logger?: Logger;
}

export interface App extends RunningServer {
  engine: InferenceEngine;
  databaseKind: 'postgres' | 'pglite';
}

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
  const cache = await createCache(env.REDIS_URL);
  const storage = new FileStorage(path.resolve(env.STORAGE_DIR));
  await storage.init();
  const ownsEngine = !options.engine;
  const engine =
    options.engine ??
    createInferenceEngine({
      workers: env.INFERENCE_WORKERS,
      maxPixels: env.MAX_IMAGE_PIXELS,
      maxDimension: env.INFERENCE_MAX_DIMENSION,
      minDetectionScore: env.INFERENCE_MIN_DETECTION_SCORE,
      minFaceSize: env.INFERENCE_MIN_FACE_SIZE,
    });
  await engine.ready();

  const ds = db.dataSource;
  const embeddings = new FaceEmbeddingRepository(ds);
  const attendanceRepo = new AttendanceRepository();
  const courses = new CourseService(ds);
  const roster = new RosterService(ds, cache, env.ROSTER_CACHE_TTL_SECONDS);
  const model = () => engine.model;
  const students = new StudentService(ds, courses, roster, storage, model, logger);
  const enrollment = new EnrollmentService(
    ds,
    students,
    engine,
    roster,
    storage,
    { maxPhotos: env.MAX_PHOTOS_PER_ENROLLMENT },
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
    logger,
  );

  const resolvers = new Map<unknown, unknown>([
    [CourseResolver, new CourseResolver(courses, students, sessions)],
    [StudentResolver, new StudentResolver(students, enrollment, env.MAX_UPLOAD_BYTES)],
    [AttendanceResolver, new AttendanceResolver(sessions, photos)],
    [AttendanceRecordResolver, new AttendanceRecordResolver()],
    [PhotoResolver, new PhotoResolver(photos, sessions, env.MAX_UPLOAD_BYTES)],
    [PhotoFaceResolver, new PhotoFaceResolver(photos)],
  ]);
  const schema = await buildAppSchema({ get: (cls) => resolvers.get(cls) }, pubsub);

  const institution = await courses.defaultInstitution();
  const context = (live: boolean): Promise<Context> =>
    Promise.resolve({
      institutionId: institution.id,
      actor: 'anonymous',
      loaders: createLoaders(ds, embeddings, { cache: !live }),
      subscribeToSession: async (topic, sessionId) => {
        const session = await sessions.get(institution.id, sessionId);
        return pubsub.subscribe(topic, session.id);
      },
    });

  const server = await startHttpServer(
    schema,
    {
      context,
      health: async () => {
        const checks: Record<string, string> = {};
        try {
          await ds.query('SELECT 1');
          checks.database = 'ok';
        } catch {
          checks.database = 'down';
        }
        const stats = engine.stats();
        checks.inference = stats.workers > 0 ? 'ok' : 'down';
        return { ok: Object.values(checks).every((c) => c === 'ok'), checks };
      },
    },
    {
      host: env.HOST,
      port: env.PORT,
      maxUploadBytes: env.MAX_UPLOAD_BYTES,
      maxFiles: env.MAX_PHOTOS_PER_ENROLLMENT,
      introspection: env.GRAPHQL_INTROSPECTION,
      production: env.NODE_ENV === 'production',
    },
    logger,
  );

  const resumed = await photos.resumePending();
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
    engine,
    databaseKind: db.kind,
    close: async () => {
      await server.close();
      await photos.drain();
      await pubsub.close();
      await cache.close();
      if (ownsEngine) {
        await engine.close();
      }
      await db.close();
    },
  };
}

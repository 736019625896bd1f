import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

// Every variable Rollcall reads, in one place, parsed once. A bad value fails the boot with every
// problem listed, instead of surfacing as a strange error on the first request.

const int = (def: number) => z.coerce.number().int().nonnegative().default(def);
const bool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(def ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  PORT: int(4000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.string().url().optional(),
  PGLITE_DATA_DIR: z.string().default('./data/pglite'),
  REDIS_URL: z.string().url().optional(),
  STORAGE_DIR: z.string().default('./data/storage'),
  INFERENCE_WORKERS: int(Math.max(1, Math.min(4, os.availableParallelism()))),
  INFERENCE_MAX_DIMENSION: int(1920),
  INFERENCE_MIN_DETECTION_SCORE: z.coerce.number().min(0).max(1).default(0.4),
  INFERENCE_MIN_FACE_SIZE: int(20),
  MAX_UPLOAD_BYTES: int(15 * 1024 * 1024),
  MAX_IMAGE_PIXELS: int(50_000_000),
  MAX_PHOTOS_PER_ENROLLMENT: int(10),
  SUBMIT_WAIT_MS: int(10_000),
  LATE_AFTER_MINUTES: int(10),
  ROSTER_CACHE_TTL_SECONDS: int(300),
  RUN_MIGRATIONS: bool(true),
  GRAPHQL_INTROSPECTION: bool(true),
});

export type Env = Readonly<z.infer<typeof schema>>;

/** Names of variables whose values must never be logged. */
export const SENSITIVE_VARIABLES: ReadonlySet<keyof Env> = new Set(['DATABASE_URL', 'REDIS_URL']);

export const ENV_DESCRIPTIONS: Record<keyof Env, string> = {
  NODE_ENV: 'development | production | test',
  HOST: 'interface the HTTP server binds to',
  PORT: 'HTTP port (0 picks a free one)',
  LOG_LEVEL: 'pino log level',
  DATABASE_URL: 'PostgreSQL URL; unset = embedded PGlite',
  PGLITE_DATA_DIR: "embedded database directory ('memory://' keeps it in memory)",
  REDIS_URL: 'Redis URL for pub/sub and caches; unset = in-process',
  STORAGE_DIR: 'directory for uploaded photos and face thumbnails',
  INFERENCE_WORKERS: 'inference worker threads',
  INFERENCE_MAX_DIMENSION: 'longest side photos are resized to before detection',
  INFERENCE_MIN_DETECTION_SCORE: 'SSD MobileNet minimum confidence',
  INFERENCE_MIN_FACE_SIZE: 'faces smaller than this (px) are ignored',
  MAX_UPLOAD_BYTES: 'largest accepted upload',
  MAX_IMAGE_PIXELS: 'largest accepted image (width x height), checked before decoding',
  MAX_PHOTOS_PER_ENROLLMENT: 'most photos in one enrollFaces call',
  SUBMIT_WAIT_MS: 'how long submitPhoto waits for the result before answering QUEUED',
  LATE_AFTER_MINUTES: 'default minutes after a session opens after which arrivals are LATE',
  ROSTER_CACHE_TTL_SECONDS: "how long a course's roster embeddings stay cached",
  RUN_MIGRATIONS: 'apply pending migrations at start',
  GRAPHQL_INTROSPECTION: 'allow schema introspection',
};

export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const result = schema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid configuration:\n${problems}`);
  }
  return Object.freeze(result.data);
}

let cached: Env | undefined;
export function env(): Env {
  cached ??= parseEnv();
  return cached;
}

export function resolveDir(dir: string): string {
  return dir.startsWith('memory://') ? dir : path.resolve(dir);
}

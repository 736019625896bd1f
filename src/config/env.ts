import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { parseModelList } from '../inference/models';

// Every variable Rollcall reads, in one place, parsed once. A bad value fails the boot with every
// problem listed, instead of surfacing as a strange error on the first request.

const int = (def: number) => z.coerce.number().int().nonnegative().default(def);
const ratio = (def: number) => z.coerce.number().min(0).max(1).default(def);
/** A comma-separated list; empty entries are dropped. */
const list = () =>
  z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );
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
  INFERENCE_TILE_MIN_DIMENSION: int(2400),
  INFERENCE_TILE_SIZE: int(800),
  // Kept as the configured text (parsed where the engine is built); checked here so a typo fails the boot.
  RECOGNITION_MODELS: z
    .string()
    .default('face-api,mobilefacenet')
    .superRefine((v, ctx) => {
      try {
        parseModelList(v);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
      }
    }),
  MAX_UPLOAD_BYTES: int(15 * 1024 * 1024),
  MAX_IMAGE_PIXELS: int(50_000_000),
  MAX_PHOTOS_PER_ENROLLMENT: int(10),
  SUBMIT_WAIT_MS: int(10_000),
  LATE_AFTER_MINUTES: int(10),
  ROSTER_CACHE_TTL_SECONDS: int(300),
  RUN_MIGRATIONS: bool(true),
  GRAPHQL_INTROSPECTION: z.enum(['true', 'false', '1', '0']).optional(),
  GRAPHQL_MAX_DEPTH: int(10),
  GRAPHQL_MAX_ALIASES: int(20),
  GRAPHQL_MAX_COST: int(5000),
  GRAPHQL_MAX_TOKENS: int(2000),
  MAX_JSON_BODY_BYTES: int(1_000_000),
  AUTH_SECRET: z.string().min(32, 'AUTH_SECRET needs at least 32 characters').optional(),
  ACCESS_TOKEN_TTL_SECONDS: int(900),
  REFRESH_TOKEN_TTL_DAYS: int(30),
  DEV_LOGIN: z.enum(['auto', 'true', 'false']).default('auto'),
  RATE_LIMIT_PER_MINUTE: int(1200),
  INFERENCE_MAX_PHOTO_PIXELS: int(25_000_000),
  INFERENCE_BUDGET_PER_MINUTE: int(0),
  INFERENCE_BUDGET_TOTAL_PER_MINUTE: int(0),
  LOGIN_ATTEMPTS_PER_MINUTE: int(10),
  MEDIA_URL_TTL_SECONDS: int(600),
  RETENTION_DAYS: int(180),
  RETENTION_SWEEP_MINUTES: int(60),
  CLIENT_DIR: z.string().default('./client/out'),
  INSTANCE_ID: z.string().min(1).optional(),
  METRICS_INTERVAL_MS: z.coerce.number().int().min(100).default(5_000),
  METRICS_WINDOW_MS: z.coerce.number().int().min(1_000).default(300_000),
  METRICS_TOKEN: z.string().min(1).optional(),
  AT_RISK_ATTENDANCE_RATE: ratio(0.8),
  AT_RISK_ABSENCE_STREAK: z.coerce.number().int().min(1).default(3),
  ALERTS_ENABLED: bool(true),
  ALERT_EVAL_INTERVAL_MS: z.coerce.number().int().min(100).default(15_000),
  ALERT_ERROR_RATE: ratio(0.01),
  ALERT_ERROR_MIN_REQUESTS: int(20),
  ALERT_PHOTO_P95_MS: int(30_000),
  ALERT_QUEUE_BACKLOG: int(50),
  ALERT_CRASH_LOOP_COUNT: z.coerce.number().int().min(1).default(3),
  ALERT_KEY_FAILURES: z.coerce.number().int().min(1).default(5),
  ALERT_WEBHOOK_URLS: list().pipe(z.array(z.string().url())),
  ALERT_WEBHOOK_SECRET: z.string().min(16).optional(),
  SMTP_URL: z.string().url().optional(),
  ALERT_EMAIL_TO: list().pipe(z.array(z.string().email())),
  ALERT_EMAIL_FROM: z.string().default('Rollcall alerts <alerts@rollcall.invalid>'),
  ALERT_DELIVERY_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  ALERT_DELIVERY_BACKOFF_MS: int(1_000),
  REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(50).default(1_000),
  DB_CONNECT_TIMEOUT_MS: int(5_000),
  DB_CONNECT_RETRY_MS: int(30_000),
  DB_STATEMENT_TIMEOUT_MS: int(30_000),
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: int(60_000),
  INFERENCE_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(300_000),
  // Job queue, inference workers, autoscaling and degradation (issue #11).
  INFERENCE_MODE: z.enum(['local', 'remote']).default('local'),
  STORAGE_DRIVER: z.enum(['auto', 'file', 'database']).default('auto'),
  MIN_WORKERS: z.coerce.number().int().min(1).default(1),
  MAX_WORKERS: z.coerce
    .number()
    .int()
    .min(1)
    .default(Math.max(1, Math.min(4, os.availableParallelism()))),
  QUEUE_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(5),
  QUEUE_BACKOFF_MS: int(1_000),
  QUEUE_LOCK_MS: z.coerce.number().int().min(1_000).default(10_000),
  QUEUE_STALLED_INTERVAL_MS: z.coerce.number().int().min(500).default(5_000),
  QUEUE_SAMPLE_INTERVAL_MS: z.coerce.number().int().min(100).default(2_000),
  PHOTO_RECOVERY_INTERVAL_MS: z.coerce.number().int().min(100).default(10_000),
  PHOTO_RECOVERY_GRACE_MS: int(10_000),
  DEGRADE_REDUCED_BACKLOG: z.coerce.number().int().min(1).default(20),
  DEGRADE_MINIMAL_BACKLOG: z.coerce.number().int().min(1).default(100),
  DEGRADE_REDUCED_CPU: z.coerce.number().min(0).max(1.01).default(0.9),
  DEGRADE_MINIMAL_CPU: z.coerce.number().min(0).max(1.01).default(0.97),
  ALERT_DEAD_LETTERS: z.coerce.number().int().min(1).default(1),
  WEBHOOK_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
  WEBHOOK_BACKOFF_MS: int(2_000),
  WEBHOOK_TIMEOUT_MS: int(10_000),
  TIMETABLE_ENABLED: bool(true),
  TIMETABLE_INTERVAL_MS: int(15_000),
  INFERENCE_BACKEND: z.enum(['auto', 'gpu', 'node', 'wasm', 'cpu']).default('auto'),
});

/** Rules across variables, checked after each variable is valid on its own. */
const checked = schema
  // Unsigned alert webhooks could be forged by anyone who learns the receiver's URL.
  .refine((e) => e.ALERT_WEBHOOK_URLS.length === 0 || e.ALERT_WEBHOOK_SECRET, {
    path: ['ALERT_WEBHOOK_SECRET'],
    message: 'required when ALERT_WEBHOOK_URLS is set',
  })
  .refine((e) => e.ALERT_EMAIL_TO.length === 0 || e.SMTP_URL, {
    path: ['SMTP_URL'],
    message: 'required when ALERT_EMAIL_TO is set',
  })
  // Without Redis, jobs stay in this process: someone here must run them.
  .refine((e) => e.INFERENCE_MODE === 'local' || e.REDIS_URL, {
    path: ['INFERENCE_MODE'],
    message: 'remote needs REDIS_URL (the job queue that `npm run worker` processes pull from)',
  })
  .refine((e) => e.MIN_WORKERS <= e.MAX_WORKERS, {
    path: ['MIN_WORKERS'],
    message: 'must not exceed MAX_WORKERS',
  });

export type Env = Readonly<z.infer<typeof schema>>;

/** Names of variables whose values must never be logged. */
export const SENSITIVE_VARIABLES: ReadonlySet<keyof Env> = new Set([
  'AUTH_SECRET',
  'DATABASE_URL',
  'REDIS_URL',
  'METRICS_TOKEN',
  'ALERT_WEBHOOK_SECRET',
  'SMTP_URL',
]);

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
  INFERENCE_TILE_MIN_DIMENSION:
    'photos with a longer side from this many px are also scanned for small faces where skin-coloured structure is (0 = off)',
  INFERENCE_TILE_SIZE:
    'small-face scan: faces up to half this (px) count as small; tile side when the candidate regions would cost more than tiling the whole photo',
  RECOGNITION_MODELS:
    'embedding models, comma-separated: face-api, mobilefacenet (one failing to load is left out)',
  MAX_UPLOAD_BYTES: 'largest accepted upload',
  MAX_IMAGE_PIXELS: 'largest accepted image (width x height), checked before decoding',
  MAX_PHOTOS_PER_ENROLLMENT: 'most photos in one enrollFaces call',
  SUBMIT_WAIT_MS: 'how long submitPhoto waits for the result before answering QUEUED',
  LATE_AFTER_MINUTES: 'default minutes after a session opens after which arrivals are LATE',
  ROSTER_CACHE_TTL_SECONDS: "how long a course's roster embeddings stay cached",
  RUN_MIGRATIONS: 'apply pending migrations at start',
  GRAPHQL_INTROSPECTION: 'allow schema introspection (default: off in production)',
  GRAPHQL_MAX_DEPTH: 'deepest selection set accepted',
  GRAPHQL_MAX_ALIASES: 'most aliases in one operation',
  GRAPHQL_MAX_COST: 'highest estimated cost of one operation',
  GRAPHQL_MAX_TOKENS: 'most tokens in one document',
  MAX_JSON_BODY_BYTES: 'largest JSON request body',
  AUTH_SECRET: 'signs access tokens and media links (>= 32 chars); required in production',
  ACCESS_TOKEN_TTL_SECONDS: 'lifetime of an access token',
  REFRESH_TOKEN_TTL_DAYS: 'lifetime of a refresh token',
  DEV_LOGIN:
    'auto | true | false: create admin@rollcall.local / rollcall-dev (embedded, non-production only: true with NODE_ENV=production or DATABASE_URL stops the boot)',
  RATE_LIMIT_PER_MINUTE:
    'requests per minute per user, API key or anonymous address (HTTP requests and WebSocket operations alike)',
  INFERENCE_MAX_PHOTO_PIXELS:
    'largest photo (width x height) analysed; bigger ones answer IMAGE_TOO_LARGE before decoding',
  INFERENCE_BUDGET_PER_MINUTE:
    'inference cost units (detector passes, tiles and decoded megapixels) per minute per caller; 0 = 200 x INFERENCE_WORKERS',
  INFERENCE_BUDGET_TOTAL_PER_MINUTE:
    'inference cost units per minute for all callers together; 0 = 600 x INFERENCE_WORKERS',
  LOGIN_ATTEMPTS_PER_MINUTE: 'login attempts per minute per e-mail and address',
  MEDIA_URL_TTL_SECONDS: 'how long a signed image link stays valid',
  RETENTION_DAYS: 'class photos and their faces are deleted after this many days (0 = never)',
  RETENTION_SWEEP_MINUTES: 'how often the retention purge runs',
  CLIENT_DIR: 'built dashboard (static export) served at /, when present',
  INSTANCE_ID: 'name of this server instance in metrics and alerts; unset = hostname-pid-random',
  METRICS_INTERVAL_MS: 'how often each instance publishes a metrics snapshot (metricsUpdated, alert input)',
  METRICS_WINDOW_MS: 'sliding window for error rate, p95 photo latency and worker crashes',
  METRICS_TOKEN: 'if set, GET /metrics requires "Authorization: Bearer <token>"',
  AT_RISK_ATTENDANCE_RATE: 'students attending less than this share of sessions are at risk (0..1)',
  AT_RISK_ABSENCE_STREAK: 'students absent this many consecutive sessions are at risk (and alerted)',
  ALERTS_ENABLED: 'evaluate alert rules (one instance at a time when REDIS_URL is set)',
  ALERT_EVAL_INTERVAL_MS: 'how often alert rules are evaluated',
  ALERT_ERROR_RATE: 'alert when this share of GraphQL operations fails over METRICS_WINDOW_MS (0..1)',
  ALERT_ERROR_MIN_REQUESTS: 'fewest operations in the window before the error rate can alert',
  ALERT_PHOTO_P95_MS: 'alert when p95 submit-to-result photo latency exceeds this (ms)',
  ALERT_QUEUE_BACKLOG: 'alert when more photos than this wait in the inference queues',
  ALERT_CRASH_LOOP_COUNT: 'alert when inference workers crash this many times within METRICS_WINDOW_MS',
  ALERT_KEY_FAILURES: 'alert when one integration API key fails this many times within METRICS_WINDOW_MS',
  ALERT_WEBHOOK_URLS: 'comma-separated URLs that receive alert changes as signed JSON POSTs',
  ALERT_WEBHOOK_SECRET: 'HMAC-SHA256 key for the X-Rollcall-Signature header of alert webhooks (16+ chars)',
  SMTP_URL: 'SMTP server for alert e-mail, e.g. smtp://user:pass@mail:587',
  ALERT_EMAIL_TO: 'comma-separated addresses that receive alert e-mail',
  ALERT_EMAIL_FROM: 'sender of alert e-mail',
  ALERT_DELIVERY_ATTEMPTS: 'attempts per alert delivery (webhook or e-mail) before giving up',
  ALERT_DELIVERY_BACKOFF_MS: 'delay before the first retry of a failed delivery; doubles each time',
  REDIS_COMMAND_TIMEOUT_MS:
    'a Redis command unanswered after this fails (cache lookups then read the database; a paused Redis never hangs requests)',
  DB_CONNECT_TIMEOUT_MS: 'PostgreSQL: one connection attempt gives up after this (0 = never)',
  DB_CONNECT_RETRY_MS:
    'PostgreSQL: how long a request or job keeps retrying to connect while the server is unreachable (restart, failover)',
  DB_STATEMENT_TIMEOUT_MS: 'PostgreSQL statement_timeout (0 = none)',
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: 'PostgreSQL idle_in_transaction_session_timeout (0 = none)',
  INFERENCE_TIMEOUT_MS:
    "one photo's analysis (queueing in the pool included) fails after this; repeated failures open the inference breaker",
  INFERENCE_MODE:
    'local: this server analyses photos itself | remote: only `npm run worker` processes do (needs REDIS_URL)',
  STORAGE_DRIVER:
    'file: photos and face crops under STORAGE_DIR | database: in PostgreSQL (workers on other machines) | auto: database with DATABASE_URL and REDIS_URL, else file',
  MIN_WORKERS: 'fewest photo jobs a process runs at once (autoscaling floor)',
  MAX_WORKERS:
    'most photo jobs a process runs at once (autoscaling ceiling; size INFERENCE_WORKERS to match)',
  QUEUE_ATTEMPTS: 'attempts per photo before it is dead-lettered (DEAD_LETTER with the reason)',
  QUEUE_BACKOFF_MS: 'delay before the first retry of a photo job; doubles each time',
  QUEUE_LOCK_MS:
    "a running job's lock; a dead worker's jobs run elsewhere after at most this + the stalled interval",
  QUEUE_STALLED_INTERVAL_MS: 'how often workers look for jobs whose worker died',
  QUEUE_SAMPLE_INTERVAL_MS: 'how often queue depth and CPU are sampled for autoscaling and degradation',
  PHOTO_RECOVERY_INTERVAL_MS: 'how often unfinished photos without a queued job are queued again',
  PHOTO_RECOVERY_GRACE_MS: 'age of an unfinished photo before the recovery sweep looks at it',
  DEGRADE_REDUCED_BACKLOG: 'waiting photos from which analysis drops tiling and extra models (REDUCED)',
  DEGRADE_MINIMAL_BACKLOG: 'waiting photos from which analysis also drops thumbnails (MINIMAL)',
  DEGRADE_REDUCED_CPU: 'CPU busy share (0..1) from which analysis is REDUCED',
  DEGRADE_MINIMAL_CPU: 'CPU busy share (0..1) from which analysis is MINIMAL',
  ALERT_DEAD_LETTERS: 'alert when this many photos are dead-lettered within METRICS_WINDOW_MS',
  WEBHOOK_ATTEMPTS: 'attempts per LMS webhook delivery before it is marked FAILED (admins can replay it)',
  WEBHOOK_BACKOFF_MS: 'delay before the first retry of a webhook delivery; doubles each time',
  WEBHOOK_TIMEOUT_MS: 'how long a webhook receiver may take to answer',
  TIMETABLE_ENABLED:
    'open and close sessions from course timetables (one instance at a time when REDIS_URL is set)',
  TIMETABLE_INTERVAL_MS: 'how often the timetable is checked for slots starting or ending',
  INFERENCE_BACKEND:
    '`auto` tries tfjs-node-gpu, tfjs-node, WASM, cpu in order; or force `gpu`, `node`, `wasm`, `cpu`',
};

export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const result = checked.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid configuration:\n${problems}`);
  }
  if (
    result.data.DEV_LOGIN === 'true' &&
    (result.data.NODE_ENV === 'production' || result.data.DATABASE_URL)
  ) {
    throw new Error(
      'Invalid configuration:\n  DEV_LOGIN: true is refused in production and with DATABASE_URL ' +
        '(it would create an admin with a published password); create the first admin with `npm run create-admin`',
    );
  }
  if (result.data.NODE_ENV === 'production' && !result.data.AUTH_SECRET) {
    throw new Error(
      'Invalid configuration:\n  AUTH_SECRET: required in production (>= 32 random characters)',
    );
  }
  return Object.freeze(result.data);
}

/** Introspection is on unless switched off, or in production unless switched on. */
export const introspectionEnabled = (env: Env): boolean =>
  env.GRAPHQL_INTROSPECTION === undefined
    ? env.NODE_ENV !== 'production'
    : env.GRAPHQL_INTROSPECTION === 'true' || env.GRAPHQL_INTROSPECTION === '1';

/**
 * Whether the development login (a known admin password) is enabled: never in production nor on a
 * real database, whatever DEV_LOGIN says (parseEnv refuses DEV_LOGIN=true there; this holds for an
 * Env built any other way too).
 */
export const devLoginEnabled = (env: Env): boolean =>
  !env.DATABASE_URL && env.NODE_ENV !== 'production' && env.DEV_LOGIN !== 'false';

let cached: Env | undefined;
export function env(): Env {
  cached ??= parseEnv();
  return cached;
}

/** Where photos live: in the database as soon as several instances can share work (PostgreSQL + Redis). */
export const storageDriver = (env: Env): 'file' | 'database' =>
  env.STORAGE_DRIVER === 'auto'
    ? env.DATABASE_URL && env.REDIS_URL
      ? 'database'
      : 'file'
    : env.STORAGE_DRIVER;

export function resolveDir(dir: string): string {
  return dir.startsWith('memory://') ? dir : path.resolve(dir);
}

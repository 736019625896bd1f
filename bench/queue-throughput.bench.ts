import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { quantile } from 'simple-statistics';
import { In } from 'typeorm';
import { startApp, type App } from '../src/app';
import { parseEnv } from '../src/config/env';
import { PhotoStatus, SubmittedPhoto } from '../src/entities/submitted-photo.entity';
import { gql } from './graphql-http';

// The job queue (issue #11), all in one run on the same photos:
//   1. an API instance that runs no inference (INFERENCE_MODE=remote) and BullMQ on Redis, with one
//      and then two `npm run worker` processes (one inference thread each) pulling from the queue:
//      photos per second with all photos submitted at once, and the ratio;
//   2. the queue's overhead per photo: photos sent one at a time through that path and through the
//      in-process path (an instance without Redis running its own pool), same storage and database,
//      alternating photo by photo so that both see the same load (measured first, on one worker).
// Latency is the photo row's submittedAt -> processedAt (both paths write them the same way), so no
// polling interval enters it; processingMs (the inference itself) is shown beside it.
// Needs DATABASE_URL and REDIS_URL; npm run bench:queue.

const ROOT = path.resolve(__dirname, '..', '..');
const FACES = path.resolve(ROOT, '..', 'shared', 'faces');
const PHOTOS = Number(process.env.BENCH_PHOTOS ?? 16);
const ONE_AT_A_TIME = Number(process.env.BENCH_SEQUENTIAL ?? 6);
const SECRET = 'rollcall-bench-secret-0123456789abcdef';
const SUBMIT = `mutation($sessionId: ID!, $photo: Upload!) { submitPhoto(sessionId: $sessionId, photo: $photo) { id } }`;

// Shared by the API instances and the worker processes: one inference thread per process, no
// autoscaling and no degradation (every photo analysed the same way whatever the backlog), and no
// recovery sweep picking up other runs' photos.
const COMMON = {
  NODE_ENV: 'test',
  HOST: '127.0.0.1',
  PORT: '0',
  AUTH_SECRET: SECRET,
  DEV_LOGIN: 'false',
  STORAGE_DRIVER: 'database',
  INFERENCE_WORKERS: '1',
  MIN_WORKERS: '1',
  MAX_WORKERS: '1',
  DEGRADE_REDUCED_BACKLOG: '100000',
  DEGRADE_MINIMAL_BACKLOG: '100000',
  DEGRADE_REDUCED_CPU: '1.01',
  DEGRADE_MINIMAL_CPU: '1.01',
  PHOTO_RECOVERY_GRACE_MS: String(24 * 3600_000),
  ALERTS_ENABLED: 'false',
  RATE_LIMIT_PER_MINUTE: '1000000',
  INFERENCE_BUDGET_PER_MINUTE: '100000000',
  INFERENCE_BUDGET_TOTAL_PER_MINUTE: '100000000',
  SUBMIT_WAIT_MS: '0',
};

/** Distinct small photos (LFW 250x250, one face each) from ../shared/faces. */
async function photos(count: number): Promise<Buffer[]> {
  const root = path.join(FACES, 'pairs', 'lfw');
  const files: string[] = [];
  for (const person of (await readdir(root)).sort()) {
    for (const file of (await readdir(path.join(root, person))).sort()) {
      files.push(path.join(root, person, file));
    }
  }
  if (files.length < count) {
    throw new Error(`need ${count} photos, ${root} has ${files.length}`);
  }
  return Promise.all(files.slice(0, count).map((f) => readFile(f)));
}

async function submit(url: string, token: string, sessionId: string, photo: Buffer): Promise<string> {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query: SUBMIT, variables: { sessionId, photo: null } }));
  form.append('map', JSON.stringify({ 0: ['variables.photo'] }));
  form.append('0', new Blob([photo], { type: 'image/jpeg' }), 'photo.jpg');
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Apollo-Require-Preflight': 'true', authorization: `Bearer ${token}` },
    body: form,
  });
  const body = (await res.json()) as { data?: { submitPhoto: { id: string } }; errors?: unknown[] };
  if (!body.data) {
    throw new Error(`submitPhoto: ${JSON.stringify(body.errors)}`);
  }
  return body.data.submitPhoto.id;
}

interface Phase {
  rows: SubmittedPhoto[];
  /** First submission stored -> last photo done. */
  spanMs: number;
}

/** Waits until every photo is DONE (anything else is a failed bench). */
async function finished(app: App, ids: string[], timeoutMs = 600_000): Promise<Phase> {
  const repo = app.dataSource.getRepository(SubmittedPhoto);
  const end = Date.now() + timeoutMs;
  for (;;) {
    const rows = await repo.findBy({ id: In(ids) });
    const open = rows.filter((r) => r.status === PhotoStatus.QUEUED || r.status === PhotoStatus.PROCESSING);
    if (rows.length === ids.length && open.length === 0) {
      const bad = rows.filter((r) => r.status !== PhotoStatus.DONE);
      if (bad.length > 0) {
        throw new Error(`photos not DONE: ${bad.map((r) => `${r.status} ${r.errorCode}`).join(', ')}`);
      }
      const first = Math.min(...rows.map((r) => r.submittedAt.getTime()));
      const last = Math.max(...rows.map((r) => r.processedAt!.getTime()));
      return { rows, spanMs: last - first };
    }
    if (Date.now() > end) {
      throw new Error(`${open.length} of ${ids.length} photos unfinished after ${timeoutMs} ms`);
    }
    await sleep(25);
  }
}

interface Instance {
  app: App;
  token: string;
  session(): Promise<string>;
}

async function instance(overrides: Record<string, string | undefined>): Promise<Instance> {
  const app = await startApp(
    parseEnv({ ...process.env, ...COMMON, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', ...overrides }),
  );
  const email = `bench-${Date.now()}@queue.test`;
  await app.auth.bootstrapAdmin(`queue-${Date.now()}`, {
    email,
    name: 'Bench',
    password: 'correct horse battery',
  });
  const { accessToken: token } = await app.auth.login(email, 'correct horse battery', 'bench');
  const { createCourse } = await gql<{ createCourse: { id: string } }>(
    app.url,
    token,
    `mutation($input: CreateCourseInput!) { createCourse(input: $input) { id } }`,
    { input: { code: `Q-${Date.now()}`, name: 'Queue bench' } },
  );
  // A photo is deduplicated within its session only: a fresh session per phase sends the same bytes.
  const session = async () =>
    (
      await gql<{ startSession: { id: string } }>(
        app.url,
        token,
        `mutation($courseId: ID!) { startSession(courseId: $courseId) { id } }`,
        { courseId: createCourse.id },
      )
    ).startSession.id;
  return { app, token, session };
}

/** All at once: photos per second from the first stored to the last done. */
async function throughput(api: Instance, images: Buffer[]): Promise<{ perSecond: number; phase: Phase }> {
  const sessionId = await api.session();
  const ids = await Promise.all(images.map((p) => submit(api.app.url, api.token, sessionId, p)));
  const phase = await finished(api.app, ids);
  return { perSecond: ids.length / (phase.spanMs / 1000), phase };
}

interface Sequential {
  latency: number[];
  inference: number[];
}

/**
 * One at a time, alternating photo by photo between the paths so that both see the same load on a
 * shared machine: each photo's submittedAt -> processedAt, and its inference time.
 */
async function oneAtATime(paths: Instance[], images: Buffer[]): Promise<Sequential[]> {
  const sessions = await Promise.all(paths.map((p) => p.session()));
  const out = paths.map((): Sequential => ({ latency: [], inference: [] }));
  for (const image of images) {
    for (const [i, api] of paths.entries()) {
      const id = await submit(api.app.url, api.token, sessions[i]!, image);
      const [row] = (await finished(api.app, [id])).rows;
      out[i]!.latency.push(row!.processedAt!.getTime() - row!.submittedAt.getTime());
      out[i]!.inference.push(row!.processingMs ?? 0);
    }
  }
  return out;
}

interface Worker {
  child: ChildProcess;
  ready: Promise<void>;
  exited: Promise<void>;
}

/** `npm run worker` as deployed: its own process, DATABASE_URL and REDIS_URL only. */
function spawnWorker(name: string): Worker {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'src', 'worker-main.js')], {
    cwd: ROOT,
    env: { ...process.env, ...COMMON, LOG_LEVEL: 'info', RUN_MIGRATIONS: 'false', INFERENCE_MODE: 'remote' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      if (/worker ready/.test(buffer)) {
        resolve();
      }
      buffer = buffer.slice(Math.max(0, buffer.lastIndexOf('\n')));
    });
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before it was ready`)));
  });
  ready.catch(() => undefined);
  child.stderr.on('data', (d: Buffer) => process.stderr.write(`[${name}] ${d.toString()}`));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, ready, exited };
}

const p50 = (xs: number[]) => quantile(xs, 0.5);
const ms = (n: number) => `${n.toFixed(0)} ms`;

async function main(): Promise<void> {
  if (!process.env.DATABASE_URL || !process.env.REDIS_URL) {
    throw new Error('the queue bench needs DATABASE_URL and REDIS_URL (BullMQ and the worker processes)');
  }
  const images = await photos(Math.max(PHOTOS, ONE_AT_A_TIME));
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(
    `${PHOTOS} photos at once, ${ONE_AT_A_TIME} one at a time (LFW 250x250), one inference thread per process`,
  );

  // An API without inference on BullMQ (worker processes run the photos), and an instance without
  // Redis running its own pool and in-process queue; same database, same storage driver.
  const api = await instance({ INFERENCE_MODE: 'remote' });
  const local = await instance({ REDIS_URL: undefined, INFERENCE_MODE: 'local' });
  const workers: Worker[] = [];
  try {
    workers.push(spawnWorker('worker-1'));
    await workers[0]!.ready;
    await oneAtATime([api, local], images.slice(0, 2)); // warm-up: models compiled, connections open
    const [queued, embedded] = (await oneAtATime([api, local], images.slice(0, ONE_AT_A_TIME))) as [
      Sequential,
      Sequential,
    ];
    const outside = (s: Sequential) => p50(s.latency.map((l, i) => l - s.inference[i]!));
    out(
      `one at a time, BullMQ + worker process: p50 ${ms(p50(queued.latency))} submitted -> done, ` +
        `of which inference ${ms(p50(queued.inference))}, the rest ${ms(outside(queued))}`,
    );
    out(
      `one at a time, in-process queue and pool: p50 ${ms(p50(embedded.latency))} submitted -> done, ` +
        `of which inference ${ms(p50(embedded.inference))}, the rest ${ms(outside(embedded))}`,
    );
    out(
      `queue overhead per photo (p50, outside inference): ${ms(outside(queued) - outside(embedded))}; ` +
        `whole path ${(p50(queued.latency) / p50(embedded.latency)).toFixed(2)}x the in-process one`,
    );
    await local.app.close();

    const one = await throughput(api, images.slice(0, PHOTOS));
    out(`1 worker process:  ${one.perSecond.toFixed(3)} photos/s (${PHOTOS} in ${ms(one.phase.spanMs)})`);
    workers.push(spawnWorker('worker-2'));
    await workers[1]!.ready;
    await throughput(api, images.slice(0, 4)); // warm-up of the second worker (both take jobs)
    const two = await throughput(api, images.slice(0, PHOTOS));
    out(`2 worker processes: ${two.perSecond.toFixed(3)} photos/s (${PHOTOS} in ${ms(two.phase.spanMs)})`);
    out(`2 workers / 1 worker: ${(two.perSecond / one.perSecond).toFixed(2)}x`);
  } finally {
    workers.forEach((w) => w.child.kill('SIGTERM'));
    await Promise.all(workers.map((w) => Promise.race([w.exited, sleep(15_000)])));
    workers.forEach((w) => w.child.kill('SIGKILL'));
    await api.app.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);

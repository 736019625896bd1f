import 'reflect-metadata';
import { fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { createClient, type Client } from 'graphql-ws';
import { quantile } from 'simple-statistics';
import WebSocket from 'ws';
import { startApp } from '../src/app';
import { parseEnv } from '../src/config/env';
import { gql } from './graphql-http';

// Fan-out of live attendance events (issue #11): SUBSCRIBERS graphql-ws subscriptions split over
// two server instances sharing PostgreSQL and Redis, MARKS attendance marks sent to one of them.
// Every event must reach every subscriber; the number that matters is p99 from sending the mutation
// to each receipt. Run twice in one process: selecting only the record's own fields (the baseline
// with no per-event lookups) and selecting its student too (what an LMS or a second dashboard asks
// for). Each server instance runs in a process of its own, like two replicas, and the subscribers in
// a third (as clients run elsewhere). All
// subscribers share one login, so each instance executes an event once for all of them
// (src/schema/shared-subscribe.ts). Needs DATABASE_URL and REDIS_URL; BENCH_VERBOSE=1 prints each
// mark (its round trip and the spread of its receipts).

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 1000);
const PER_CONNECTION = Number(process.env.BENCH_PER_CONNECTION ?? 10);
/** Distinct callers (API keys, as LMS integrations hold them): 1 = every socket signs in as the admin. */
const CALLERS = Number(process.env.BENCH_CALLERS ?? 1);
const MARKS = Number(process.env.BENCH_MARKS ?? 50);
/** A pause after each mark, as a teacher marks now and then (0: back to back, the default). */
const PAUSE_MS = Number(process.env.BENCH_PAUSE_MS ?? 0);
const SECRET = 'rollcall-bench-secret-0123456789abcdef';

/** Wall-clock milliseconds, comparable between this process and the subscriber process. */
const now = () => performance.timeOrigin + performance.now();

interface SubscriberJob {
  wsUrls: string[];
  /** The `authorization` of each caller; socket c signs in as caller c mod their number. */
  authorizations: string[];
  sessionId: string;
  selection: string;
}

/**
 * The subscriber side, in a child process of its own: the clients' parsing of 50,000 messages is
 * not the servers' cost, and on the same event loop it would queue in front of their fan-out.
 * graphql-ws does not acknowledge a subscription, so the parent sends probe marks until every
 * subscriber has seen one ('ready'); on 'go' the child waits for stray probes to drain, starts
 * counting ('armed'), and answers the receipt times once all measured marks arrived (or 60 s).
 */
async function subscriberProcess(): Promise<void> {
  // In the environment, not a message: one sent before the child listens would be lost.
  const job = JSON.parse(process.env.BENCH_SUBSCRIBER_JOB!) as SubscriberJob;
  let armed = false;
  process.once('message', () => {
    setTimeout(() => {
      armed = true;
      process.send!({ armed: true });
    }, 1_000);
  });
  const clients: Client[] = [];
  const receipts: number[][] = [];
  const seen = new Set<number>();
  const done: Promise<void>[] = [];
  for (let c = 0; c < SUBSCRIBERS / PER_CONNECTION; c++) {
    const client = createClient({
      url: job.wsUrls[c % job.wsUrls.length]!,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: job.authorizations[c % job.authorizations.length] },
      retryAttempts: 0,
    });
    clients.push(client);
    for (let s = 0; s < PER_CONNECTION; s++) {
      const index = receipts.length;
      const times: number[] = [];
      receipts.push(times);
      done.push(
        new Promise<void>((resolve, reject) => {
          client.subscribe(
            {
              query: `subscription($id: ID!) { attendanceMarked(sessionId: $id) { ${job.selection} } }`,
              variables: { id: job.sessionId },
            },
            {
              next: () => {
                if (!armed) {
                  if (!seen.has(index) && seen.add(index).size === SUBSCRIBERS) {
                    process.send!({ ready: true });
                  }
                  return;
                }
                times.push(now());
                // No unsubscribing here: 1000 'complete' messages sent while the last event is still
                // arriving on other sockets delayed its receipt (the clients are disposed at the end).
                if (times.length === MARKS) {
                  resolve();
                }
              },
              error: reject,
              complete: () => resolve(),
            },
          );
        }),
      );
    }
  }
  await new Promise<void>((resolve) => process.once('message', () => setTimeout(resolve, 1_000)));
  await Promise.race([Promise.all(done), new Promise((r) => setTimeout(r, 60_000))]);
  clients.forEach((c) => void c.dispose());
  // Disconnecting only once the (large) message is handed over, or it is lost.
  process.send!({ receipts }, () => process.disconnect());
}

/** A server instance in a process of its own (a replica): its addresses, and how to stop it. */
interface Replica {
  url: string;
  wsUrl: string;
  /** An access token of the bench's admin, from the replica that created it. */
  token?: string;
  close(): Promise<void>;
}

const ADMIN_PASSWORD = 'correct horse battery';

function benchEnv() {
  return parseEnv({
    ...process.env,
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    AUTH_SECRET: SECRET,
    DEV_LOGIN: 'false',
    INFERENCE_MODE: 'remote',
    ALERTS_ENABLED: 'false',
    RATE_LIMIT_PER_MINUTE: '10000000',
    GRAPHQL_MAX_COST: '100000',
  });
}

/** The replica side: starts one instance (the first one also creates the bench's admin). */
async function serverProcess(): Promise<void> {
  const app = await startApp(benchEnv());
  let token: string | undefined;
  if (process.argv.includes('--bootstrap')) {
    const email = `bench-${Date.now()}@fanout.test`;
    await app.auth.bootstrapAdmin(`fanout-${Date.now()}`, { email, name: 'Bench', password: ADMIN_PASSWORD });
    token = (await app.auth.login(email, ADMIN_PASSWORD, 'bench')).accessToken;
  }
  process.once('message', () => {
    // Bounded: a bench that failed midway must still end, not hang on a draining server.
    void Promise.race([app.close(), new Promise((r) => setTimeout(r, 20_000))]).then(() => process.exit(0));
  });
  process.send!({ url: app.url, wsUrl: app.wsUrl, token });
}

async function startReplica(bootstrap: boolean): Promise<Replica> {
  const child = fork(__filename, ['--server', ...(bootstrap ? ['--bootstrap'] : [])], { stdio: 'inherit' });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const started = await new Promise<{ url: string; wsUrl: string; token?: string }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { url: string; wsUrl: string; token?: string }));
    child.once('exit', (code) => reject(new Error(`a replica exited with ${code} before it started`)));
  });
  return {
    ...started,
    close: async () => {
      child.send({ stop: true });
      await Promise.race([exited, new Promise((r) => setTimeout(r, 25_000))]);
      child.kill('SIGKILL');
    },
  };
}

interface RunResult {
  p50: number;
  p99: number;
  max: number;
  delivered: number;
  expected: number;
  /** The mutation's own round trip (sent to answered), p50 and p99. */
  markP50: number;
  markP99: number;
}

async function run(
  apps: Replica[],
  token: string,
  authorizations: string[],
  sessionId: string,
  studentId: string,
  selection: string,
): Promise<RunResult> {
  const job: SubscriberJob = { wsUrls: apps.map((a) => a.wsUrl), authorizations, sessionId, selection };
  const child = fork(__filename, ['--subscribers'], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_SUBSCRIBER_JOB: JSON.stringify(job) },
  });
  const exited = new Promise((r) => child.once('exit', r));
  const messages: { ready?: boolean; armed?: boolean; receipts?: number[][] }[] = [];
  let wake: () => void = () => undefined;
  child.on('message', (m) => {
    messages.push(m as (typeof messages)[number]);
    wake();
  });
  const nextMessage = async (kind: 'ready' | 'armed' | 'receipts') => {
    for (;;) {
      const found = messages.findIndex((m) => kind in m);
      if (found >= 0) {
        return messages.splice(found, 1)[0]!;
      }
      await new Promise<void>((r) => (wake = r));
    }
  };
  const statuses = ['PRESENT', 'LATE', 'ABSENT', 'EXCUSED'];
  const mark = (i: number, note: string) =>
    gql(
      apps[0]!.url,
      token,
      `mutation($input: MarkAttendanceInput!) { markAttendance(input: $input) { id } }`,
      { input: { sessionId, studentId, status: statuses[i % statuses.length], note } },
    );
  // Probes until every subscription is in place on its server.
  const probing = Date.now();
  for (let p = 0; messages.length === 0; p++) {
    if (Date.now() - probing > 300_000) {
      throw new Error('subscribers not all in place after 300 s');
    }
    // A probe refused while 1000 subscriptions are being set up (pool busy) is simply sent again.
    await mark(p, `probe ${p}`).catch((error: unknown) =>
      process.stderr.write(`probe ${p} refused: ${String(error).slice(0, 200)}\n`),
    );
    await new Promise((r) => setTimeout(r, 1_000));
  }
  process.stderr.write(`every subscription in place after ${((Date.now() - probing) / 1000).toFixed(1)} s\n`);
  await nextMessage('ready');
  child.send({ go: true });
  await nextMessage('armed');
  const sent: number[] = [];
  const answered: number[] = [];
  for (let i = 0; i < MARKS; i++) {
    sent.push(now());
    await mark(i, `mark ${i}`);
    answered.push(now() - sent[i]!);
    if (PAUSE_MS > 0) {
      await new Promise((r) => setTimeout(r, PAUSE_MS));
    }
  }
  const { receipts = [] } = await nextMessage('receipts');
  await exited;
  const latencies: number[] = [];
  let delivered = 0;
  const perMark: number[][] = sent.map(() => []);
  for (const times of receipts) {
    delivered += times.length;
    times.forEach((t, i) => {
      latencies.push(t - sent[i]!);
      perMark[i]!.push(t - sent[i]!);
    });
  }
  if (process.env.BENCH_VERBOSE) {
    perMark.forEach((l, i) =>
      process.stderr.write(
        `mark ${i}: answered ${answered[i]!.toFixed(0)} ms, receipts min ${Math.min(...l).toFixed(0)} p50 ${quantile(l, 0.5).toFixed(0)} max ${Math.max(...l).toFixed(0)}\n`,
      ),
    );
  }
  return {
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    max: Math.max(...latencies),
    delivered,
    expected: SUBSCRIBERS * MARKS,
    markP50: quantile(answered, 0.5),
    markP99: quantile(answered, 0.99),
  };
}

async function main(): Promise<void> {
  if (!process.env.DATABASE_URL || !process.env.REDIS_URL) {
    throw new Error('the fan-out bench needs DATABASE_URL and REDIS_URL (two instances share them)');
  }
  const apps = [await startReplica(true), await startReplica(false)];
  try {
    const token = apps[0]!.token!;
    const url = apps[0]!.url;
    const { createCourse } = await gql<{ createCourse: { id: string } }>(
      url,
      token,
      `mutation($input: CreateCourseInput!) { createCourse(input: $input) { id } }`,
      { input: { code: `FAN-${Date.now()}`, name: 'Fan-out' } },
    );
    const { addStudent } = await gql<{ addStudent: { id: string } }>(
      url,
      token,
      `mutation($input: AddStudentInput!) { addStudent(input: $input) { id } }`,
      {
        input: {
          courseId: createCourse.id,
          externalId: `S-${Date.now()}`,
          name: 'Ada Lovelace',
          consent: true,
        },
      },
    );
    const { startSession } = await gql<{ startSession: { id: string } }>(
      url,
      token,
      `mutation($courseId: ID!) { startSession(courseId: $courseId) { id } }`,
      { courseId: createCourse.id },
    );
    const authorizations = [`Bearer ${token}`];
    if (CALLERS > 1) {
      authorizations.length = 0;
      for (let k = 0; k < CALLERS; k++) {
        const { createApiKey } = await gql<{ createApiKey: { secret: string } }>(
          url,
          token,
          `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`,
          { input: { name: `lms-${k}`, scopes: ['ATTENDANCE_READ'], courseId: createCourse.id } },
        );
        authorizations.push(`ApiKey ${createApiKey.secret}`);
      }
    }
    const fmt = (r: RunResult) =>
      `p50 ${r.p50.toFixed(0)} ms, p99 ${r.p99.toFixed(0)} ms, max ${r.max.toFixed(0)} ms, delivered ${r.delivered}/${r.expected}; ` +
      `the mark's own round trip p50 ${r.markP50.toFixed(0)} ms, p99 ${r.markP99.toFixed(0)} ms`;
    const base = await run(
      apps,
      token,
      authorizations,
      startSession.id,
      addStudent.id,
      'id status updatedAt',
    );
    process.stdout.write(`record fields only (baseline): ${fmt(base)}\n`);
    const withStudent = await run(
      apps,
      token,
      authorizations,
      startSession.id,
      addStudent.id,
      'id status updatedAt student { id externalId name }',
    );
    process.stdout.write(`with student { id externalId name }: ${fmt(withStudent)}\n`);
    process.stdout.write(
      `${SUBSCRIBERS} subscribers (${CALLERS} caller${CALLERS === 1 ? '' : 's'}, ${PER_CONNECTION} per socket) on 2 instances, ${MARKS} marks: p99 with student / baseline = ${(withStudent.p99 / base.p99).toFixed(2)}x; ` +
        `target p99 < 100 ms: ${withStudent.p99 < 100 ? 'met' : 'NOT met'}\n`,
    );
  } finally {
    await Promise.all(apps.map((a) => a.close()));
  }
}

const fail = (error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
};
// The subscriber process ends by itself once its receipts are sent; exiting at once could lose them.
if (process.argv.includes('--subscribers')) {
  subscriberProcess().catch(fail);
} else if (process.argv.includes('--server')) {
  serverProcess().catch(fail);
} else {
  main().then(() => process.exit(0), fail);
}

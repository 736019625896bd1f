import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { createClient, type Client } from 'graphql-ws';
import { quantile } from 'simple-statistics';
import WebSocket from 'ws';
import { startApp, type App } from '../src/app';
import { parseEnv } from '../src/config/env';

// Fan-out of live attendance events (issue #11): SUBSCRIBERS graphql-ws subscriptions split over
// two server instances sharing PostgreSQL and Redis, MARKS attendance marks sent to one of them.
// Every event must reach every subscriber; the number that matters is p99 from sending the mutation
// to each receipt. Run twice in one process: selecting only the record's own fields (the baseline
// with no per-event lookups) and selecting its student too (what an LMS or a second dashboard asks
// for), which costs one shared lookup per event and instance instead of one per subscriber.
// Needs DATABASE_URL and REDIS_URL.

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 1000);
const PER_CONNECTION = 10;
const MARKS = Number(process.env.BENCH_MARKS ?? 50);
const SECRET = 'rollcall-bench-secret-0123456789abcdef';

async function gql<T>(
  url: string,
  token: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (body.errors || !body.data) {
    throw new Error(JSON.stringify(body.errors));
  }
  return body.data;
}

async function run(
  apps: App[],
  token: string,
  sessionId: string,
  studentId: string,
  selection: string,
): Promise<{ p50: number; p99: number; max: number; delivered: number; expected: number }> {
  const clients: Client[] = [];
  const receipts: number[][] = [];
  const ready: Promise<void>[] = [];
  const done: Promise<void>[] = [];
  for (let c = 0; c < SUBSCRIBERS / PER_CONNECTION; c++) {
    const app = apps[c % apps.length]!;
    const client = createClient({
      url: app.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    clients.push(client);
    for (let s = 0; s < PER_CONNECTION; s++) {
      const times: number[] = [];
      receipts.push(times);
      let acknowledged!: () => void;
      ready.push(new Promise((r) => (acknowledged = r)));
      done.push(
        new Promise<void>((resolve, reject) => {
          const unsubscribe = client.subscribe(
            {
              query: `subscription($id: ID!) { attendanceMarked(sessionId: $id) { ${selection} } }`,
              variables: { id: sessionId },
            },
            {
              next: () => {
                times.push(performance.now());
                if (times.length === MARKS) {
                  unsubscribe();
                  resolve();
                }
              },
              error: reject,
              complete: () => resolve(),
            },
          );
          // graphql-ws has no subscribe acknowledgement: give the SUBSCRIBE time to land.
          setTimeout(acknowledged, 50);
        }),
      );
    }
  }
  await Promise.all(ready);
  await new Promise((r) => setTimeout(r, 3_000));
  const sent: number[] = [];
  const statuses = ['PRESENT', 'LATE', 'ABSENT', 'EXCUSED'];
  for (let i = 0; i < MARKS; i++) {
    sent.push(performance.now());
    await gql(
      apps[0]!.url,
      token,
      `mutation($input: MarkAttendanceInput!) { markAttendance(input: $input) { id } }`,
      {
        input: { sessionId, studentId, status: statuses[i % statuses.length], note: `mark ${i}` },
      },
    );
  }
  await Promise.race([Promise.all(done), new Promise((r) => setTimeout(r, 60_000))]);
  const latencies: number[] = [];
  let delivered = 0;
  for (const times of receipts) {
    delivered += times.length;
    times.forEach((t, i) => latencies.push(t - sent[i]!));
  }
  clients.forEach((c) => void c.dispose());
  return {
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    max: Math.max(...latencies),
    delivered,
    expected: SUBSCRIBERS * MARKS,
  };
}

async function main(): Promise<void> {
  if (!process.env.DATABASE_URL || !process.env.REDIS_URL) {
    throw new Error('the fan-out bench needs DATABASE_URL and REDIS_URL (two instances share them)');
  }
  const env = parseEnv({
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
  const apps = [await startApp(env), await startApp(env)];
  try {
    const email = `bench-${Date.now()}@fanout.test`;
    await apps[0]!.auth.bootstrapAdmin(`fanout-${Date.now()}`, {
      email,
      name: 'Bench',
      password: 'correct horse battery',
    });
    const { accessToken: token } = await apps[0]!.auth.login(email, 'correct horse battery', 'bench');
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
    const fmt = (r: Awaited<ReturnType<typeof run>>) =>
      `p50 ${r.p50.toFixed(0)} ms, p99 ${r.p99.toFixed(0)} ms, max ${r.max.toFixed(0)} ms, delivered ${r.delivered}/${r.expected}`;
    const base = await run(apps, token, startSession.id, addStudent.id, 'id status updatedAt');
    process.stdout.write(`record fields only (baseline): ${fmt(base)}\n`);
    const withStudent = await run(
      apps,
      token,
      startSession.id,
      addStudent.id,
      'id status updatedAt student { id externalId name }',
    );
    process.stdout.write(`with student (shared per event): ${fmt(withStudent)}\n`);
    process.stdout.write(
      `${SUBSCRIBERS} subscribers on 2 instances, ${MARKS} marks: p99 with student / baseline = ${(withStudent.p99 / base.p99).toFixed(2)}x; ` +
        `target p99 < 100 ms: ${withStudent.p99 < 100 ? 'met' : 'NOT met'}\n`,
    );
  } finally {
    await Promise.all(apps.map((a) => a.close()));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signPayload, verifySignature } from '../../src/integrations/webhook-signature';
import {
  codesOf,
  gql,
  gqlOk,
  startTestApp,
  TEST_PASSWORD,
  type Endpoint,
  type TestApp,
} from '../setup/harness';
import { ADD_STUDENT, CLOSE_SESSION, CREATE_COURSE, START_SESSION } from './operations';

// LMS webhooks end to end: a real HTTP receiver checks every signature; it is killed to see
// deliveries retried with backoff until it is back, made to fail until attempts run out, and the
// failed delivery is replayed from the log.

interface Received {
  event: string;
  delivery: string;
  body: string;
  valid: boolean;
  json: { id: string; event: string; createdAt: string; data: Record<string, Record<string, unknown>> };
}

const CREATE = `mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { secret subscription { id url events courseIds active } } }`;
const DELIVERIES = `query($id: ID!) { webhookDeliveries(subscriptionId: $id, take: 200) { total items { id event status attempts lastStatusCode lastError payload } } }`;
const MARK = `mutation($input: MarkAttendanceInput!) { markAttendance(input: $input) { status } }`;

async function until<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 20_000,
) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) {
      return v;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => resolve(body));
  });

describe('LMS webhooks', () => {
  let app: TestApp;
  let admin: Endpoint;
  let receiver: Server | null = null;
  let port = 0;
  let secret = '';
  let failWith: number | null = null;
  const received: Received[] = [];

  const listen = () =>
    new Promise<void>((resolve) => {
      receiver = createServer((req, res) => {
        void readBody(req).then((body) => {
          if (failWith) {
            res.writeHead(failWith).end();
            return;
          }
          received.push({
            event: String(req.headers['x-rollcall-event']),
            delivery: String(req.headers['x-rollcall-delivery']),
            body,
            valid: verifySignature(secret, req.headers['x-rollcall-signature'] as string, body),
            json: JSON.parse(body) as Received['json'],
          });
          res.writeHead(204).end();
        });
      });
      receiver.listen(port, '127.0.0.1', () => {
        port = (receiver!.address() as AddressInfo).port;
        resolve();
      });
    });
  const kill = () =>
    new Promise<void>((resolve) => {
      receiver!.closeAllConnections();
      receiver!.close(() => resolve());
      receiver = null;
    });

  let courseId = '';
  let studentId = '';
  let subscriptionId = '';

  beforeAll(async () => {
    app = await startTestApp({
      WEBHOOK_ATTEMPTS: '4',
      WEBHOOK_BACKOFF_MS: '150',
      WEBHOOK_TIMEOUT_MS: '2000',
    });
    admin = await app.adminOf('lms-hooks');
    await listen();
    const course = await gqlOk<{ createCourse: { id: string } }>(admin, CREATE_COURSE, {
      input: { code: 'HOOK1', name: 'Webhooks 101' },
    });
    courseId = course.createCourse.id;
    const student = await gqlOk<{ addStudent: { id: string } }>(admin, ADD_STUDENT, {
      input: { courseId, externalId: 'h-1', name: 'Grace Hopper', consent: true },
    });
    studentId = student.addStudent.id;
  });
  afterAll(async () => {
    if (receiver) {
      await kill();
    }
    await app?.stop();
  });

  it('refuses bad subscriptions and non-admins with typed errors', async () => {
    const bad = await gql(admin, CREATE, { input: { url: 'ftp://x', events: ['session.opened'] } });
    expect(codesOf(bad)).toEqual(['BAD_USER_INPUT']);
    const unknown = await gql(admin, CREATE, {
      input: { url: 'http://127.0.0.1/', events: ['attendance.deleted'] },
    });
    expect(codesOf(unknown)).toEqual(['BAD_USER_INPUT']);
    const noCourse = await gql(admin, CREATE, {
      input: {
        url: 'http://127.0.0.1/',
        events: ['session.opened'],
        courseIds: ['00000000-0000-4000-8000-000000000000'],
      },
    });
    expect(codesOf(noCourse)).toEqual(['NOT_FOUND']);
    await gqlOk(admin, `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`, {
      i: { email: 'teacher@lms-hooks.test', name: 'T', role: 'TEACHER', password: TEST_PASSWORD },
    });
    const teacher = await app.login('teacher@lms-hooks.test', TEST_PASSWORD);
    const denied = await gql(teacher, CREATE, {
      input: { url: 'http://127.0.0.1/', events: ['session.opened'] },
    });
    expect(codesOf(denied)).toEqual(['FORBIDDEN']);
  });

  it('delivers signed session and attendance events (marked, then changed) for the subscribed course', async () => {
    const created = await gqlOk<{ createWebhook: { secret: string; subscription: { id: string } } }>(
      admin,
      CREATE,
      {
        input: {
          url: `http://127.0.0.1:${port}/rollcall`,
          events: ['attendance.marked', 'attendance.changed', 'session.opened', 'session.closed'],
          courseIds: [courseId],
        },
      },
    );
    secret = created.createWebhook.secret;
    subscriptionId = created.createWebhook.subscription.id;
    // Another course of the institution: not in the subscription's scope.
    const other = await gqlOk<{ createCourse: { id: string } }>(admin, CREATE_COURSE, {
      input: { code: 'HOOK2', name: 'Other' },
    });
    await gqlOk(admin, START_SESSION, { courseId: other.createCourse.id });

    const s = await gqlOk<{ startSession: { id: string } }>(admin, START_SESSION, { courseId });
    const sessionId = s.startSession.id;
    await gqlOk(admin, MARK, { input: { sessionId, studentId, status: 'PRESENT' } });
    await gqlOk(admin, MARK, { input: { sessionId, studentId, status: 'PRESENT' } }); // same status: no event
    await gqlOk(admin, MARK, { input: { sessionId, studentId, status: 'EXCUSED', note: 'doctor' } });
    await gqlOk(admin, CLOSE_SESSION, { sessionId });
    await until('four deliveries', () => received.length >= 4 && received);
    await new Promise((r) => setTimeout(r, 300));
    // Deliveries run in parallel (arrival order is not guaranteed); createdAt gives the event order.
    const byTime = [...received].sort((x, y) => x.json.createdAt.localeCompare(y.json.createdAt));
    expect(byTime.map((r) => r.event)).toEqual([
      'session.opened',
      'attendance.marked',
      'attendance.changed',
      'session.closed',
    ]);
    expect(received.every((r) => r.valid)).toBe(true);
    const changed = byTime[2]!.json;
    expect(changed.event).toBe('attendance.changed');
    expect(changed.data.record).toMatchObject({
      status: 'EXCUSED',
      previousStatus: 'PRESENT',
      note: 'doctor',
      source: 'MANUAL',
    });
    expect(changed.data.student).toMatchObject({ id: studentId, externalId: 'h-1' });
    expect(changed.data.course).toMatchObject({ id: courseId, code: 'HOOK1' });
    expect(received.every((r) => r.delivery === r.json.id)).toBe(true);

    // The signature is bound to the body and the time.
    const { body } = received[0]!;
    const header = signPayload(secret, Math.floor(Date.now() / 1000), body);
    expect(verifySignature(secret, header, body)).toBe(true);
    expect(verifySignature(secret, header, body.replace('session', 'sessiom'))).toBe(false);
    expect(verifySignature('whsec_wrong', header, body)).toBe(false);
    const stale = signPayload(secret, Math.floor(Date.now() / 1000) - 3600, body);
    expect(verifySignature(secret, stale, body)).toBe(false);
  });

  it('retries with backoff while the receiver is down, and the retry lands once it is back', async () => {
    received.length = 0;
    await kill();
    const s = await gqlOk<{ startSession: { id: string } }>(admin, START_SESSION, { courseId });
    const log = async () =>
      (
        await gqlOk<{
          webhookDeliveries: {
            items: {
              id: string;
              event: string;
              status: string;
              attempts: number;
              lastError: string | null;
            }[];
          };
        }>(admin, DELIVERIES, { id: subscriptionId })
      ).webhookDeliveries.items;
    const failing = await until('a failed attempt', async () => {
      const d = (await log()).find(
        (x) => x.event === 'session.opened' && x.attempts >= 1 && x.status === 'PENDING',
      );
      return d;
    });
    expect(failing.lastError).toBeTruthy();
    await listen(); // same port
    const landed = await until('the retry', () => received.find((r) => r.json.id === failing.id));
    expect(landed.valid).toBe(true);
    const done = (await log()).find((x) => x.id === failing.id)!;
    expect(done.status).toBe('DELIVERED');
    expect(done.attempts).toBeGreaterThanOrEqual(2);
    await gqlOk(admin, CLOSE_SESSION, { sessionId: s.startSession.id });
  });

  it('marks a delivery FAILED when attempts run out, and an admin replays it', async () => {
    received.length = 0;
    failWith = 503;
    const s = await gqlOk<{ startSession: { id: string } }>(admin, START_SESSION, { courseId });
    const failed = await until('attempts exhausted', async () => {
      const { webhookDeliveries } = await gqlOk<{
        webhookDeliveries: {
          items: { id: string; status: string; attempts: number; lastStatusCode: number | null }[];
        };
      }>(admin, DELIVERIES, { id: subscriptionId });
      return webhookDeliveries.items.find((d) => d.status === 'FAILED');
    });
    expect(failed).toMatchObject({ attempts: 4, lastStatusCode: 503 });
    failWith = null;
    const replayed = await gqlOk<{ replayWebhookDelivery: { status: string } }>(
      admin,
      `mutation($id: ID!) { replayWebhookDelivery(id: $id) { status } }`,
      { id: failed.id },
    );
    expect(replayed.replayWebhookDelivery.status).toBe('PENDING');
    const landed = await until('the replay', () => received.find((r) => r.json.id === failed.id));
    expect(landed.valid).toBe(true);
    await gqlOk(admin, CLOSE_SESSION, { sessionId: s.startSession.id });

    // Another institution sees neither the subscription nor its log.
    const stranger = await app.adminOf('lms-hooks-other');
    expect(codesOf(await gql(stranger, DELIVERIES, { id: subscriptionId }))).toEqual(['NOT_FOUND']);
    expect(
      codesOf(
        await gql(stranger, `mutation($id: ID!) { replayWebhookDelivery(id: $id) { id } }`, {
          id: failed.id,
        }),
      ),
    ).toEqual(['NOT_FOUND']);
  });
});

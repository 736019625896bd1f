import { createClient } from 'graphql-ws';
import { Redis } from 'ioredis';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { User } from '../../src/entities/user.entity';
import { ADD_STUDENT, CREATE_COURSE, ENROLL_FACES, START_SESSION, SUBMIT_PHOTO } from '../e2e/operations';
import {
  codesOf,
  face,
  gql,
  gqlOk,
  gqlUpload,
  TEST_PASSWORD,
  type Endpoint,
  type TestApp,
} from '../setup/harness';
import {
  closeSharedEngine,
  LogSink,
  RawSocket,
  sleep,
  startProductionApp,
  tinyHugeGif,
  tinyHugePng,
  wsCodes,
} from './helpers';

// Issue #12: each test is one attack, run as an attacker would, against the server in production
// mode (PostgreSQL + Redis when DATABASE_URL / REDIS_URL are set). Every test here failed on the
// code before the fix, unless its name says the attack already held.

const TEST_SECRET = 'rollcall-test-secret-0123456789abcdef'; // the harness's AUTH_SECRET
const uid = () => Math.random().toString(36).slice(2, 10);
const RANDOM_UUID = '0b5f3a9e-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

interface World {
  teacher: Endpoint;
  teacherEmail: string;
  otherTeacher: Endpoint;
  otherAdmin: Endpoint;
  readKey: Endpoint;
  readKeyId: string;
  submitKey: Endpoint;
  courseId: string;
  otherCourseId: string;
  studentId: string;
  sessionId: string;
  otherSessionId: string;
  foreign: { courseId: string; studentId: string; sessionId: string; photoId: string; faceIds: string[] };
}

describe('security: attacks from issue #12 and the OWASP GraphQL cheat sheet', () => {
  let app: TestApp;
  const logs = new LogSink();
  const w = {} as World;

  const createUser = async (admin: Endpoint, email: string, role = 'TEACHER') =>
    gql<{ createUser: { id: string } }>(
      admin,
      `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`,
      { i: { email, name: 'Teacher', role, password: TEST_PASSWORD } },
    );
  const createKey = async (scopes: string[]) => {
    const { createApiKey } = await gqlOk<{ createApiKey: { secret: string; apiKey: { id: string } } }>(
      app.api,
      `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret apiKey { id } } }`,
      { i: { name: `key-${uid()}`, scopes } },
    );
    return {
      endpoint: { ...app.anonymous, authorization: `ApiKey ${createApiKey.secret}` },
      id: createApiKey.apiKey.id,
    };
  };
  const course = async (e: Endpoint, code: string) =>
    (await gqlOk<{ createCourse: { id: string } }>(e, CREATE_COURSE, { input: { code, name: code } }))
      .createCourse.id;
  const session = async (e: Endpoint, courseId: string) =>
    (await gqlOk<{ startSession: { id: string } }>(e, START_SESSION, { courseId })).startSession.id;

  beforeAll(async () => {
    app = await startProductionApp({}, logs.logger);
    const tag = uid();
    w.teacherEmail = `t1-${tag}@school.test`;
    const t2 = `t2-${tag}@school.test`;
    await createUser(app.api, w.teacherEmail);
    await createUser(app.api, t2);
    w.teacher = await app.login(w.teacherEmail, TEST_PASSWORD);
    w.otherTeacher = await app.login(t2, TEST_PASSWORD);
    w.otherAdmin = await app.adminOf(`other-${tag}`);
    w.courseId = await course(w.teacher, `SEC-A-${tag}`);
    w.otherCourseId = await course(w.otherTeacher, `SEC-B-${tag}`);
    w.studentId = (
      await gqlOk<{ addStudent: { id: string } }>(w.teacher, ADD_STUDENT, {
        input: { courseId: w.courseId, externalId: `sec-${tag}`, name: 'Shared Student', consent: true },
      })
    ).addStudent.id;
    // The student is shared: also in the other teacher's course.
    await gqlOk(app.api, `mutation($c: ID!, $s: ID!) { enrollStudent(courseId: $c, studentId: $s) { id } }`, {
      c: w.otherCourseId,
      s: w.studentId,
    });
    w.sessionId = await session(w.teacher, w.courseId);
    w.otherSessionId = await session(w.otherTeacher, w.otherCourseId);
    const read = await createKey(['ATTENDANCE_READ']);
    w.readKey = read.endpoint;
    w.readKeyId = read.id;
    w.submitKey = (await createKey(['PHOTOS_SUBMIT'])).endpoint;

    // Another institution's records, a photo and its faces among them.
    const fc = await course(w.otherAdmin, `SEC-F-${tag}`);
    const fs = (
      await gqlOk<{ addStudent: { id: string } }>(w.otherAdmin, ADD_STUDENT, {
        input: { courseId: fc, externalId: `foreign-${tag}`, name: 'Foreign', consent: true },
      })
    ).addStudent.id;
    const fsess = await session(w.otherAdmin, fc);
    const photo = await gqlUpload<{ submitPhoto: { id: string; status: string } }>(
      w.otherAdmin,
      SUBMIT_PHOTO,
      { sessionId: fsess, photo: null },
      { photo: { name: 'class.jpg', data: await face('people/tony_blair/1.jpg') } },
    );
    const photoId = photo.data?.submitPhoto.id ?? '';
    const faces = await app.dataSource.query<{ id: string }[]>(
      `SELECT id FROM photo_face WHERE photo_id = $1`,
      [photoId],
    );
    w.foreign = { courseId: fc, studentId: fs, sessionId: fsess, photoId, faceIds: faces.map((f) => f.id) };
  });

  afterAll(async () => {
    await app?.stop();
    await closeSharedEngine();
  });

  describe('WebSocket credentials are checked on every operation and event', () => {
    const MARKED = `subscription($s: ID!) { attendanceMarked(sessionId: $s) { id status note } }`;
    const MARK = `mutation($i: MarkAttendanceInput!) { markAttendance(input: $i) { id } }`;

    it('closes the socket of a key revoked while it is open (4403), before it reads or hears anything more', async () => {
      const key = await createKey(['ATTENDANCE_READ']);
      const socket = await RawSocket.open(app.wsUrl, { authorization: key.endpoint.authorization });
      const ok = socket.subscribe(`query($id: ID!) { course(id: $id) { id students { items { name } } } }`, {
        id: w.courseId,
      });
      expect(wsCodes(await socket.result(ok))).toEqual([]);
      const live = socket.subscribe(MARKED, { s: w.sessionId });
      await sleep(300);
      await gqlOk(app.api, `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: key.id });
      await sleep(1100);
      // An event after the revocation is not delivered: the socket closes instead.
      await gqlOk(w.teacher, MARK, {
        i: { sessionId: w.sessionId, studentId: w.studentId, status: 'PRESENT' },
      });
      const closed = await socket.closed;
      expect(closed).toEqual({ code: 4403, reason: 'Forbidden: credentials revoked' });
      expect(socket.messages.filter((m) => m.id === live && m.type === 'next')).toEqual([]);
    });

    it('closes the socket of a logged-out teacher at the next operation; the token is refused over HTTP too', async () => {
      const { accessToken, refreshToken } = await app.auth.login(w.teacherEmail, TEST_PASSWORD, 'sec');
      const socket = await RawSocket.open(app.wsUrl, { authorization: `Bearer ${accessToken}` });
      expect(wsCodes(await socket.result(socket.subscribe(`{ me { id } }`)))).toEqual([]);
      await gqlOk(app.anonymous, `mutation($t: String!) { logout(refreshToken: $t) }`, { t: refreshToken });
      await sleep(1100);
      const excuse = socket.subscribe(MARK, {
        i: { sessionId: w.sessionId, studentId: w.studentId, status: 'EXCUSED', note: 'forged' },
      });
      expect((await socket.closed).code).toBe(4403);
      expect(socket.messages.find((m) => m.id === excuse && m.type === 'next')).toBeUndefined();
      const record = await app.dataSource.query<{ note: string | null }[]>(
        `SELECT note FROM attendance_record WHERE session_id = $1 AND student_id = $2`,
        [w.sessionId, w.studentId],
      );
      expect(record.map((r) => r.note)).not.toContain('forged');
      expect(
        codesOf(await gql({ ...app.anonymous, authorization: `Bearer ${accessToken}` }, `{ me { id } }`)),
      ).toEqual([]);
      // `me` is null for anonymous callers; an operation that needs a user says so.
      expect(
        codesOf(
          await gql(
            { ...app.anonymous, authorization: `Bearer ${accessToken}` },
            `query($id: ID!) { course(id: $id) { id } }`,
            {
              id: w.courseId,
            },
          ),
        ),
      ).toEqual(['UNAUTHENTICATED']);
    });

    describe('with 2-second access tokens', () => {
      let short: TestApp;
      const email = `short-${uid()}@school.test`;
      beforeAll(async () => {
        short = await startProductionApp({ ACCESS_TOKEN_TTL_SECONDS: '2' });
        await short.auth.bootstrapAdmin('default', { email, name: 'Short', password: TEST_PASSWORD });
      });
      afterAll(async () => {
        await short?.stop();
      });

      it('closes a socket when its access token expires, even an idle one (4403, "credentials expired")', async () => {
        const socket = await RawSocket.open(short.wsUrl, {
          authorization: (await short.login(email, TEST_PASSWORD)).authorization,
        });
        expect(wsCodes(await socket.result(socket.subscribe(`{ me { id } }`)))).toEqual([]);
        const closed = await socket.closed;
        expect(closed).toEqual({ code: 4403, reason: 'Forbidden: credentials expired' });
      });

      it('lets a client that renews its token keep its live view: graphql-ws reconnects on 4403 and resubscribes', async () => {
        const fresh = () => short.login(email, TEST_PASSWORD);
        const courseId = await course(await fresh(), `LIVE-${uid()}`);
        const studentId = (
          await gqlOk<{ addStudent: { id: string } }>(await fresh(), ADD_STUDENT, {
            input: { courseId, externalId: `live-${uid()}`, name: 'Live', consent: true },
          })
        ).addStudent.id;
        const sessionId = await session(await fresh(), courseId);
        let tokens = await short.auth.login(email, TEST_PASSWORD, 'dashboard');
        let renew = false;
        const closes: number[] = [];
        // The dashboard's graphql-ws settings (client/src/lib/client.ts): retry 4403 with a renewed token.
        const client = createClient({
          url: short.wsUrl,
          webSocketImpl: WebSocket,
          lazy: true,
          retryAttempts: 5,
          shouldRetry: () => true,
          retryWait: async () => {
            await sleep(50);
          },
          on: {
            closed: (event) => {
              const code = (event as { code: number }).code;
              closes.push(code);
              renew ||= code === 4403;
            },
          },
          connectionParams: async () => {
            if (renew) {
              renew = false;
              tokens = await short.auth.refresh(tokens.refreshToken);
            }
            return { authorization: `Bearer ${tokens.accessToken}` };
          },
        });
        const statuses: string[] = [];
        const dispose = client.subscribe<{ attendanceMarked: { status: string } }>(
          { query: MARKED, variables: { s: sessionId } },
          {
            next: (v) => statuses.push(v.data?.attendanceMarked.status ?? 'ERROR'),
            error: () => statuses.push('SUBSCRIPTION_ERROR'),
            complete: () => statuses.push('COMPLETE'),
          },
        );
        try {
          await sleep(500);
          await gqlOk(await fresh(), MARK, { i: { sessionId, studentId, status: 'PRESENT' } });
          await sleep(3000); // the token expires; the socket is closed and reopened with a new one
          await gqlOk(await fresh(), MARK, { i: { sessionId, studentId, status: 'LATE' } });
          const deadline = Date.now() + 5000;
          while (statuses.length < 2 && Date.now() < deadline) {
            await sleep(100);
          }
          expect(closes).toContain(4403);
          expect(statuses).toEqual(['PRESENT', 'LATE']);
        } finally {
          dispose();
          await client.dispose();
        }
      });
    });

    it('refuses an unauthenticated connection (4403) and a subscribe before connection_init (4401) [held]', async () => {
      const anonymous = await RawSocket.open(app.wsUrl, undefined);
      anonymous.send({ type: 'connection_init', payload: {} });
      expect((await anonymous.closed).code).toBe(4403);
      const early = await RawSocket.open(app.wsUrl, undefined);
      early.subscribe(`{ courses { total } }`);
      expect((await early.closed).code).toBe(4401);
    });

    it('caps the operations one socket may keep running (subscription flood on one connection)', async () => {
      const socket = await RawSocket.open(app.wsUrl, { authorization: app.api.authorization });
      for (let i = 0; i < 50; i++) {
        socket.subscribe(`subscription($s: ID!) { attendanceMarked(sessionId: $s) { id } }`, {
          s: w.sessionId,
        });
      }
      await sleep(500);
      const extra = socket.subscribe(`subscription($s: ID!) { attendanceMarked(sessionId: $s) { id } }`, {
        s: w.sessionId,
      });
      expect(wsCodes(await socket.result(extra))).toEqual(['RATE_LIMITED']);
      socket.close();
    });

    it('refuses an oversized WebSocket message (1009) instead of parsing it', async () => {
      const socket = await RawSocket.open(app.wsUrl, { authorization: app.api.authorization });
      socket.send({
        id: '1',
        type: 'subscribe',
        payload: { query: '{ me { id } }', variables: { pad: 'x'.repeat(2_000_000) } },
      });
      expect((await socket.closed).code).toBe(1009);
    });
  });

  describe('limits and validation are the same on both transports', () => {
    it('turns introspection and field suggestions off over WebSocket, as over HTTP', async () => {
      const socket = await RawSocket.open(app.wsUrl, { authorization: app.api.authorization });
      const intro = await socket.result(socket.subscribe(`{ __schema { types { name } } }`));
      expect(wsCodes(intro).length).toBeGreaterThan(0);
      expect(new Set(wsCodes(intro))).toEqual(new Set(['GRAPHQL_VALIDATION_FAILED']));
      const typo = await socket.result(socket.subscribe(`{ coursez { total } }`));
      expect(JSON.stringify(typo)).not.toMatch(/Did you mean/);
      const http = await gql(app.api, `{ __schema { types { name } } }`);
      expect(codesOf(http)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      expect(JSON.stringify(await gql(app.api, `{ coursez { total } }`))).not.toMatch(
        /Did you mean "courses"/,
      );
      socket.close();
    });

    it('answers a syntax error with HTTP 400 (and an error, not a dropped socket, over WebSocket)', async () => {
      const res = await fetch(app.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: app.api.authorization ?? '' },
        body: JSON.stringify({ query: '{ courses { total ' }),
      });
      expect(res.status).toBe(400);
      expect(
        ((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code,
      ).toBe('GRAPHQL_PARSE_FAILED');
      const socket = await RawSocket.open(app.wsUrl, { authorization: app.api.authorization });
      expect(wsCodes(await socket.result(socket.subscribe('{ courses { total ')))).toEqual([
        'GRAPHQL_PARSE_FAILED',
      ]);
      expect(socket.isOpen).toBe(true);
      socket.close();
    });

    it('enforces the token limit over WebSocket too', async () => {
      const socket = await RawSocket.open(app.wsUrl, { authorization: app.api.authorization });
      const many = `{ ${Array.from({ length: 2500 }, () => '__typename').join(' ')} }`;
      expect(wsCodes(await socket.result(socket.subscribe(many)))).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      socket.close();
    });

    it('counts page sizes in the query cost: 200 x 200 pages are refused, small pages pass', async () => {
      const nested = (take: number) =>
        `{ courses(take: ${take}) { items { students(take: ${take}) { items { id name } } sessions(take: ${take}) { items { id } } } } }`;
      expect(codesOf(await gql(app.api, nested(200)))).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      expect(codesOf(await gql(app.api, nested(5)))).toEqual([]);
      // A variable page size counts as the largest page unless the operation gives a default.
      const byVariable = `query($t: Int!) { courses(take: $t) { items { students(take: $t) { items { id } } sessions(take: $t) { items { id } } } } }`;
      expect(codesOf(await gql(app.api, byVariable, { t: 1 }))).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    });

    it('refuses batching, many aliases, deep fragments and directive overloading [held]', async () => {
      const batch = await fetch(app.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: app.api.authorization ?? '' },
        body: JSON.stringify([{ query: '{ me { id } }' }, { query: '{ me { id } }' }]),
      });
      expect(batch.status).toBe(400);
      const aliases = `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: me { id }`).join(' ')} }`;
      expect(codesOf(await gql(app.api, aliases))).toContain('GRAPHQL_VALIDATION_FAILED');
      const fragments = `
        query { courses { items { ...A } } }
        fragment A on Course { sessions { items { course { ...B } } } }
        fragment B on Course { sessions { items { course { ...C } } } }
        fragment C on Course { sessions { items { course { ...D } } } }
        fragment D on Course { sessions { items { id } } }`;
      expect(codesOf(await gql(app.api, fragments))).toContain('GRAPHQL_VALIDATION_FAILED');
      const directives = `{ me { id ${Array.from({ length: 60 }, () => '@include(if: true)').join(' ')} } }`;
      expect(codesOf(await gql(app.api, directives))).toContain('GRAPHQL_VALIDATION_FAILED');
      const cycle = `query { me { ...X } } fragment X on User { ...Y } fragment Y on User { ...X }`;
      expect(codesOf(await gql(app.api, cycle))).toContain('GRAPHQL_VALIDATION_FAILED');
    });

    it('refuses oversized JSON bodies (413) and multipart uploads without a preflight header (CSRF) [held]', async () => {
      const huge = await fetch(app.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: app.api.authorization ?? '' },
        body: JSON.stringify({ query: '{ me { id } }', variables: { pad: 'x'.repeat(2_000_000) } }),
      });
      expect(huge.status).toBe(413);
      const form = new FormData();
      form.append(
        'operations',
        JSON.stringify({ query: SUBMIT_PHOTO, variables: { sessionId: w.sessionId, photo: null } }),
      );
      form.append('map', JSON.stringify({ 0: ['variables.photo'] }));
      form.append('0', new Blob([await face('people/tony_blair/2.jpg')], { type: 'image/jpeg' }), 'x.jpg');
      const csrf = await fetch(app.url, {
        method: 'POST',
        headers: { authorization: app.api.authorization ?? '' },
        body: form,
      });
      expect(csrf.status).toBe(400);
      const photos = await app.dataSource.query<unknown[]>(
        `SELECT 1 FROM submitted_photo WHERE session_id = $1`,
        [w.sessionId],
      );
      expect(photos).toEqual([]);
    });
  });

  describe('tokens', () => {
    const sign = (claims: Record<string, unknown>, exp: boolean, secret = TEST_SECRET) => {
      const jwt = new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('rollcall')
        .setIssuedAt();
      return (exp ? jwt.setExpirationTime('10m') : jwt).sign(new TextEncoder().encode(secret));
    };

    it('refuses a correctly signed token without exp, a token of a login that does not exist, alg none and another key', async () => {
      const [user] = await app.dataSource
        .getRepository(User)
        .find({ where: { role: 'ADMIN' as never }, take: 1 });
      const claims = { sub: user!.id, inst: user!.institutionId, role: 'ADMIN', email: user!.email };
      const probe = async (token: string) =>
        codesOf(await gql({ ...app.anonymous, authorization: `Bearer ${token}` }, `{ users { id } }`));
      expect(await probe(await sign({ ...claims, sid: RANDOM_UUID }, false))).toEqual(['UNAUTHENTICATED']);
      expect(await probe(await sign({ ...claims, sid: RANDOM_UUID }, true))).toEqual(['UNAUTHENTICATED']);
      expect(
        await probe(await sign({ ...claims, sid: RANDOM_UUID }, true, 'another-secret-0123456789abcdefghij')),
      ).toEqual(['UNAUTHENTICATED']);
      const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
      const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, sid: RANDOM_UUID, iss: 'rollcall', exp: 9e9 })}.`;
      expect(await probe(none)).toEqual(['UNAUTHENTICATED']);
    });
  });

  describe('scoping: exports, face links and lists follow the single-record rules', () => {
    it("gives a teacher's export only the records of their own courses (no other teacher's notes)", async () => {
      const otherSession = w.otherSessionId;
      await gqlOk(w.otherTeacher, `mutation($i: MarkAttendanceInput!) { markAttendance(input: $i) { id } }`, {
        i: {
          sessionId: otherSession,
          studentId: w.studentId,
          status: 'EXCUSED',
          note: 'private note of teacher B',
        },
      });
      const EXPORT = `query($s: ID!) { studentDataExport(studentId: $s) { records { sessionId note } faces { id } } }`;
      const mine = await gqlOk<{
        studentDataExport: { records: { sessionId: string; note: string | null }[] };
      }>(w.teacher, EXPORT, { s: w.studentId });
      expect(mine.studentDataExport.records.map((r) => r.sessionId)).not.toContain(otherSession);
      expect(JSON.stringify(mine)).not.toContain('private note of teacher B');
      const admin = await gqlOk<{ studentDataExport: { records: { sessionId: string }[] } }>(
        app.api,
        EXPORT,
        {
          s: w.studentId,
        },
      );
      expect(admin.studentDataExport.records.map((r) => r.sessionId)).toContain(otherSession);
    });

    it('refuses enrolled face photos to an ATTENDANCE_READ key (the teacher gets them)', async () => {
      const FACES = `query($id: ID!) { student(id: $id) { id faces { id imageUrl } } }`;
      expect(codesOf(await gql(w.readKey, FACES, { id: w.studentId }))).toEqual(['FORBIDDEN']);
      expect(codesOf(await gql(w.teacher, FACES, { id: w.studentId }))).toEqual([]);
      // The key still reads what its scope is for.
      expect(
        codesOf(
          await gql(w.readKey, `query($id: ID!) { student(id: $id) { id name } }`, { id: w.studentId }),
        ),
      ).toEqual([]);
    });

    it('lists to a key only the courses course(id) allows it', async () => {
      const list = await gqlOk<{ courses: { total: number } }>(w.submitKey, `{ courses { total } }`);
      expect(
        codesOf(await gql(w.submitKey, `query($id: ID!) { course(id: $id) { id } }`, { id: w.courseId })),
      ).toEqual(['FORBIDDEN']);
      expect(list.courses.total).toBe(0);
      const readable = await gqlOk<{ courses: { total: number } }>(w.readKey, `{ courses { total } }`);
      expect(readable.courses.total).toBeGreaterThanOrEqual(2);
    });

    it("answers another institution's records exactly like random ids (no parent id), for every id argument", async () => {
      const f = w.foreign;
      expect(f.photoId).toMatch(UUID);
      const cases: [string, Record<string, unknown>, string][] = [
        [`query($id: ID!) { course(id: $id) { id } }`, { id: f.courseId }, 'id'],
        [`query($id: ID!) { student(id: $id) { id } }`, { id: f.studentId }, 'id'],
        [`query($id: ID!) { session(id: $id) { id } }`, { id: f.sessionId }, 'id'],
        [`query($id: ID!) { photo(id: $id) { id } }`, { id: f.photoId }, 'id'],
        [`query($id: ID!) { studentDataExport(studentId: $id) { exportedAt } }`, { id: f.studentId }, 'id'],
        [`mutation($id: ID!) { startSession(courseId: $id) { id } }`, { id: f.courseId }, 'id'],
        [`mutation($id: ID!) { closeSession(sessionId: $id) { id } }`, { id: f.sessionId }, 'id'],
        [`mutation($id: ID!) { withdrawConsent(studentId: $id) { id } }`, { id: f.studentId }, 'id'],
        [`mutation($id: ID!) { giveConsent(studentId: $id) { id } }`, { id: f.studentId }, 'id'],
        [`mutation($id: ID!) { deleteStudent(id: $id) }`, { id: f.studentId }, 'id'],
        [`mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: f.studentId }, 'id'],
        [
          `mutation($id: ID!) { enrollStudent(courseId: $id, studentId: "${w.studentId}") { id } }`,
          { id: f.courseId },
          'id',
        ],
        ...f.faceIds.flatMap((id): [string, Record<string, unknown>, string][] => [
          [`mutation($id: ID!) { dismissFace(faceId: $id) { id } }`, { id }, 'id'],
          [
            `mutation($id: ID!) { confirmFace(faceId: $id, studentId: "${w.studentId}") { id } }`,
            { id },
            'id',
          ],
        ]),
        [
          `mutation($i: MarkAttendanceInput!) { markAttendance(input: $i) { id } }`,
          { i: { sessionId: f.sessionId, studentId: f.studentId, status: 'PRESENT' } },
          'i.sessionId',
        ],
      ];
      expect(f.faceIds.length).toBeGreaterThan(0);
      const strip = (v: unknown) => JSON.stringify(v).replace(UUID, '<id>');
      for (const [query, variables, idPath] of cases) {
        const foreign = await gql(app.api, query, variables);
        const randomVars = structuredClone(variables);
        const [head, tail] = idPath.split('.');
        if (tail) {
          (randomVars[head!] as Record<string, unknown>)[tail] = RANDOM_UUID;
        } else {
          randomVars[head!] = RANDOM_UUID;
        }
        const random = await gql(app.api, query, randomVars);
        expect([query, codesOf(foreign)]).toEqual([query, ['NOT_FOUND']]);
        expect([query, strip(foreign)]).toEqual([query, strip(random)]);
        // Nothing but the id the caller sent comes back.
        const ids = JSON.stringify(foreign).match(UUID) ?? [];
        expect([query, ids.every((id) => JSON.stringify(variables).includes(id))]).toEqual([query, true]);
      }
    });

    it('keeps signed links tamper-proof: another id, kind, expiry or signature is refused [held]', async () => {
      const { photo } = await gqlOk<{ photo: { imageUrl: string } }>(
        w.otherAdmin,
        `query($id: ID!) { photo(id: $id) { imageUrl } }`,
        {
          id: w.foreign.photoId,
        },
      );
      const base = new URL(photo.imageUrl, app.url);
      expect((await fetch(base)).status).toBe(200);
      const variants = [
        base.href.replace(w.foreign.photoId, RANDOM_UUID),
        base.href.replace('/photos/', '/photo-faces/'),
        base.href.replace(/exp=(\d+)/, (_, e: string) => `exp=${Number(e) + 1000}`),
        base.href.replace(/sig=([^&]+)/, (_, s: string) => `sig=${s.slice(0, -2)}AA`),
      ];
      for (const href of variants) {
        expect([href, (await fetch(href)).status]).toEqual([href, 404]);
      }
    });
  });

  describe('input and errors', () => {
    it('refuses a NUL byte (or any control character) in any text argument with BAD_USER_INPUT, writing nothing', async () => {
      const login = `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`;
      expect(codesOf(await gql(app.anonymous, login, { e: 'a\u0000@school.test', p: 'x' }))).toEqual([
        'BAD_USER_INPUT',
      ]);
      const code = `NUL-${uid()}`;
      const nul = await gql(app.api, CREATE_COURSE, { input: { code, name: 'bad\u0000name' } });
      expect(codesOf(nul)).toEqual(['BAD_USER_INPUT']);
      // The client is told which argument to fix.
      expect(nul.errors?.[0]?.extensions?.field).toBe('input.name');
      // An escaped NUL inside a GraphQL string literal (a raw one is a syntax error, 400).
      expect(codesOf(await gql(app.api, `{ course(id: "abc\\u0000") { id } }`))).toEqual(['BAD_USER_INPUT']);
      expect(
        codesOf(await gql(app.api, CREATE_COURSE, { input: { code: `${code}\u001b[31m`, name: 'n' } })),
      ).toEqual(['BAD_USER_INPUT']);
      const rows = await app.dataSource.query<unknown[]>(`SELECT 1 FROM course WHERE code LIKE $1`, [
        `${code}%`,
      ]);
      expect(rows).toEqual([]);
      const socket = await RawSocket.open(app.wsUrl, { authorization: app.api.authorization });
      const id = socket.subscribe(CREATE_COURSE, { input: { code, name: 'x\u0000' } });
      expect(wsCodes(await socket.result(id))).toEqual(['BAD_USER_INPUT']);
      socket.close();
      // Line breaks in a note are text, not control characters.
      expect(
        codesOf(
          await gql(w.teacher, `mutation($i: MarkAttendanceInput!) { markAttendance(input: $i) { id } }`, {
            i: {
              sessionId: w.sessionId,
              studentId: w.studentId,
              status: 'PRESENT',
              note: 'line 1\nline 2\ttab',
            },
          }),
        ),
      ).toEqual([]);
    });

    it('never echoes a submitted password in validation errors', async () => {
      const secret = `Sup3r-s3cret-${uid()}`;
      const short = await gql(app.api, `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`, {
        i: { email: 'not-an-email', name: 'x', role: 'TEACHER', password: secret },
      });
      expect(codesOf(short)).toEqual(['BAD_USER_INPUT']);
      expect(JSON.stringify(short)).not.toContain(secret);
      const badEnum = await gql(app.api, `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`, {
        i: { email: 'x@school.test', name: 'x', role: 'OWNER', password: secret },
      });
      expect(codesOf(badEnum)).toEqual(['BAD_USER_INPUT']);
      expect(JSON.stringify(badEnum)).not.toContain(secret);
      const numeric = await gql(
        app.anonymous,
        `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`,
        {
          e: 'x@school.test',
          p: 73_911_239_551,
        },
      );
      expect(codesOf(numeric)).toEqual(['BAD_USER_INPUT']);
      expect(JSON.stringify(numeric)).not.toContain('73911239551');
    });

    it("lets createUser use an e-mail of another institution without revealing it (CONFLICT only within one's own)", async () => {
      expect(codesOf(await createUser(w.otherAdmin, w.teacherEmail))).toEqual([]);
      const again = await createUser(app.api, w.teacherEmail);
      expect(codesOf(again)).toEqual(['CONFLICT']);
      expect(JSON.stringify(again)).not.toContain(w.teacherEmail);
      // Each account signs in to its own institution with its own password.
      const { user } = await app.auth.login(w.teacherEmail, TEST_PASSWORD, 'sec');
      expect(user.role).toBe('TEACHER');
    });

    it('keeps the values of a failed SQL write out of the logs', async () => {
      const email = `leak-${uid()}@school.test`;
      await app.dataSource.query(
        `ALTER TABLE app_user ADD CONSTRAINT sec_test_no_boom CHECK (name <> 'boom')`,
      );
      try {
        const failed = await gql(app.api, `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`, {
          i: { email, name: 'boom', role: 'TEACHER', password: TEST_PASSWORD },
        });
        expect(codesOf(failed)).toEqual(['INTERNAL_SERVER_ERROR']);
      } finally {
        await app.dataSource.query(`ALTER TABLE app_user DROP CONSTRAINT sec_test_no_boom`);
      }
      const text = logs.text();
      expect(text).toContain('sec_test_no_boom');
      expect(text).not.toContain(email);
      expect(text).not.toMatch(/\$argon2id\$/);
    });
  });

  describe('operational alerts read server faults only', () => {
    it('counts bad credentials as client errors (per caller), not toward the error-rate alert; a real fault counts', async () => {
      const METRICS = `{ systemMetrics { instanceId errors serverErrors clientErrors } }`;
      type M = {
        systemMetrics: { instanceId: string; errors: number; serverErrors: number; clientErrors: number };
      };
      const before = (await gqlOk<M>(app.api, METRICS)).systemMetrics;
      for (let i = 0; i < 15; i++) {
        await gql(
          app.anonymous,
          `mutation { login(email: "nobody@x.test", password: "wrong password") { accessToken } }`,
        );
      }
      const after = (await gqlOk<M>(app.api, METRICS)).systemMetrics;
      expect(after.clientErrors - before.clientErrors).toBeGreaterThanOrEqual(15);
      expect(after.serverErrors - before.serverErrors).toBe(0);
      await app.dataSource.query(`ALTER TABLE course RENAME TO course_sec_test`);
      try {
        expect(codesOf(await gql(app.api, `{ courses { total } }`))).toEqual(['INTERNAL_SERVER_ERROR']);
      } finally {
        await app.dataSource.query(`ALTER TABLE course_sec_test RENAME TO course`);
      }
      const faulted = (await gqlOk<M>(app.api, METRICS)).systemMetrics;
      expect(faulted.serverErrors - after.serverErrors).toBe(1);
    });
  });

  describe('inference cost is bounded before any pixel is decoded', () => {
    it('refuses a 6 KB PNG declaring 7000x7000 pixels with IMAGE_TOO_LARGE at once', async () => {
      const png = tinyHugePng(7000, 7000);
      expect(png.length).toBeLessThan(7000);
      const started = Date.now();
      const result = await gqlUpload(
        w.teacher,
        SUBMIT_PHOTO,
        { sessionId: w.sessionId, photo: null },
        {
          photo: { name: 'bomb.png', data: png, type: 'image/png' },
        },
      );
      expect(codesOf(result)).toEqual(['IMAGE_TOO_LARGE']);
      expect(Date.now() - started).toBeLessThan(3000);
      const stored = await app.dataSource.query<unknown[]>(
        `SELECT 1 FROM submitted_photo WHERE session_id = $1`,
        [w.sessionId],
      );
      expect(stored).toEqual([]);
    });
  });

  describe('budgets (an app with small limits)', () => {
    let limited: TestApp;
    beforeAll(async () => {
      // With Redis the per-address counters are shared by every app of the run (as by instances):
      // start this app's address budget from zero.
      if (process.env.REDIS_URL) {
        const redis = new Redis(process.env.REDIS_URL);
        const keys = await redis.keys('rollcall:rl:*ip:*');
        if (keys.length > 0) {
          await redis.del(...keys);
        }
        await redis.quit();
      }
      limited = await startProductionApp({
        RATE_LIMIT_PER_MINUTE: '8',
        LOGIN_ATTEMPTS_PER_MINUTE: '2',
        INFERENCE_BUDGET_PER_MINUTE: '80',
      });
    });
    afterAll(async () => {
      await limited?.stop();
    });

    it('charges tiled 4000x4000 GIFs to a per-caller budget: INFERENCE_BUDGET_EXCEEDED (429, Retry-After) before analysis', async () => {
      const caller = await limited.adminOf(`budget-${uid()}`);
      const courseId = await course(caller, `BUD-${uid()}`);
      const studentId = (
        await gqlOk<{ addStudent: { id: string } }>(caller, ADD_STUDENT, {
          input: { courseId, externalId: `bud-${uid()}`, name: 'B', consent: true },
        })
      ).addStudent.id;
      const started = Date.now();
      // Two photos differing by one byte (the same-photo check is no defence): ~58 units each.
      const result = await gqlUpload(
        caller,
        ENROLL_FACES,
        { studentId, photos: [null, null] },
        {
          'photos.0': { name: 'a.gif', data: tinyHugeGif(4000, 4000, 1), type: 'image/gif' },
          'photos.1': { name: 'b.gif', data: tinyHugeGif(4000, 4000, 2), type: 'image/gif' },
        },
      );
      expect(codesOf(result)).toEqual(['INFERENCE_BUDGET_EXCEEDED']);
      expect(result.status).toBe(429);
      expect(result.errors?.[0]?.extensions?.retryAfter).toBeGreaterThan(0);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(limited.engine.stats().queued).toBe(0);
      // Another caller's budget is untouched: its photo is analysed (and found to hold no face).
      const other = await limited.adminOf(`budget-${uid()}`);
      const otherCourse = await course(other, `BUD-${uid()}`);
      const otherStudent = (
        await gqlOk<{ addStudent: { id: string } }>(other, ADD_STUDENT, {
          input: { courseId: otherCourse, externalId: `bud-${uid()}`, name: 'C', consent: true },
        })
      ).addStudent.id;
      const small = await gqlUpload(
        other,
        ENROLL_FACES,
        { studentId: otherStudent, photos: [null] },
        {
          'photos.0': { name: 'p.jpg', data: await face('people/tony_blair/1.jpg') },
        },
      );
      expect(codesOf(small)).toEqual([]);
    });

    it('limits WebSocket operations like HTTP requests (one budget), and login attempts answer 429 with Retry-After', async () => {
      const caller = await limited.adminOf(`rl-${uid()}`);
      const socket = await RawSocket.open(limited.wsUrl, { authorization: caller.authorization });
      const codes: string[] = [];
      for (let i = 0; i < 5; i++) {
        codes.push(wsCodes(await socket.result(socket.subscribe(`{ me { id } }`)))[0] ?? 'OK');
      }
      for (let i = 0; i < 5; i++) {
        codes.push(codesOf(await gql(caller, `{ me { id } }`))[0] ?? 'OK');
      }
      expect(codes).toEqual([...Array(8).fill('OK'), 'RATE_LIMITED', 'RATE_LIMITED']);
      const limitedWs = await socket.result(socket.subscribe(`{ me { id } }`));
      expect(wsCodes(limitedWs)).toEqual(['RATE_LIMITED']);
      socket.close();

      const attempt = () =>
        fetch(limited.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            query: `mutation { login(email: "victim@school.test", password: "guess guess") { accessToken } }`,
          }),
        });
      await attempt();
      await attempt();
      const third = await attempt();
      expect(third.status).toBe(429);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
      const body = (await third.json()) as { errors: { extensions: { code: string; retryAfter: number } }[] };
      expect(body.errors[0]?.extensions.code).toBe('RATE_LIMITED');
    });

    it('counts every aliased login of one request against the login limit [held]', async () => {
      const victim = `victim-${uid()}@school.test`;
      const tries = Array.from(
        { length: 12 },
        (_, i) => `t${i}: login(email: "${victim}", password: "guess number ${i}") { accessToken }`,
      );
      const result = await gql(limited.anonymous, `mutation { ${tries.join(' ')} }`);
      const codes = codesOf(result);
      expect(codes.filter((c) => c === 'UNAUTHENTICATED').length).toBeLessThanOrEqual(2);
      // Mutations run in order and the first non-null failure ends the operation: one guess.
      expect(codes.length).toBeGreaterThanOrEqual(1);
    });

    it('refuses a flood of WebSocket connections from one address (4429)', async () => {
      const closes: number[] = [];
      for (let i = 0; i < 10; i++) {
        const s = await RawSocket.open(limited.wsUrl, undefined);
        s.send({ type: 'connection_init', payload: { authorization: limited.api.authorization } });
        const ack = await s.waitFor((m) => m.type === 'connection_ack', 2000);
        if (ack) {
          s.close();
        }
        closes.push(ack ? 0 : (await s.closed).code);
      }
      expect(closes.filter((c) => c === 4429).length).toBeGreaterThanOrEqual(5);
    });
  });
});

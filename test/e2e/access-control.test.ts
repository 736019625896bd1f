import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  codesOf,
  collect,
  face,
  gql,
  gqlOk,
  gqlUpload,
  startTestApp,
  TEST_PASSWORD,
  wsClient,
  type Endpoint,
  type GqlResult,
  type TestApp,
} from '../setup/harness';
import { ADD_STUDENT, CREATE_COURSE, ENROLL_FACES, START_SESSION, SUBMIT_PHOTO } from './operations';

// Who may do what: every operation against every kind of caller, asserted on extensions.code, and
// lists and subscriptions checked for leaks. OK means the operation succeeded.

type Actor = 'anonymous' | 'teacher' | 'otherTeacher' | 'otherAdmin' | 'readKey' | 'submitKey';
type Expectation = 'OK' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'INVALID_IMAGE';

const READ: Record<Actor, Expectation> = {
  anonymous: 'UNAUTHENTICATED',
  teacher: 'OK',
  otherTeacher: 'FORBIDDEN',
  otherAdmin: 'NOT_FOUND',
  readKey: 'OK',
  submitKey: 'FORBIDDEN',
};
const MANAGE: Record<Actor, Expectation> = { ...READ, readKey: 'FORBIDDEN' };
const SUBMIT: Record<Actor, Expectation> = { ...READ, readKey: 'FORBIDDEN', submitKey: 'OK' };
const ADMIN_ONLY: Record<Actor, Expectation> = {
  anonymous: 'UNAUTHENTICATED',
  teacher: 'FORBIDDEN',
  otherTeacher: 'FORBIDDEN',
  otherAdmin: 'NOT_FOUND',
  readKey: 'FORBIDDEN',
  submitKey: 'FORBIDDEN',
};

const outcome = (result: GqlResult<unknown>): string =>
  codesOf(result)[0] ?? (result.data ? 'OK' : 'NO_DATA');

describe('access control', () => {
  let app: TestApp;
  const as = {} as Record<Actor, Endpoint>;
  let courseId: string;
  let otherCourseId: string;
  let studentId: string;
  let sessionId: string;
  let readKeyId: string;

  beforeAll(async () => {
    app = await startTestApp({ SUBMIT_WAIT_MS: '60000' });
    as.anonymous = app.anonymous;
    for (const [actor, email] of [
      ['teacher', 'teacher@school.test'],
      ['otherTeacher', 'other.teacher@school.test'],
    ] as const) {
      await gqlOk(app.api, `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`, {
        i: { email, name: actor, role: 'TEACHER', password: TEST_PASSWORD },
      });
      as[actor] = await app.login(email, TEST_PASSWORD);
    }
    as.otherAdmin = await app.adminOf('other-school');

    courseId = (
      await gqlOk<{ createCourse: { id: string } }>(as.teacher, CREATE_COURSE, {
        input: { code: 'ACL-1', name: 'Mine' },
      })
    ).createCourse.id;
    otherCourseId = (
      await gqlOk<{ createCourse: { id: string } }>(as.otherTeacher, CREATE_COURSE, {
        input: { code: 'ACL-2', name: 'Theirs' },
      })
    ).createCourse.id;
    studentId = (
      await gqlOk<{ addStudent: { id: string } }>(as.teacher, ADD_STUDENT, {
        input: { courseId, externalId: 'acl-s1', name: 'Student One', consent: true },
      })
    ).addStudent.id;
    sessionId = (await gqlOk<{ startSession: { id: string } }>(as.teacher, START_SESSION, { courseId }))
      .startSession.id;

    const createKey = async (name: string, scopes: string[]) => {
      const { createApiKey } = await gqlOk<{ createApiKey: { secret: string; apiKey: { id: string } } }>(
        app.api,
        `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret apiKey { id prefix scopes } } }`,
        { i: { name, scopes, courseId } },
      );
      return createApiKey;
    };
    const readKey = await createKey('lms', ['ATTENDANCE_READ']);
    readKeyId = readKey.apiKey.id;
    as.readKey = { ...app.anonymous, authorization: `ApiKey ${readKey.secret}` };
    const submitKey = await createKey('kiosk', ['PHOTOS_SUBMIT']);
    as.submitKey = { ...app.anonymous, authorization: `ApiKey ${submitKey.secret}` };
  });

  afterAll(async () => {
    await app?.stop();
  });

  const matrix = (
    name: string,
    expected: Record<Actor, Expectation>,
    run: (e: Endpoint) => Promise<GqlResult<unknown>>,
  ) =>
    it(name, async () => {
      const got = {} as Record<Actor, string>;
      for (const actor of Object.keys(expected) as Actor[]) {
        got[actor] = outcome(await run(as[actor]));
      }
      expect(got).toEqual(expected);
    });

  matrix('course(id)', READ, (e) =>
    gql(e, `query($id: ID!) { course(id: $id) { id students { total } } }`, { id: courseId }),
  );
  matrix('session(id) with records', READ, (e) =>
    gql(e, `query($id: ID!) { session(id: $id) { id records { status } } }`, { id: sessionId }),
  );
  matrix('student(id)', READ, (e) =>
    gql(e, `query($id: ID!) { student(id: $id) { id name } }`, { id: studentId }),
  );
  matrix('addStudent', MANAGE, (e) =>
    gql(e, ADD_STUDENT, {
      input: {
        courseId,
        externalId: `acl-${Math.random().toString(36).slice(2)}`,
        name: 'New',
        consent: true,
      },
    }),
  );
  matrix('startSession', MANAGE, (e) => gql(e, START_SESSION, { courseId }));
  matrix('markAttendance', MANAGE, (e) =>
    gql(e, `mutation($i: MarkAttendanceInput!) { markAttendance(input: $i) { status } }`, {
      i: { sessionId, studentId, status: 'EXCUSED', note: 'doctor' },
    }),
  );
  // The owner gets past the access check to the content check (the bytes are no image).
  matrix('enrollFaces', { ...MANAGE, teacher: 'INVALID_IMAGE' }, async (e) =>
    gqlUpload(
      e,
      ENROLL_FACES,
      { studentId, photos: [null] },
      { 'photos.0': { name: 'x.jpg', data: Buffer.from('not checked before access') } },
    ),
  );
  matrix('submitPhoto', SUBMIT, async (e) =>
    gqlUpload(
      e,
      SUBMIT_PHOTO,
      { sessionId, photo: null },
      { photo: { name: 'class.jpg', data: await face('people/tony_blair/1.jpg') } },
    ),
  );
  matrix('auditLog', { ...ADMIN_ONLY, otherAdmin: 'OK' }, (e) =>
    gql(e, `{ auditLog { total items { action } } }`),
  );
  matrix('createApiKey', { ...ADMIN_ONLY, otherAdmin: 'OK' }, (e) =>
    gql(e, `mutation { createApiKey(input: { name: "x", scopes: [ATTENDANCE_READ] }) { secret } }`),
  );
  matrix('deleteStudent (admins only, even for the course teacher)', ADMIN_ONLY, (e) =>
    gql(e, `mutation($id: ID!) { deleteStudent(id: $id) }`, { id: studentId }),
  );
  matrix(
    'createCourse (people, not keys)',
    {
      anonymous: 'UNAUTHENTICATED',
      teacher: 'OK',
      otherTeacher: 'OK',
      otherAdmin: 'OK',
      readKey: 'FORBIDDEN',
      submitKey: 'FORBIDDEN',
    },
    (e) =>
      gql(e, CREATE_COURSE, { input: { code: `C-${Math.random().toString(36).slice(2, 8)}`, name: 'n' } }),
  );

  it('lists only what each caller may see', async () => {
    const codes = async (e: Endpoint) =>
      (
        await gqlOk<{ courses: { items: { code: string }[] } }>(
          e,
          `{ courses(take: 200) { items { code } } }`,
        )
      ).courses.items
        .map((c) => c.code)
        .filter((c) => c.startsWith('ACL-'));
    expect(await codes(as.teacher)).toEqual(['ACL-1']);
    expect(await codes(as.otherTeacher)).toEqual(['ACL-2']);
    expect(await codes(as.readKey)).toEqual(['ACL-1']);
    expect(await codes(as.otherAdmin)).toEqual([]);
    expect((await codes(app.api)).sort()).toEqual(['ACL-1', 'ACL-2']);
    expect(otherCourseId).toBeTruthy();
  });

  it('refuses an unauthenticated WebSocket with 4403 and filters subscriptions', async () => {
    const closed = await new Promise<number>((resolve) => {
      const client = wsClient(app.anonymous);
      client.on('closed', (event) => resolve((event as { code: number }).code));
      client.subscribe(
        {
          query: `subscription($s: ID!) { attendanceMarked(sessionId: $s) { id } }`,
          variables: { s: sessionId },
        },
        {
          next: () => undefined,
          error: () => undefined,
          complete: () => undefined,
        },
      );
    });
    expect(closed).toBe(4403);

    const subscribe = async (e: Endpoint, query: string) => {
      const client = wsClient(e);
      const sub = collect(client, query, { s: sessionId }, () => true, 3000);
      await sub.done.catch(() => undefined);
      await client.dispose();
      return sub.errors.map((x) => x.extensions?.code);
    };
    const marked = `subscription($s: ID!) { attendanceMarked(sessionId: $s) { id } }`;
    expect(await subscribe(as.otherTeacher, marked)).toEqual(['FORBIDDEN']);
    expect(await subscribe(as.otherAdmin, marked)).toEqual(['NOT_FOUND']);
    expect(await subscribe(as.submitKey, marked)).toEqual(['FORBIDDEN']);
    // A kiosk key may follow the photos it submits; the subscription stays open (no error) until timeout.
    expect(
      await subscribe(as.submitKey, `subscription($s: ID!) { photoProcessed(sessionId: $s) { id } }`),
    ).toEqual([]);
  });

  it('rejects revoked keys, wrong passwords and reused refresh tokens', async () => {
    await gqlOk(app.api, `mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }`, { id: readKeyId });
    expect(
      codesOf(await gql(as.readKey, `query($id: ID!) { course(id: $id) { id } }`, { id: courseId })),
    ).toEqual(['UNAUTHENTICATED']);

    const login = `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken refreshToken user { role } } }`;
    expect(
      codesOf(await gql(app.anonymous, login, { e: 'teacher@school.test', p: 'wrong password' })),
    ).toEqual(['UNAUTHENTICATED']);
    expect(
      codesOf(await gql(app.anonymous, login, { e: 'nobody@school.test', p: 'wrong password' })),
    ).toEqual(['UNAUTHENTICATED']);
    const first = await gqlOk<{ login: { refreshToken: string; user: { role: string } } }>(
      app.anonymous,
      login,
      {
        e: 'teacher@school.test',
        p: TEST_PASSWORD,
      },
    );
    expect(first.login.user.role).toBe('TEACHER');
    const refresh = `mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken refreshToken } }`;
    const second = await gqlOk<{ refreshSession: { refreshToken: string } }>(app.anonymous, refresh, {
      t: first.login.refreshToken,
    });
    // Replaying the first token (a stolen copy) fails and revokes the whole login, the rotated one too.
    expect(codesOf(await gql(app.anonymous, refresh, { t: first.login.refreshToken }))).toEqual([
      'UNAUTHENTICATED',
    ]);
    expect(codesOf(await gql(app.anonymous, refresh, { t: second.refreshSession.refreshToken }))).toEqual([
      'UNAUTHENTICATED',
    ]);
  });
});

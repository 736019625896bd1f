import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gqlOk, startTestApp, type Endpoint, type TestApp } from '../setup/harness';
import { ADD_STUDENT, CLOSE_SESSION, CREATE_COURSE, START_SESSION } from './operations';

// Server-side attendance exports over HTTP, authorised like the API (tokens and API keys).

const MARK = `mutation($input: MarkAttendanceInput!) { markAttendance(input: $input) { status } }`;
const KEY = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`;

describe('attendance exports', () => {
  let app: TestApp;
  let admin: Endpoint;
  let base = '';
  let courseId = '';
  let otherCourseId = '';
  let sessionId = '';

  const get = (pathAndQuery: string, authorization?: string) =>
    fetch(`${base}${pathAndQuery}`, { headers: authorization ? { authorization } : {} });

  beforeAll(async () => {
    app = await startTestApp();
    admin = await app.adminOf('lms-export');
    base = app.url.replace(/\/graphql$/, '');
    courseId = (
      await gqlOk<{ createCourse: { id: string } }>(admin, CREATE_COURSE, {
        input: { code: 'EXP1', name: 'Exports' },
      })
    ).createCourse.id;
    otherCourseId = (
      await gqlOk<{ createCourse: { id: string } }>(admin, CREATE_COURSE, {
        input: { code: 'EXP2', name: 'Other' },
      })
    ).createCourse.id;
    const ids: string[] = [];
    for (const [externalId, name] of [
      ['e-1', 'Lovelace, "Ada"'],
      ['e-2', 'Alan Turing'],
      ['e-3', 'Grace Hopper'],
    ]) {
      ids.push(
        (
          await gqlOk<{ addStudent: { id: string } }>(admin, ADD_STUDENT, {
            input: { courseId, externalId, name, consent: true },
          })
        ).addStudent.id,
      );
    }
    sessionId = (await gqlOk<{ startSession: { id: string } }>(admin, START_SESSION, { courseId }))
      .startSession.id;
    await gqlOk(admin, MARK, { input: { sessionId, studentId: ids[0], status: 'PRESENT' } });
    await gqlOk(admin, MARK, {
      input: { sessionId, studentId: ids[1], status: 'EXCUSED', note: 'sick, at home' },
    });
    await gqlOk(admin, CLOSE_SESSION, { sessionId });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('streams a session as CSV, every enrolled student with a status', async () => {
    const res = await get(`/export/attendance.csv?sessionId=${sessionId}`, admin.authorization);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const rows = parse<Record<string, string>>(await res.text(), { columns: true });
    expect(rows.map((r) => [r.studentExternalId, r.status])).toEqual([
      ['e-1', 'PRESENT'],
      ['e-2', 'EXCUSED'],
      ['e-3', 'ABSENT'],
    ]);
    expect(rows[0]).toMatchObject({ studentName: 'Lovelace, "Ada"', courseCode: 'EXP1', sessionId });
    expect(rows[1]?.note).toBe('sick, at home');
  });

  it('exports a course over a date range as JSON and as OneRoster-style results, with an API key', async () => {
    const key = (
      await gqlOk<{ createApiKey: { secret: string } }>(admin, KEY, {
        input: { name: 'lms', scopes: ['ATTENDANCE_READ'], courseId },
      })
    ).createApiKey.secret;
    const today = new Date().toISOString().slice(0, 10);
    const json = await get(
      `/export/attendance.json?courseId=${courseId}&from=${today}&to=${today}`,
      `ApiKey ${key}`,
    );
    expect(json.status).toBe(200);
    const body = (await json.json()) as {
      format: string;
      rows: { status: string; studentExternalId: string }[];
    };
    expect(body.format).toBe('rollcall.attendance.v1');
    expect(body.rows).toHaveLength(3);
    const empty = await get(`/export/attendance.json?courseId=${courseId}&to=2000-01-01`, `ApiKey ${key}`);
    expect(((await empty.json()) as { rows: unknown[] }).rows).toEqual([]);

    const or = await get(`/export/attendance.oneroster.csv?courseId=${courseId}`, `ApiKey ${key}`);
    const results = parse<Record<string, string>>(await or.text(), { columns: true });
    expect(results.map((r) => [r.studentSourcedId, r.scoreStatus, r.score])).toEqual([
      ['e-1', 'fully graded', '1'],
      ['e-2', 'exempt', ''],
      ['e-3', 'fully graded', '0'],
    ]);
    expect(results[0]?.lineItemSourcedId).toBe(`rollcall-session-${sessionId}`);

    // The key is limited to its course; other callers get typed errors.
    const other = await get(`/export/attendance.csv?courseId=${otherCourseId}`, `ApiKey ${key}`);
    expect(other.status).toBe(403);
    expect(
      ((await other.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code,
    ).toBe('FORBIDDEN');
    expect((await get(`/export/attendance.csv?sessionId=${sessionId}`)).status).toBe(401);
    expect(
      (await get(`/export/attendance.csv?courseId=${courseId}&from=yesterday`, admin.authorization)).status,
    ).toBe(400);
    expect((await get(`/export/attendance.csv`, admin.authorization)).status).toBe(400);
    const stranger = await app.adminOf('lms-export-other');
    expect((await get(`/export/attendance.csv?sessionId=${sessionId}`, stranger.authorization)).status).toBe(
      404,
    );
  });
});

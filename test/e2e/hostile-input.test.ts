import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codesOf, gql, gqlOk, gqlUpload, startTestApp, type TestApp } from '../setup/harness';
import { ADD_STUDENT, CREATE_COURSE, ENROLL_FACES, START_SESSION, SUBMIT_PHOTO } from './operations';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures');

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => e.name);
}

describe('hostile input', () => {
  let app: TestApp;
  let studentId: string;
  let sessionId: string;
  const expected = new Map<string, string>();

  beforeAll(async () => {
    app = await startTestApp({
      MAX_IMAGE_PIXELS: '40000000',
      GRAPHQL_MAX_DEPTH: '8',
      GRAPHQL_MAX_ALIASES: '10',
    });
    const courseId = (
      await gqlOk<{ createCourse: { id: string } }>(app.api, CREATE_COURSE, {
        input: { code: 'HOST-1', name: 'x' },
      })
    ).createCourse.id;
    studentId = (
      await gqlOk<{ addStudent: { id: string } }>(app.api, ADD_STUDENT, {
        input: { courseId, externalId: 'host-1', name: 'H', consent: true },
      })
    ).addStudent.id;
    sessionId = (await gqlOk<{ startSession: { id: string } }>(app.api, START_SESSION, { courseId }))
      .startSession.id;
    const table = JSON.parse(await readFile(path.join(FIXTURES, 'expected.json'), 'utf8')) as Record<
      string,
      string
    >;
    Object.entries(table).forEach(([file, code]) => expected.set(file, code));
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('refuses every fixture file at enrollment and at submission, writing nothing', async () => {
    expect(expected.size).toBeGreaterThanOrEqual(5);
    for (const [file, code] of expected) {
      const data = await readFile(path.join(FIXTURES, file));
      const enrolled = await gqlUpload(
        app.api,
        ENROLL_FACES,
        { studentId, photos: [null] },
        { 'photos.0': { name: file, data } },
      );
      expect([file, codesOf(enrolled)]).toEqual([file, [code]]);
      const submitted = await gqlUpload(
        app.api,
        SUBMIT_PHOTO,
        { sessionId, photo: null },
        { photo: { name: file, data } },
      );
      expect([file, codesOf(submitted)]).toEqual([file, [code]]);
    }
    const { session } = await gqlOk<{ session: { photos: { total: number } } }>(
      app.api,
      `query($id: ID!) { session(id: $id) { photos { total } } }`,
      { id: sessionId },
    );
    expect(session.photos.total).toBe(0);
    const { student } = await gqlOk<{ student: { faces: unknown[] } }>(
      app.api,
      `query($id: ID!) { student(id: $id) { faces { id } } }`,
      { id: studentId },
    );
    expect(student.faces).toEqual([]);
    expect(await filesUnder(app.storageDir)).toEqual([]);
  });

  it('refuses deep, aliased, batched and oversized operations', async () => {
    const deep = `{ courses { items { sessions { items { course { sessions { items { course { sessions { items { id } } } } } } } } } } }`;
    expect(codesOf(await gql(app.api, deep))).toContain('GRAPHQL_VALIDATION_FAILED');
    const aliased = `{ ${Array.from({ length: 50 }, (_, i) => `a${i}: courses { total }`).join(' ')} }`;
    expect(codesOf(await gql(app.api, aliased))).toContain('GRAPHQL_VALIDATION_FAILED');

    const batch = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: app.api.authorization ?? '' },
      body: JSON.stringify([{ query: '{ courses { total } }' }, { query: '{ courses { total } }' }]),
    });
    expect(batch.status).toBe(400);

    const huge = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: app.api.authorization ?? '' },
      body: JSON.stringify({ query: `{ courses { total } }`, variables: { pad: 'x'.repeat(2_000_000) } }),
    });
    expect(huge.status).toBe(413);
    expect(
      ((await huge.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code,
    ).toBe('PAYLOAD_TOO_LARGE');
  });

  it('rate-limits a caller over its budget with RATE_LIMITED', async () => {
    const limited = await startTestApp({ RATE_LIMIT_PER_MINUTE: '5' });
    try {
      const codes: (string | undefined)[] = [];
      for (let i = 0; i < 8; i++) {
        codes.push(codesOf(await gql(limited.api, `{ courses { total } }`))[0] ?? 'OK');
      }
      // Counted per user (shared through Redis when configured): five pass, the rest wait.
      expect(codes).toEqual([...Array(5).fill('OK'), ...Array(3).fill('RATE_LIMITED')]);
    } finally {
      await limited.stop();
    }
  });
});

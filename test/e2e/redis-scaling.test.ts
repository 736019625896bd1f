import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, face, gqlOk, gqlUpload, startTestApp, wsClient, type TestApp } from '../setup/harness';
import { ADD_STUDENT, CREATE_COURSE, ENROLL_FACES, START_SESSION, SUBMIT_PHOTO } from './operations';

// Two server instances behind a load balancer share PostgreSQL and Redis: a dashboard connected to
// one sees what is submitted through the other, and an enrollment on one is recognised by the other.

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function reachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port) }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

describe('two instances sharing PostgreSQL and Redis', () => {
  let a: TestApp;
  let b: TestApp;
  let available = false;

  beforeAll(async () => {
    available = (await reachable(DATABASE_URL)) && (await reachable(REDIS_URL));
    if (!available) {
      // A fresh machine with only Node has neither server; CI always has both and must run this.
      if (process.env.CI) {
        throw new Error('CI must provide PostgreSQL and Redis for the scaling test');
      }
      return;
    }
    a = await startTestApp({ DATABASE_URL, REDIS_URL, SUBMIT_WAIT_MS: '60000', STORAGE_DRIVER: 'database' });
    b = await startTestApp(
      { DATABASE_URL, REDIS_URL, SUBMIT_WAIT_MS: '60000', STORAGE_DRIVER: 'database' },
      { engine: a.engine },
    );
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  it('delivers events published by one instance to subscribers of the other', async (ctx) => {
    if (!available) {
      ctx.skip();
    }
    const code = `SCALE-${Date.now()}`;
    const { createCourse } = await gqlOk<{ createCourse: { id: string } }>(a.api, CREATE_COURSE, {
      input: { code, name: 'Scale' },
    });
    const { addStudent } = await gqlOk<{ addStudent: { id: string } }>(a.api, ADD_STUDENT, {
      input: { courseId: createCourse.id, externalId: `${code}-putin`, name: 'Vladimir', consent: true },
    });
    const { startSession } = await gqlOk<{ startSession: { id: string } }>(b.api, START_SESSION, {
      courseId: createCourse.id,
    });

    // Prime b's roster cache with an empty roster, then enroll through a: the shared cache must be invalidated.
    const empty = await gqlUpload<{ submitPhoto: { faces: { student: unknown }[] } }>(
      b.api,
      SUBMIT_PHOTO,
      { sessionId: startSession.id, photo: null },
      { photo: { name: 'x.jpg', data: await face('people/vladimir_putin/5.jpg') } },
    );
    expect(empty.data?.submitPhoto.faces.map((f) => f.student)).toEqual([null]);
    const enrolled = await gqlUpload(
      a.api,
      ENROLL_FACES,
      { studentId: addStudent.id, photos: [null] },
      {
        'photos.0': { name: 'p.jpg', data: await face('people/vladimir_putin/1.jpg') },
      },
    );
    expect(enrolled.errors).toBeUndefined();

    const client = wsClient(a.api);
    const marks = collect<{ attendanceMarked: { status: string; student: { externalId: string } } }>(
      client,
      `subscription($s: ID!) { attendanceMarked(sessionId: $s) { status student { externalId } } }`,
      { s: startSession.id },
      (e) => e.length >= 1,
    );
    await marks.ready;
    const submitted = await gqlUpload<{ submitPhoto: { status: string } }>(
      b.api,
      SUBMIT_PHOTO,
      { sessionId: startSession.id, photo: null },
      { photo: { name: 'y.jpg', data: await face('people/vladimir_putin/2.jpg') } },
    );
    expect(submitted.data?.submitPhoto.status).toBe('DONE');
    const events = await marks.done;
    expect(marks.errors).toEqual([]);
    expect(events[0]?.attendanceMarked).toEqual({
      status: 'PRESENT',
      student: { externalId: `${code}-putin` },
    });
    await client.dispose();
  });
});

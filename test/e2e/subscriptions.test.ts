import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, face, gqlOk, gqlUpload, startTestApp, wsClient, type TestApp } from '../setup/harness';
import {
  ADD_STUDENT,
  CLOSE_SESSION,
  CREATE_COURSE,
  ENROLL_FACES,
  START_SESSION,
  SUBMIT_PHOTO,
} from './operations';

const ATTENDANCE_MARKED = `subscription($sessionId: ID!) {
  attendanceMarked(sessionId: $sessionId) { status confidence source student { externalId } }
}`;
const PHOTO_PROCESSED = `subscription($sessionId: ID!) {
  photoProcessed(sessionId: $sessionId) { id status faces { student { externalId } } }
}`;

interface Marked {
  attendanceMarked: {
    status: string;
    confidence: number | null;
    source: string;
    student: { externalId: string };
  };
}
interface Processed {
  photoProcessed: { id: string; status: string; faces: { student: { externalId: string } | null }[] };
}

describe('live attendance subscriptions', () => {
  let app: TestApp;
  let courseId: string;

  beforeAll(async () => {
    // A short wait makes submitPhoto answer QUEUED; the result must then arrive by subscription.
    app = await startTestApp({ SUBMIT_WAIT_MS: '0' });
    courseId = (
      await gqlOk<{ createCourse: { id: string } }>(app.api, CREATE_COURSE, {
        input: { code: 'LIVE-1', name: 'Live' },
      })
    ).createCourse.id;
    for (const [externalId, photo] of [
      ['tony', 'people/tony_blair/1.jpg'],
      ['colin', 'people/colin_powell/1.jpg'],
    ] as const) {
      const { addStudent } = await gqlOk<{ addStudent: { id: string } }>(app.api, ADD_STUDENT, {
        input: { courseId, externalId, name: externalId, consent: true },
      });
      const enrolled = await gqlUpload(
        app.api,
        ENROLL_FACES,
        { studentId: addStudent.id, photos: [null] },
        {
          'photos.0': { name: 'p.jpg', data: await face(photo) },
        },
      );
      expect(enrolled.errors).toBeUndefined();
    }
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('pushes photo progress and attendance marks, then ABSENT on close', async () => {
    const { startSession } = await gqlOk<{ startSession: { id: string } }>(app.api, START_SESSION, {
      courseId,
    });
    const client = wsClient(app.api);
    const photos = collect<Processed>(client, PHOTO_PROCESSED, { sessionId: startSession.id }, (e) =>
      e.some((x) => x.photoProcessed.status === 'DONE'),
    );
    const marks = collect<Marked>(
      client,
      ATTENDANCE_MARKED,
      { sessionId: startSession.id },
      (e) => e.length >= 2,
    );
    await Promise.all([photos.ready, marks.ready]);

    const submitted = await gqlUpload<{ submitPhoto: { id: string; status: string } }>(
      app.api,
      SUBMIT_PHOTO,
      { sessionId: startSession.id, photo: null },
      { photo: { name: 'tony.jpg', data: await face('people/tony_blair/3.jpg') } },
    );
    expect(['QUEUED', 'PROCESSING']).toContain(submitted.data?.submitPhoto.status);

    const photoEvents = await photos.done;
    expect(photos.errors).toEqual([]);
    const done = photoEvents.find((e) => e.photoProcessed.status === 'DONE');
    expect(done?.photoProcessed.id).toBe(submitted.data?.submitPhoto.id);
    expect(done?.photoProcessed.faces.map((f) => f.student?.externalId)).toEqual(['tony']);

    await gqlOk(app.api, CLOSE_SESSION, { sessionId: startSession.id });
    const markEvents = await marks.done;
    const byStudent = Object.fromEntries(
      markEvents.map((e) => [e.attendanceMarked.student.externalId, e.attendanceMarked]),
    );
    expect(byStudent.tony?.status).toBe('PRESENT');
    expect(byStudent.tony?.confidence).toBeGreaterThan(0.5);
    expect(byStudent.colin?.status).toBe('ABSENT');
    await client.dispose();
  });

  it('answers NOT_FOUND when subscribing to an unknown session', async () => {
    const client = wsClient(app.api);
    const sub = collect<Marked>(client, ATTENDANCE_MARKED, { sessionId: randomUUID() }, () => true, 10_000);
    await sub.done;
    expect(sub.errors.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
    await client.dispose();
  });
});

import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codesOf, face, gql, gqlOk, gqlUpload, startTestApp, type TestApp } from '../setup/harness';
import {
  ADD_STUDENT,
  CLOSE_SESSION,
  CREATE_COURSE,
  ENROLL_FACES,
  SESSION,
  START_SESSION,
  STUDENT_FACES,
  SUBMIT_PHOTO,
} from './operations';

// Every bad input gets a typed error a client can act on, and leaves nothing written.

const MAX_UPLOAD = 2 * 1024 * 1024;

describe('bad input', () => {
  let app: TestApp;
  let courseId: string;
  let studentId: string;
  let sessionId: string;
  let jpeg: Buffer;

  const enroll = (data: Uint8Array, name = 'photo.jpg') =>
    gqlUpload(app.api, ENROLL_FACES, { studentId, photos: [null] }, { 'photos.0': { name, data } });
  const submit = (data: Uint8Array, session = sessionId) =>
    gqlUpload(
      app.api,
      SUBMIT_PHOTO,
      { sessionId: session, photo: null },
      { photo: { name: 'class.jpg', data } },
    );

  async function nothingWritten(): Promise<void> {
    const { student } = await gqlOk<{ student: { faces: unknown[] } }>(app.api, STUDENT_FACES, {
      id: studentId,
    });
    expect(student.faces).toEqual([]);
    const { session } = await gqlOk<{ session: { photos: { total: number }; records: unknown[] } }>(
      app.api,
      SESSION,
      {
        id: sessionId,
      },
    );
    expect(session.photos.total).toBe(0);
    expect(session.records).toEqual([]);
  }

  beforeAll(async () => {
    app = await startTestApp({ MAX_UPLOAD_BYTES: String(MAX_UPLOAD), MAX_IMAGE_PIXELS: '20000000' });
    jpeg = await face('people/tony_blair/1.jpg');
    courseId = (
      await gqlOk<{ createCourse: { id: string } }>(app.api, CREATE_COURSE, {
        input: { code: 'BAD-1', name: 'Bad input' },
      })
    ).createCourse.id;
    studentId = (
      await gqlOk<{ addStudent: { id: string } }>(app.api, ADD_STUDENT, {
        input: { courseId, externalId: 's-1', name: 'Tony', consent: true },
      })
    ).addStudent.id;
    sessionId = (await gqlOk<{ startSession: { id: string } }>(app.api, START_SESSION, { courseId }))
      .startSession.id;
  });
  afterAll(async () => {
    await app?.stop();
  });

  it.each([
    ['random bytes', () => Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256))],
    [
      'a text file named .jpg',
      () => Buffer.from('this is not an image, only text pretending to be one\n'.repeat(20)),
    ],
    ['a truncated JPEG', () => jpeg.subarray(0, Math.floor(jpeg.length / 3))],
  ])('refuses %s as INVALID_IMAGE, at enrollment and in a session', async (_name, make) => {
    const data = make();
    expect(codesOf(await enroll(data))).toEqual(['INVALID_IMAGE']);
    expect(codesOf(await submit(data))).toEqual(['INVALID_IMAGE']);
    await nothingWritten();
  });

  it('refuses an upload over the byte limit as PAYLOAD_TOO_LARGE', async () => {
    const big = await sharp({
      create: {
        width: 2000,
        height: 2000,
        channels: 3,
        background: '#000000',
        noise: { type: 'gaussian', mean: 128, sigma: 60 },
      },
    })
      .png()
      .toBuffer();
    expect(big.length).toBeGreaterThan(MAX_UPLOAD);
    expect(codesOf(await enroll(big, 'big.png'))).toEqual(['PAYLOAD_TOO_LARGE']);
    expect(codesOf(await submit(big))).toEqual(['PAYLOAD_TOO_LARGE']);
    await nothingWritten();
  });

  it('refuses an image over the pixel limit as IMAGE_TOO_LARGE before decoding it', async () => {
    // 25 megapixels of one colour compresses to a few kilobytes: small upload, huge decode.
    const huge = await sharp({ create: { width: 5000, height: 5000, channels: 3, background: '#808080' } })
      .png()
      .toBuffer();
    expect(huge.length).toBeLessThan(MAX_UPLOAD);
    expect(codesOf(await enroll(huge, 'huge.png'))).toEqual(['IMAGE_TOO_LARGE']);
    expect(codesOf(await submit(huge))).toEqual(['IMAGE_TOO_LARGE']);
    await nothingWritten();
  });

  it('refuses an enrollment photo without a face, or with several people', async () => {
    expect(codesOf(await enroll(await face('groups/nobody_enrolled_017.jpg')))).toEqual(['NO_FACE_DETECTED']);
    expect(codesOf(await enroll(await face('groups/bbt3.jpg')))).toEqual(['MULTIPLE_FACES']);
    await nothingWritten();
  });

  it('refuses the whole enrollment when one photo of several is bad, naming it', async () => {
    const result = await gqlUpload(
      app.api,
      ENROLL_FACES,
      { studentId, photos: [null, null] },
      {
        'photos.0': { name: 'good.jpg', data: jpeg },
        'photos.1': { name: 'bad.jpg', data: await face('groups/nobody_enrolled_017.jpg') },
      },
    );
    expect(codesOf(result)).toEqual(['NO_FACE_DETECTED']);
    expect(result.errors?.[0]?.extensions?.photoIndex).toBe(1);
    await nothingWritten();
  });

  it('answers NOT_FOUND for unknown or malformed ids', async () => {
    for (const id of [randomUUID(), 'not-a-uuid']) {
      expect(codesOf(await gql(app.api, `query($id: ID!) { session(id: $id) { id } }`, { id }))).toEqual([
        'NOT_FOUND',
      ]);
      expect(codesOf(await gql(app.api, `query($id: ID!) { student(id: $id) { id } }`, { id }))).toEqual([
        'NOT_FOUND',
      ]);
      expect(codesOf(await gql(app.api, `query($id: ID!) { photo(id: $id) { id } }`, { id }))).toEqual([
        'NOT_FOUND',
      ]);
      expect(codesOf(await gql(app.api, START_SESSION, { courseId: id }))).toEqual(['NOT_FOUND']);
      expect(codesOf(await submit(jpeg, id))).toEqual(['NOT_FOUND']);
      expect(
        codesOf(
          await gqlUpload(
            app.api,
            ENROLL_FACES,
            { studentId: id, photos: [null] },
            { 'photos.0': { name: 'a.jpg', data: jpeg } },
          ),
        ),
      ).toEqual(['NOT_FOUND']);
      expect(
        codesOf(
          await gql(app.api, ADD_STUDENT, {
            input: { courseId: id, externalId: 'x', name: 'x', consent: true },
          }),
        ),
      ).toEqual(['NOT_FOUND']);
    }
  });

  it('refuses duplicates with CONFLICT', async () => {
    expect(codesOf(await gql(app.api, CREATE_COURSE, { input: { code: 'BAD-1', name: 'again' } }))).toEqual([
      'CONFLICT',
    ]);
    expect(
      codesOf(
        await gql(app.api, ADD_STUDENT, {
          input: { courseId, externalId: 's-1', name: 'Twin', consent: true },
        }),
      ),
    ).toEqual(['CONFLICT']);
    const other = await gqlOk<{ addStudent: { id: string } }>(app.api, ADD_STUDENT, {
      input: { courseId, externalId: 's-dup', name: 'Dup', consent: true },
    });
    const photo = await face('people/colin_powell/1.jpg');
    const upload = () =>
      gqlUpload(
        app.api,
        ENROLL_FACES,
        { studentId: other.addStudent.id, photos: [null] },
        { 'photos.0': { name: 'p.jpg', data: photo } },
      );
    expect((await upload()).errors).toBeUndefined();
    expect(codesOf(await upload())).toEqual(['CONFLICT']);
  });

  it('requires recorded consent', async () => {
    expect(
      codesOf(
        await gql(app.api, ADD_STUDENT, {
          input: { courseId, externalId: 's-nc', name: 'No consent', consent: false },
        }),
      ),
    ).toEqual(['CONSENT_REQUIRED']);
    const check = await gql(
      app.api,
      `query { course(id: "${courseId}") { students { items { externalId } } } }`,
    );
    expect(JSON.stringify(check.data)).not.toContain('s-nc');
  });

  it('refuses invalid fields with BAD_USER_INPUT', async () => {
    expect(codesOf(await gql(app.api, CREATE_COURSE, { input: { code: '   ', name: 'x' } }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(
      codesOf(
        await gql(app.api, ADD_STUDENT, {
          input: { courseId, externalId: 'e', name: 'x', email: 'nope', consent: true },
        }),
      ),
    ).toEqual(['BAD_USER_INPUT']);
  });

  it('refuses photos for a closed session with SESSION_CLOSED', async () => {
    const { startSession } = await gqlOk<{ startSession: { id: string } }>(app.api, START_SESSION, {
      courseId,
    });
    await gqlOk(app.api, CLOSE_SESSION, { sessionId: startSession.id });
    expect(codesOf(await submit(jpeg, startSession.id))).toEqual(['SESSION_CLOSED']);
    expect(codesOf(await gql(app.api, CLOSE_SESSION, { sessionId: startSession.id }))).toEqual([
      'SESSION_CLOSED',
    ]);
    const { session } = await gqlOk<{ session: { photos: { total: number } } }>(app.api, SESSION, {
      id: startSession.id,
    });
    expect(session.photos.total).toBe(0);
  });
});

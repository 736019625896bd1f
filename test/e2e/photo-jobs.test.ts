import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/env';
import { createInferenceEngine, InferenceError, type InferenceEngine } from '../../src/inference';
import { gqlOk, gqlUpload, startTestApp, type TestApp } from '../setup/harness';
import { CREATE_COURSE, START_SESSION } from './operations';

// Photo analysis as queued jobs: transient faults are retried, then dead-lettered with the reason;
// re-submitting the same bytes queues the photo again under the same id; a client can look a photo
// up by the hash of what it sent. The faults are real InferenceErrors thrown in front of the real
// engine (what a crashed worker thread produces).

const SUBMIT = `mutation($sessionId: ID!, $photo: Upload!) {
  submitPhoto(sessionId: $sessionId, photo: $photo) { id status errorCode errorMessage attempts analysisMode }
}`;
const BY_HASH = `query($sessionId: ID!, $hash: String!) {
  photoByHash(sessionId: $sessionId, contentHash: $hash) { id status attempts analysisMode }
}`;

interface Photo {
  id: string;
  status: string;
  errorCode: string | null;
  errorMessage: string | null;
  attempts: number;
  analysisMode: string | null;
}

describe('photo jobs', () => {
  let app: TestApp;
  let real: InferenceEngine;
  let failNext = 0;
  let analyses = 0;
  let sessionId: string;

  beforeAll(async () => {
    const env = parseEnv({ ...process.env, INFERENCE_WORKERS: '1' });
    real = createInferenceEngine({
      workers: 1,
      maxPixels: env.MAX_IMAGE_PIXELS,
      maxDimension: env.INFERENCE_MAX_DIMENSION,
      minDetectionScore: env.INFERENCE_MIN_DETECTION_SCORE,
      minFaceSize: env.INFERENCE_MIN_FACE_SIZE,
    });
    const faulty: InferenceEngine = {
      get backend() {
        return real.backend;
      },
      model: real.model,
      get models() {
        return real.models;
      },
      ready: () => real.ready(),
      analyze: (image, options) => {
        if (failNext > 0) {
          failNext--;
          return Promise.reject(
            new InferenceError('INFERENCE_UNAVAILABLE', 'The face analysis worker stopped unexpectedly'),
          );
        }
        analyses++;
        return real.analyze(image, options);
      },
      stats: () => real.stats(),
      tensorCounts: () => real.tensorCounts(),
      close: () => Promise.resolve(),
    };
    app = await startTestApp(
      { QUEUE_ATTEMPTS: '2', QUEUE_BACKOFF_MS: '50', SUBMIT_WAIT_MS: '30000' },
      { engine: faulty, queuePrefix: `rollcall:test-${Math.random().toString(36).slice(2)}` },
    );
    const { createCourse } = await gqlOk<{ createCourse: { id: string } }>(app.api, CREATE_COURSE, {
      input: { code: 'JOBS-1', name: 'Jobs' },
    });
    const { startSession } = await gqlOk<{ startSession: { id: string } }>(app.api, START_SESSION, {
      courseId: createCourse.id,
    });
    sessionId = startSession.id;
  });
  afterAll(async () => {
    await app?.stop();
    await real?.close();
  });

  const submit = async (bytes: Buffer) => {
    const res = await gqlUpload<{ submitPhoto: Photo }>(
      app.api,
      SUBMIT,
      { sessionId },
      { photo: { name: 'p.jpg', data: bytes } },
    );
    expect(res.errors).toBeUndefined();
    return res.data!.submitPhoto;
  };

  it('dead-letters a photo after its attempts, with the reason, and re-queues it when submitted again', async () => {
    const bytes = await sharp({ create: { width: 96, height: 64, channels: 3, background: '#8a7' } })
      .jpeg()
      .toBuffer();
    failNext = 2;
    const dead = await submit(bytes);
    expect(dead.status).toBe('DEAD_LETTER');
    expect(dead.errorCode).toBe('INFERENCE_UNAVAILABLE');
    expect(dead.errorMessage).toMatch(/Gave up after 2 attempts: The face analysis worker stopped/);
    expect(dead.attempts).toBe(2);
    expect(analyses).toBe(0);

    const again = await submit(bytes);
    expect(again.id).toBe(dead.id);
    expect(again).toMatchObject({ status: 'DONE', errorCode: null, attempts: 1, analysisMode: 'FULL' });
    expect(analyses).toBe(1);

    // Finished: the same bytes again are the same photo and are not analysed again.
    expect((await submit(bytes)).id).toBe(dead.id);
    expect(analyses).toBe(1);

    const hash = createHash('sha256').update(bytes).digest('hex');
    const { photoByHash } = await gqlOk<{ photoByHash: Photo | null }>(app.api, BY_HASH, { sessionId, hash });
    expect(photoByHash).toMatchObject({ id: dead.id, status: 'DONE' });
    const other = createHash('sha256').update('never sent').digest('hex');
    expect(
      (await gqlOk<{ photoByHash: Photo | null }>(app.api, BY_HASH, { sessionId, hash: other })).photoByHash,
    ).toBeNull();
  });

  it('retries a transient fault and finishes on the next attempt', async () => {
    const bytes = await sharp({ create: { width: 80, height: 80, channels: 3, background: '#345' } })
      .jpeg()
      .toBuffer();
    failNext = 1;
    const photo = await submit(bytes);
    expect(photo).toMatchObject({ status: 'DONE', attempts: 2 });
  });

  it('reports the queue on /readyz and in metrics', async () => {
    const ready = (await (await fetch(app.url.replace('/graphql', '/readyz'))).json()) as {
      checks: Record<string, string>;
      queue: { counts: { waiting: number }; deadLetters: number; consumers: number };
    };
    expect(ready.checks.queue).toBe('ok');
    expect(ready.queue.deadLetters).toBe(1);
    expect(ready.queue.consumers).toBeGreaterThanOrEqual(1);
    const metrics = await (await fetch(app.url.replace('/graphql', '/metrics'))).text();
    expect(metrics).toMatch(/rollcall_queue_dead_letters_total\{queue="photo-analysis"[^}]*\} 1/);
    expect(metrics).toMatch(
      /rollcall_queue_attempts_total\{queue="photo-analysis",outcome="retried"[^}]*\} 2/,
    );
    expect(metrics).toMatch(/rollcall_photos_by_mode_total\{mode="FULL"[^}]*\} 2/);
    expect(metrics).toMatch(/rollcall_worker_concurrency\{[^}]*\} [1-9]/);
  });
});

import { describe, expect, it } from 'vitest';
import { SUBMIT_PHOTO } from '../e2e/operations';
import { collect, gql, gqlUpload, wsClient } from '../setup/harness';
import {
  openSession,
  readiness,
  settle,
  sleep,
  smallPhotos,
  startPhotoLoad,
  startReadProbe,
  waitUntil,
} from './photo-load';
import { useThrowawayStack } from './throwaway-stack';

// Fault drill: Redis is killed (SIGKILL, 10 s) and later paused (SIGSTOP, 3 s) under a steady load
// of real photos, against a throwaway PostgreSQL and Redis this test owns. Reads keep working through
// the outage, no request hangs on the paused Redis, /readyz says "degraded" (not unready), and within
// 60 s of Redis returning every accepted photo is DONE or FAILED, none lost; live events flow again.

const OUTAGE_MS = 10_000;
const PAUSE_MS = 3_000;

describe('drill: Redis killed and paused under photo load', () => {
  const stack = useThrowawayStack({ REDIS_COMMAND_TIMEOUT_MS: '500', METRICS_INTERVAL_MS: '1000' });

  it('keeps reads and submissions working, loses and strands no photo, and recovers', async () => {
    const { app, redis } = stack;
    const sessionId = await openSession(app.api, `REDIS-${Date.now()}`);
    const photos = await smallPhotos(66);
    // About one photo a second: a steady load well within one worker's capacity, so what is measured
    // is recovery, not a backlog.
    const load = startPhotoLoad(app.api, sessionId, photos.slice(0, 60), 1_000);
    const reads = startReadProbe(app.api, sessionId, 250);
    await sleep(4_000);
    expect((await readiness(app)).body.status).toBe('ready');

    // --- Redis killed ---------------------------------------------------------------------------
    const killedAt = Date.now();
    await redis.kill();
    await sleep(2_000);
    const during = await readiness(app);
    expect(during.code).toBe(200); // degraded, still serving
    expect(during.body).toMatchObject({
      ok: true,
      status: 'degraded',
      checks: { database: 'ok', redis: 'down' },
    });
    await sleep(OUTAGE_MS - 2_000);
    const acceptedDuringOutage = [...load.accepted.values()].filter((t) => t > killedAt).length;
    await redis.start();
    const restartedAt = Date.now();

    const okDuringOutage = reads.ok.filter((t) => t > killedAt && t < restartedAt).length;
    const failedReads = reads.failed.filter((f) => f.at > killedAt && f.at < restartedAt);
    expect(failedReads).toEqual([]);
    expect(okDuringOutage).toBeGreaterThan(10);
    expect(acceptedDuringOutage).toBeGreaterThan(4);

    await sleep(4_000);
    // --- Redis paused: connections stay open and nothing answers ---------------------------------
    redis.pause();
    const pausedAt = Date.now();
    const [read, submitted] = await Promise.all([
      gql<{ session: { id: string } }>(app.api, `query($id: ID!) { session(id: $id) { id } }`, {
        id: sessionId,
      }),
      gqlUpload<{ submitPhoto: { id: string } }>(
        app.api,
        SUBMIT_PHOTO,
        { sessionId, photo: null },
        { photo: { name: 'paused.jpg', data: photos[60]! } },
      ),
    ]);
    const answeredInMs = Date.now() - pausedAt;
    expect(read.data?.session.id).toBe(sessionId);
    expect(submitted.data?.submitPhoto.id).toBeTruthy();
    expect(answeredInMs).toBeLessThan(PAUSE_MS);
    load.accepted.set(submitted.data!.submitPhoto.id, Date.now());
    await sleep(Math.max(0, PAUSE_MS - answeredInMs));
    redis.resume();
    const resumedAt = Date.now();

    await load.stop();
    await reads.stop();
    const result = await settle(app, [...load.accepted.keys()], restartedAt, 60_000);
    const report = {
      ...result,
      refused: load.refused.length,
      acceptedDuringOutage,
      readsDuringOutage: okDuringOutage,
      slowestReadMs: reads.slowestMs,
      pausedAnswerMs: answeredInMs,
      settledAfterResumeMs: Date.now() - resumedAt,
    };
    console.log('[drill] redis', JSON.stringify(report));
    expect(result.lost).toBe(0);
    expect(result.stuck).toBe(0);
    const readyAgainMs = await waitUntil(
      async () => (await readiness(app)).body.status === 'ready',
      15_000,
      'readiness back to ready',
    );
    console.log('[drill] redis: /readyz ready again after', readyAgainMs, 'ms more');

    // Live events flow again after the outage (the subscriber re-subscribed, the buffer drained).
    const client = wsClient(app.api);
    const events = collect<{ photoProcessed: { id: string; status: string } }>(
      client,
      `subscription($s: ID!) { photoProcessed(sessionId: $s) { id status } }`,
      { s: sessionId },
      (all) => all.some((e) => e.photoProcessed.status === 'DONE'),
      20_000,
    );
    await events.ready;
    const after = await gqlUpload<{ submitPhoto: { id: string } }>(
      app.api,
      SUBMIT_PHOTO,
      { sessionId, photo: null },
      { photo: { name: 'after.jpg', data: photos[61]! } },
    );
    const received = await events.done;
    await client.dispose();

    expect(result.settledAfterMs).not.toBeNull();
    expect(result.done).toBeGreaterThan(0);
    expect(load.refused).toEqual([]);
    expect(received.map((e) => e.photoProcessed.id)).toContain(after.data?.submitPhoto.id);
  }, 180_000);
});

import { describe, expect, it } from 'vitest';
import { openSession, readiness, settle, sleep, smallPhotos, startPhotoLoad, waitUntil } from './photo-load';
import { useThrowawayStack } from './throwaway-stack';

// Fault drill: PostgreSQL stops (pg_ctl stop -m fast: every session cut) for 20 s under a steady load
// of real photos, against a throwaway cluster and Redis this test owns. /readyz says unavailable
// during the outage; requests wait for the connection (DB_CONNECT_RETRY_MS) instead of failing; and
// within 60 s of PostgreSQL returning every accepted photo is DONE or FAILED, none lost or stuck.

const OUTAGE_MS = 20_000;

describe('drill: PostgreSQL stopped under photo load', () => {
  const stack = useThrowawayStack({ DB_CONNECT_RETRY_MS: '30000' });

  it('holds requests through the outage and finishes every accepted photo after it', async () => {
    const { app, pg } = stack;
    const sessionId = await openSession(app.api, `PG-${Date.now()}`);
    const photos = await smallPhotos(60);
    // A photo every 1.5 s, within one worker's capacity: what is measured is recovery.
    const load = startPhotoLoad(app.api, sessionId, photos, 1_500, 32);
    await sleep(5_000);

    const stoppedAt = Date.now();
    await pg.stop();
    await sleep(2_000);
    const during = await readiness(app);
    expect(during.code).toBe(503);
    expect(during.body.ok).toBe(false);
    expect(during.body.checks.database).not.toBe('ok');
    await sleep(OUTAGE_MS - (Date.now() - stoppedAt));
    await pg.start();
    const startedAt = Date.now();
    await sleep(5_000);
    await load.stop();

    const result = await settle(app, [...load.accepted.keys()], startedAt, 60_000);
    const acceptedDuringOutage = [...load.accepted.values()].filter(
      (t) => t > stoppedAt && t < startedAt,
    ).length;
    const readyAfterMs = await waitUntil(
      async () => (await readiness(app)).code === 200,
      15_000,
      'ready again',
    );
    console.log(
      '[drill] postgres',
      JSON.stringify({
        ...result,
        refused: load.refused.length,
        refusedMessages: load.refused.slice(0, 3).map((r) => r.message),
        acceptedDuringOutage,
        settledAfterRestartMs: result.settledAfterMs,
        readyAfterSettleMs: readyAfterMs,
      }),
    );
    expect(result.lost).toBe(0);
    expect(result.stuck).toBe(0);
    expect(result.done).toBeGreaterThan(0);
  }, 180_000);
});

import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger';
import { createJobQueue, PermanentJobError, type JobQueue, type QueueEvent } from '../../src/queue';

const logger = createLogger('silent');
const REDIS_URL = process.env.REDIS_URL;

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) {
      throw new Error('timed out');
    }
    await sleep(25);
  }
}

const drivers: { driver: string; make: () => Promise<JobQueue> }[] = [
  { driver: 'memory', make: () => createJobQueue({ logger }) },
];
if (REDIS_URL) {
  drivers.push({
    driver: 'bullmq',
    make: () =>
      createJobQueue({
        logger,
        redisUrl: REDIS_URL,
        prefix: `rollcall:test-${Math.random().toString(36).slice(2)}`,
        lockDurationMs: 2_000,
        stalledIntervalMs: 1_000,
      }),
  });
}

describe.each(drivers)('JobQueue ($driver)', ({ make }) => {
  let sut: JobQueue | undefined;
  afterEach(async () => {
    await sut?.close();
    sut = undefined;
  });

  it('runs jobs once per id, and says what waits', async () => {
    sut = await make();
    const seen: string[] = [];
    await sut.add('echo', { v: 'a' }, { jobId: 'same' });
    await sut.add('echo', { v: 'b' }, { jobId: 'same' });
    expect(await sut.has('echo', 'same')).toBe(true);
    expect((await sut.counts('echo')).waiting).toBe(1);
    await sut.process<{ v: string }>('echo', (data) => {
      seen.push(data.v);
      return Promise.resolve();
    });
    await until(() => seen.length === 1);
    await until(async () => !(await sut!.has('echo', 'same')));
    expect(seen).toEqual(['a']);
    // A finished id can run again (re-submission of the same work).
    await sut.add('echo', { v: 'c' }, { jobId: 'same' });
    await until(() => seen.length === 2);
    expect(seen).toEqual(['a', 'c']);
  });

  it('retries with backoff, then dead-letters with the reason after the last attempt', async () => {
    sut = await make();
    const events: QueueEvent[] = [];
    sut.onEvent((e) => events.push(e));
    const attempts: number[] = [];
    const dead: { reason: string; attempts: number; permanent: boolean }[] = [];
    await sut.process<{ failUntil: number }>(
      'flaky',
      (data, ctx) => {
        attempts.push(ctx.attempt);
        expect(ctx.maxAttempts).toBe(3);
        return ctx.attempt < data.failUntil
          ? Promise.reject(new Error(`boom ${ctx.attempt}`))
          : Promise.resolve();
      },
      {
        onDeadLetter: (_data, d) => {
          dead.push({ reason: d.reason, attempts: d.attempts, permanent: d.permanent });
          return Promise.resolve();
        },
      },
    );
    const started = Date.now();
    await sut.add('flaky', { failUntil: 3 }, { jobId: 'ok-on-3', attempts: 3, backoffMs: 100 });
    await until(() => attempts.length === 3);
    // Backoff of 100 ms then 200 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    await sut.add('flaky', { failUntil: 99 }, { jobId: 'never', attempts: 3, backoffMs: 50 });
    await until(() => dead.length === 1);
    expect(dead[0]).toEqual({ reason: 'boom 3', attempts: 3, permanent: false });
    await until(() => events.filter((e) => e.kind === 'completed').length === 1);
    expect(events.filter((e) => e.kind === 'retried')).toHaveLength(4);
    expect(events.filter((e) => e.kind === 'dead')).toHaveLength(1);
  });

  it('fails a PermanentJobError at once', async () => {
    sut = await make();
    let runs = 0;
    const dead: boolean[] = [];
    await sut.process(
      'bad-input',
      () => {
        runs++;
        return Promise.reject(new PermanentJobError('not an image', 'INVALID_IMAGE'));
      },
      {
        onDeadLetter: (_d, info) => {
          dead.push(info.permanent);
          return Promise.resolve();
        },
      },
    );
    await sut.add('bad-input', {}, { attempts: 5, backoffMs: 10 });
    await until(() => dead.length === 1);
    await sleep(200);
    expect(runs).toBe(1);
    expect(dead).toEqual([true]);
    expect((await sut.counts('bad-input')).failed).toBe(1);
  });

  it('changes concurrency while running', async () => {
    sut = await make();
    let running = 0;
    let peak = 0;
    const worker = await sut.process(
      'slow',
      async () => {
        running++;
        peak = Math.max(peak, running);
        await sleep(150);
        running--;
      },
      { concurrency: 1 },
    );
    for (let i = 0; i < 6; i++) {
      await sut.add('slow', { i });
    }
    await sleep(200);
    expect(peak).toBe(1);
    worker.setConcurrency(3);
    expect(worker.concurrency).toBe(3);
    await until(() => peak === 3, 5_000);
    await until(async () => {
      const c = await sut!.counts('slow');
      return c.waiting + c.active === 0;
    });
  });
});

describe.skipIf(!REDIS_URL)('JobQueue (bullmq) stalled recovery', () => {
  it('re-runs a job whose worker process was killed, within lock + stalled interval', async () => {
    const prefix = `rollcall:test-${Math.random().toString(36).slice(2)}`;
    // A real second process holding the job, killed with SIGKILL: no cleanup, no lock release.
    const child = spawn(
      process.execPath,
      [
        '-e',
        `const { Worker } = require('bullmq');
         const w = new Worker('photo', async () => { process.stdout.write('taken\\n'); await new Promise(() => {}); },
           { connection: { url: ${JSON.stringify(REDIS_URL)}, maxRetriesPerRequest: null }, prefix: ${JSON.stringify(prefix)},
             lockDuration: 2000, stalledInterval: 1000 });`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let taken = false;
    child.stdout.on('data', (d: Buffer) => {
      taken ||= d.toString().includes('taken');
    });
    const sut = await createJobQueue({
      logger,
      redisUrl: REDIS_URL,
      prefix,
      lockDurationMs: 2_000,
      stalledIntervalMs: 1_000,
    });
    try {
      const events: QueueEvent[] = [];
      sut.onEvent((e) => events.push(e));
      await sut.add('photo', { n: 1 }, { jobId: 'p1' });
      await until(() => taken, 15_000);
      child.kill('SIGKILL');
      const killedAt = Date.now();
      let doneAt = 0;
      await sut.process('photo', () => {
        doneAt = Date.now();
        return Promise.resolve();
      });
      await until(() => doneAt > 0, 15_000);
      expect(doneAt - killedAt).toBeLessThan(6_000);
      await until(() => events.some((e) => e.kind === 'stalled'), 5_000);
    } finally {
      child.kill('SIGKILL');
      await sut.close();
    }
  });
});

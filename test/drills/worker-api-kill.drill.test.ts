import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { In } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PhotoStatus, SubmittedPhoto } from '../../src/entities/submitted-photo.entity';
import { CREATE_COURSE, START_SESSION } from '../e2e/operations';
import { FACES_DIR, gqlOk, gqlUpload, startTestApp, type Endpoint, type TestApp } from '../setup/harness';

// Fault drills on real PostgreSQL and Redis with real processes (issue #11): photo load while an
// inference worker process, then an API process running local inference, is killed with SIGKILL.
// Within 60 s every accepted photo must be DONE, finished by a live peer. Needs DATABASE_URL and
// REDIS_URL (CI's second run); the numbers are printed for the issue.

const RUN = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);
const AUTH_SECRET = 'rollcall-test-secret-0123456789abcdef';
const ROOT = path.resolve(__dirname, '..', '..');
const SUBMIT = `mutation($sessionId: ID!, $photo: Upload!) { submitPhoto(sessionId: $sessionId, photo: $photo) { id status } }`;

interface Proc {
  name: string;
  child: ChildProcess;
  port: Promise<number>;
  exited: Promise<void>;
}

function spawnRollcall(name: string, script: string, env: Record<string, string>): Proc {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'src', script)], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      AUTH_SECRET,
      STORAGE_DRIVER: 'database',
      RUN_MIGRATIONS: 'false',
      INFERENCE_WORKERS: '1',
      MIN_WORKERS: '1',
      MAX_WORKERS: '1',
      QUEUE_LOCK_MS: '4000',
      QUEUE_STALLED_INTERVAL_MS: '2000',
      PHOTO_RECOVERY_INTERVAL_MS: '2000',
      PHOTO_RECOVERY_GRACE_MS: '3000',
      ALERTS_ENABLED: 'false',
      RATE_LIMIT_PER_MINUTE: '100000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const port = new Promise<number>((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      for (const line of buffer.split('\n').slice(0, -1)) {
        const m = /"port":(\d+)/.exec(line);
        if (m && /listening|worker ready/.test(line)) {
          resolve(Number(m[1]));
        }
      }
      buffer = buffer.slice(buffer.lastIndexOf('\n') + 1);
    });
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before listening`)));
  });
  port.catch(() => undefined);
  child.stderr.on('data', (d: Buffer) => process.stderr.write(`[${name}] ${d.toString()}`));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { name, child, port, exited };
}

describe.skipIf(!RUN)('drill: kill a worker process, then an API process, under photo load', () => {
  let app: TestApp;
  const procs: Proc[] = [];
  let sessionId: string;
  let photos: Buffer[] = [];
  const firstDrill: string[] = [];

  beforeAll(async () => {
    // Peer API in this process: runs migrations, holds the test's admin, runs no inference.
    app = await startTestApp({
      SUBMIT_WAIT_MS: '0',
      INFERENCE_MODE: 'remote',
      STORAGE_DRIVER: 'database',
      PHOTO_RECOVERY_INTERVAL_MS: '2000',
      PHOTO_RECOVERY_GRACE_MS: '3000',
    });
    const { createCourse } = await gqlOk<{ createCourse: { id: string } }>(app.api, CREATE_COURSE, {
      input: { code: 'DRILL-1', name: 'Drill' },
    });
    sessionId = (
      await gqlOk<{ startSession: { id: string } }>(app.api, START_SESSION, { courseId: createCourse.id })
    ).startSession.id;
    const people = (await readdir(path.join(FACES_DIR, 'people'))).sort().slice(0, 12);
    photos = await Promise.all(people.map((p) => readFile(path.join(FACES_DIR, 'people', p, '1.jpg'))));
  }, 180_000);

  afterAll(async () => {
    for (const p of procs) {
      p.child.kill('SIGKILL');
    }
    await Promise.all(procs.map((p) => p.exited));
    await app?.stop();
  });

  const submitVia = async (endpoint: Endpoint, bytes: Buffer): Promise<string | null> => {
    try {
      const res = await gqlUpload<{ submitPhoto: { id: string } }>(
        endpoint,
        SUBMIT,
        { sessionId },
        { photo: { name: 'p.jpg', data: bytes } },
      );
      return res.data?.submitPhoto.id ?? null;
    } catch {
      return null; // the instance died mid-request: not accepted as far as this client knows
    }
  };

  const states = async (ids: string[]) => {
    const rows = await app.dataSource.getRepository(SubmittedPhoto).find({ where: { id: In(ids) } });
    const by = (s: PhotoStatus) => rows.filter((r) => r.status === s).length;
    return {
      rows,
      done: by(PhotoStatus.DONE),
      unfinished: rows.length - by(PhotoStatus.DONE),
      lost: ids.length - rows.length,
    };
  };

  const waitAllDone = async (ids: string[], ms: number) => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      const s = await states(ids);
      if (s.done === ids.length) {
        return Date.now();
      }
      await sleep(250);
    }
    return null;
  };

  it('finishes every accepted photo when a worker process dies mid-load', async () => {
    const w1 = spawnRollcall('worker-1', 'worker-main.js', {});
    const w2 = spawnRollcall('worker-2', 'worker-main.js', {});
    procs.push(w1, w2);
    await Promise.all([w1.port, w2.port]);
    const token = app.api;
    const ids = (await Promise.all(photos.slice(0, 6).map((b) => submitVia(token, b)))).filter(
      (x): x is string => !!x,
    );
    expect(ids).toHaveLength(6);
    firstDrill.push(...ids);
    // Kill worker 1 as soon as some photo is being analysed (it holds one of them, or is about to).
    const end = Date.now() + 60_000;
    while (!(await states(ids)).rows.some((r) => r.status === PhotoStatus.PROCESSING) && Date.now() < end) {
      await sleep(20);
    }
    const processingAtKill = (await states(ids)).rows.filter(
      (r) => r.status === PhotoStatus.PROCESSING,
    ).length;
    w1.child.kill('SIGKILL');
    const killedAt = Date.now();
    await w1.exited;
    const doneAt = await waitAllDone(ids, 60_000);
    const final = await states(ids);
    const retried = final.rows.filter((r) => r.attempts > 1).length;
    process.stdout.write(
      `drill worker-kill: submitted ${ids.length}, done ${final.done}, stuck ${final.unfinished}, lost ${final.lost}, ` +
        `processing at kill ${processingAtKill}, taken over (runs > 1) ${retried}, all done ${doneAt ? ((doneAt - killedAt) / 1000).toFixed(1) : '>60'} s after the kill\n`,
    );
    expect(processingAtKill).toBeGreaterThan(0); // the kill really hit photos being analysed
    expect(final).toMatchObject({ done: ids.length, unfinished: 0, lost: 0 });
    expect(doneAt).not.toBeNull();
  }, 150_000);

  it('finishes every accepted photo when an API instance running inference dies mid-load', async () => {
    const apiB = spawnRollcall('api-b', 'main.js', { INFERENCE_MODE: 'local', SUBMIT_WAIT_MS: '0' });
    procs.push(apiB);
    const port = await apiB.port;
    const b: Endpoint = {
      ...app.api,
      url: `http://127.0.0.1:${port}/graphql`,
      wsUrl: `ws://127.0.0.1:${port}/graphql`,
    };
    const batch = photos.slice(6, 12);
    const accepted: string[] = [];
    // Two submitted and acknowledged through B, then B dies with more requests in flight.
    for (const bytes of batch.slice(0, 2)) {
      const id = await submitVia(b, bytes);
      expect(id).not.toBeNull();
      accepted.push(id!);
    }
    const inFlight = batch.slice(2).map((bytes) => submitVia(b, bytes));
    await sleep(300);
    apiB.child.kill('SIGKILL');
    const killedAt = Date.now();
    await apiB.exited;
    const answered = (await Promise.all(inFlight)).filter((x): x is string => !!x);
    accepted.push(...answered);
    // Photos B stored but never acknowledged are found by hash; they must finish too.
    const stored = await app.dataSource.getRepository(SubmittedPhoto).find({ where: { sessionId } });
    const batchIds = stored.map((r) => r.id).filter((id) => !firstDrill.includes(id));
    const all = [...new Set([...accepted, ...batchIds])];
    const doneAt = await waitAllDone(all, 60_000);
    const final = await states(all);
    const lostAccepted = accepted.length - final.rows.filter((r) => accepted.includes(r.id)).length;
    process.stdout.write(
      `drill api-kill: accepted ${accepted.length} (+${all.length - accepted.length} stored unacknowledged), done ${final.done}, ` +
        `stuck ${final.unfinished}, lost ${lostAccepted}, all done ${doneAt ? ((doneAt - killedAt) / 1000).toFixed(1) : '>60'} s after the kill\n`,
    );
    expect(lostAccepted).toBe(0);
    expect(final.unfinished).toBe(0);
    expect(doneAt).not.toBeNull();
  }, 150_000);
});

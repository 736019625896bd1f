import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { In } from 'typeorm';
import { PhotoStatus, SubmittedPhoto } from '../../src/entities/submitted-photo.entity';
import { CREATE_COURSE, START_SESSION, SUBMIT_PHOTO } from '../e2e/operations';
import { FACES_DIR, gql, gqlOk, gqlUpload, type Endpoint, type TestApp } from '../setup/harness';

// A steady load of small real photos for the fault drills, and the accounting of what became of
// every photo the API accepted (answered with an id).

/** Distinct small photos (LFW 250x250) from ../shared/faces: distinct bytes, so none is deduplicated. */
export async function smallPhotos(count: number): Promise<Buffer[]> {
  const root = path.join(FACES_DIR, 'pairs', 'lfw');
  const files: string[] = [];
  for (const person of (await readdir(root)).sort()) {
    for (const file of (await readdir(path.join(root, person))).sort()) {
      files.push(path.join(root, person, file));
    }
  }
  if (files.length < count) {
    throw new Error(`need ${count} photos, ${FACES_DIR} has ${files.length}`);
  }
  return Promise.all(files.slice(0, count).map((f) => readFile(f)));
}

export async function openSession(api: Endpoint, code: string): Promise<string> {
  const { createCourse } = await gqlOk<{ createCourse: { id: string } }>(api, CREATE_COURSE, {
    input: { code, name: `Drill ${code}` },
  });
  const { startSession } = await gqlOk<{ startSession: { id: string } }>(api, START_SESSION, {
    courseId: createCourse.id,
  });
  return startSession.id;
}

export interface PhotoLoad {
  /** Photo id -> when the API answered with it. */
  accepted: Map<string, number>;
  /** Submissions answered with an error (not accepted: the client knows to retry). */
  refused: { at: number; message: string }[];
  /** Stops submitting and waits for the submissions still in flight. */
  stop(): Promise<void>;
}

/** Submits one photo every `intervalMs` without waiting for the previous answer (at most `maxInFlight`). */
export function startPhotoLoad(
  api: Endpoint,
  sessionId: string,
  photos: Buffer[],
  intervalMs: number,
  maxInFlight = 16,
): PhotoLoad {
  const accepted = new Map<string, number>();
  const refused: { at: number; message: string }[] = [];
  const inFlight = new Set<Promise<void>>();
  let next = 0;
  const submit = (photo: Buffer) =>
    gqlUpload<{ submitPhoto: { id: string } }>(
      api,
      SUBMIT_PHOTO,
      { sessionId, photo: null },
      { photo: { name: `p${next}.jpg`, data: photo } },
    ).then(
      (r) => {
        if (r.data?.submitPhoto.id) {
          accepted.set(r.data.submitPhoto.id, Date.now());
        } else {
          refused.push({ at: Date.now(), message: JSON.stringify(r.errors ?? r.status).slice(0, 200) });
        }
      },
      (error: unknown) => {
        refused.push({ at: Date.now(), message: String(error) });
      },
    );
  const timer = setInterval(() => {
    if (inFlight.size >= maxInFlight || next >= photos.length) {
      return;
    }
    const job = submit(photos[next++]!).finally(() => inFlight.delete(job));
    inFlight.add(job);
  }, intervalMs);
  return {
    accepted,
    refused,
    stop: async () => {
      clearInterval(timer);
      await Promise.allSettled([...inFlight]);
    },
  };
}

export interface Settlement {
  submitted: number;
  done: number;
  failed: number;
  /** Error codes of failed photos. */
  failedCodes: Record<string, number>;
  /** Still QUEUED or PROCESSING at the deadline. */
  stuck: number;
  stuckByStatus: Record<string, number>;
  /** Mean inference time in the worker of the DONE photos (how loaded the machine is). */
  meanProcessingMs: number | null;
  /** Accepted, but no row in the database. */
  lost: number;
  /** From `from` until the last accepted photo reached DONE or FAILED (null if some never did). */
  settledAfterMs: number | null;
}

/** Waits until every accepted photo is DONE or FAILED, or `deadlineMs` after `from` passes. */
export async function settle(
  app: TestApp,
  ids: string[],
  from: number,
  deadlineMs: number,
): Promise<Settlement> {
  const repo = app.dataSource.getRepository(SubmittedPhoto);
  for (;;) {
    const rows = await repo.find({
      select: { id: true, status: true, errorCode: true, processingMs: true },
      where: { id: In(ids) },
    });
    const open = rows.filter((r) => r.status === PhotoStatus.QUEUED || r.status === PhotoStatus.PROCESSING);
    const timedOut = Date.now() - from > deadlineMs;
    if (open.length === 0 || timedOut) {
      const failed = rows.filter((r) => r.status === PhotoStatus.FAILED);
      const failedCodes: Record<string, number> = {};
      failed.forEach((r) => (failedCodes[r.errorCode ?? '?'] = (failedCodes[r.errorCode ?? '?'] ?? 0) + 1));
      const done = rows.filter((r) => r.status === PhotoStatus.DONE);
      const stuckByStatus: Record<string, number> = {};
      open.forEach((r) => (stuckByStatus[r.status] = (stuckByStatus[r.status] ?? 0) + 1));
      return {
        submitted: ids.length,
        done: done.length,
        failed: failed.length,
        failedCodes,
        stuck: open.length,
        stuckByStatus,
        meanProcessingMs:
          done.length === 0
            ? null
            : Math.round(done.reduce((a, r) => a + (r.processingMs ?? 0), 0) / done.length),
        lost: ids.length - rows.length,
        settledAfterMs: open.length === 0 ? Date.now() - from : null,
      };
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

export interface ReadProbe {
  /** When each successful read started. */
  ok: number[];
  failed: { at: number; message: string }[];
  slowestMs: number;
  stop(): Promise<void>;
}

const SESSION_READ = `query($id: ID!) { session(id: $id) { id isOpen photos { total } } }`;

/** Reads the session every `intervalMs` (one at a time) and records failures and the slowest answer. */
export function startReadProbe(api: Endpoint, sessionId: string, intervalMs: number): ReadProbe {
  const probe: ReadProbe = { ok: [], failed: [], slowestMs: 0, stop: () => Promise.resolve() };
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = Date.now();
      try {
        const r = await gql<{ session: { id: string } }>(api, SESSION_READ, { id: sessionId });
        if (r.data?.session.id === sessionId) {
          probe.ok.push(started);
        } else {
          probe.failed.push({ at: started, message: JSON.stringify(r.errors).slice(0, 200) });
        }
      } catch (error) {
        probe.failed.push({ at: started, message: String(error) });
      }
      probe.slowestMs = Math.max(probe.slowestMs, Date.now() - started);
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  probe.stop = async () => {
    running = false;
    await loop;
  };
  return probe;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ReadinessBody {
  ok: boolean;
  status: string;
  checks: Record<string, string>;
  breakers: Record<string, string>;
  events?: { buffered: number; dropped: number };
}

export async function readiness(app: TestApp): Promise<{ code: number; body: ReadinessBody }> {
  const res = await fetch(new URL('/readyz', app.url));
  return { code: res.status, body: (await res.json()) as ReadinessBody };
}

/** Polls until `check` holds or `timeoutMs` passes; returns the milliseconds it took (or throws). */
export async function waitUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check().catch(() => false)) {
      return Date.now() - started;
    }
    await sleep(250);
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

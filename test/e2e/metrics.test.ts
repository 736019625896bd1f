import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  codesOf,
  collect,
  face,
  gql,
  gqlOk,
  gqlUpload,
  startTestApp,
  wsClient,
  type TestApp,
} from '../setup/harness';
import { CREATE_COURSE, START_SESSION, SUBMIT_PHOTO } from './operations';

// Metrics after real traffic: a real photo through the inference pool, good and bad operations,
// a live subscription; then the Prometheus scrape, the systemMetrics query and the metricsUpdated feed.

const SYSTEM_METRICS = `{
  systemMetrics {
    instanceId requests errors errorRate errorsByCode { key count } photosDone photosFailed
    facesByDecision { key count } photoLatencyP95Ms backend workers queueDepth utilization
    eventLoopLagP99Ms rssBytes heapUsedBytes cacheHits cacheMisses activeSubscriptions windowSeconds
  }
}`;
const METRICS_UPDATED = `subscription($instanceId: String) {
  metricsUpdated(instanceId: $instanceId) { instanceId at requests photosDone activeSubscriptions }
}`;

interface Snapshot {
  metricsUpdated: {
    instanceId: string;
    at: string;
    requests: number;
    photosDone: number;
    activeSubscriptions: number;
  };
}

/** The value of one series in a Prometheus text exposition (labels matched as a subset). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) {
      continue;
    }
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) {
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return undefined;
}

const sum = (text: string, name: string) =>
  text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`))
    .reduce((acc, l) => acc + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);

const base = (app: TestApp) => app.url.replace(/\/graphql$/, '');
const scrape = async (app: TestApp, authorization?: string) => {
  const res = await fetch(`${base(app)}/metrics`, { headers: authorization ? { authorization } : {} });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
};

describe('metrics', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ METRICS_INTERVAL_MS: '300', INFERENCE_WORKERS: '1', SUBMIT_WAIT_MS: '60000' });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('counts real traffic in /metrics and systemMetrics', async () => {
    const { createCourse } = await gqlOk<{ createCourse: { id: string } }>(app.api, CREATE_COURSE, {
      input: { code: `MET-${randomUUID().slice(0, 6)}`, name: 'Metrics' },
    });
    const { startSession } = await gqlOk<{ startSession: { id: string } }>(app.api, START_SESSION, {
      courseId: createCourse.id,
    });
    const submitted = await gqlUpload<{ submitPhoto: { status: string; faces: { decision: string }[] } }>(
      app.api,
      SUBMIT_PHOTO,
      { sessionId: startSession.id, photo: null },
      { photo: { name: 'class.jpg', data: await face('groups/bbt3.jpg') } },
    );
    expect(submitted.errors).toBeUndefined();
    expect(submitted.data?.submitPhoto.status).toBe('DONE');
    const faces = submitted.data!.submitPhoto.faces.length;
    expect(faces).toBeGreaterThan(0);

    expect(
      codesOf(await gql(app.api, `query($id: ID!) { session(id: $id) { id } }`, { id: randomUUID() })),
    ).toEqual(['NOT_FOUND']);
    expect(codesOf(await gql(app.api, `{ noSuchField }`))).toEqual(['GRAPHQL_VALIDATION_FAILED']);

    const { status, type, text } = await scrape(app);
    expect(status).toBe(200);
    expect(type).toContain('text/plain');
    expect(
      sample(text, 'rollcall_graphql_request_duration_seconds_count', { type: 'mutation', outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(3);
    expect(
      sample(text, 'rollcall_graphql_resolver_duration_seconds_count', {
        parent: 'Mutation',
        field: 'submitPhoto',
      }),
    ).toBe(1);
    expect(sample(text, 'rollcall_graphql_errors_total', { code: 'NOT_FOUND' })).toBe(1);
    expect(sample(text, 'rollcall_graphql_errors_total', { code: 'GRAPHQL_VALIDATION_FAILED' })).toBe(1);
    expect(sample(text, 'rollcall_photos_processed_total', { status: 'DONE' })).toBe(1);
    expect(sum(text, 'rollcall_faces_processed_total')).toBe(faces);
    expect(sample(text, 'rollcall_photo_latency_seconds_count')).toBe(1);
    for (const stage of ['decode', 'detect', 'landmarks', 'embed', 'total']) {
      expect(sample(text, 'rollcall_inference_stage_duration_seconds_count', { stage })).toBe(1);
    }
    expect(sample(text, 'rollcall_inference_workers')).toBe(1);
    expect(sample(text, 'rollcall_inference_queue_depth')).toBe(0);
    expect(sample(text, 'rollcall_inference_utilization')).toBeGreaterThanOrEqual(0);
    expect(
      sample(text, 'rollcall_cache_requests_total', { cache: 'roster', result: 'miss' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sample(text, 'rollcall_active_subscriptions')).toBe(0);

    const { systemMetrics: m } = await gqlOk<{
      systemMetrics: {
        instanceId: string;
        requests: number;
        errors: number;
        errorRate: number;
        errorsByCode: { key: string; count: number }[];
        photosDone: number;
        facesByDecision: { key: string; count: number }[];
        photoLatencyP95Ms: number;
        workers: number;
        rssBytes: number;
        cacheMisses: number;
      };
    }>(app.api, SYSTEM_METRICS);
    // createCourse, startSession, submitPhoto and the two failures (this query is still running).
    expect(m.requests).toBeGreaterThanOrEqual(5);
    expect(m.errors).toBe(2);
    expect(m.errorRate).toBeCloseTo(2 / m.requests, 10);
    expect(m.errorsByCode).toEqual([
      { key: 'GRAPHQL_VALIDATION_FAILED', count: 1 },
      { key: 'NOT_FOUND', count: 1 },
    ]);
    expect(m.photosDone).toBe(1);
    expect(m.facesByDecision.reduce((a, f) => a + f.count, 0)).toBe(faces);
    expect(m.photoLatencyP95Ms).toBeGreaterThan(0);
    expect(m.workers).toBe(1);
    expect(m.rssBytes).toBeGreaterThan(0);
    expect(m.cacheMisses).toBeGreaterThanOrEqual(1);
    expect(m.instanceId).toMatch(/-/);
  });

  it('pushes snapshots to graphql-ws subscribers and counts them as active', async () => {
    const client = wsClient(app.api);
    try {
      const feed = collect<Snapshot>(client, METRICS_UPDATED, {}, (e) => e.length >= 3, 15_000);
      await feed.ready;
      const during = await scrape(app);
      expect(sample(during.text, 'rollcall_active_subscriptions')).toBe(1);
      const events = await feed.done;
      expect(feed.errors).toEqual([]);
      const own = events.filter((e) => e.metricsUpdated.instanceId.length > 0);
      expect(own.length).toBeGreaterThanOrEqual(3);
      const last = own[own.length - 1]!.metricsUpdated;
      expect(last.photosDone).toBe(1);
      expect(last.activeSubscriptions).toBe(1);
      expect(new Set(own.map((e) => e.metricsUpdated.at)).size).toBe(own.length);
    } finally {
      await client.dispose();
    }
    // The server ends the subscription when it sees the socket close: wait for that, then read the gauge.
    await expect.poll(() => app.liveSubscriptions(), { timeout: 5_000 }).toBe(0);
    expect(sample((await scrape(app)).text, 'rollcall_active_subscriptions')).toBe(0);
  });

  it('keeps metrics to administrators and checks readiness for real', async () => {
    expect(codesOf(await gql(app.anonymous, SYSTEM_METRICS))).toEqual(['UNAUTHENTICATED']);
    const anonymous = wsClient(app.anonymous);
    const refused = collect<Snapshot>(anonymous, METRICS_UPDATED, {}, () => true, 5_000);
    await refused.done.catch(() => undefined);
    expect(refused.errors.length).toBeGreaterThan(0);
    await anonymous.dispose();

    const ready = await fetch(`${base(app)}/readyz`);
    const body = (await ready.json()) as { ok: boolean; checks: Record<string, string> };
    expect(ready.status).toBe(200);
    expect(body.checks).toEqual({
      database: 'ok',
      inference: 'ok',
      queue: 'ok',
      ...(process.env.REDIS_URL ? { redis: 'ok' } : {}),
    });
  });

  it('guards /metrics with METRICS_TOKEN when set', async () => {
    const guarded = await startTestApp(
      { METRICS_TOKEN: 'scrape-me', INFERENCE_WORKERS: '1', ALERTS_ENABLED: 'false' },
      { engine: app.engine },
    );
    try {
      expect((await scrape(guarded)).status).toBe(401);
      expect((await scrape(guarded, 'Bearer wrong')).status).toBe(401);
      const ok = await scrape(guarded, 'Bearer scrape-me');
      expect(ok.status).toBe(200);
      // Its own registry: the other instance's photo is not counted here.
      expect(sample(ok.text, 'rollcall_photos_processed_total', { status: 'DONE' })).toBeUndefined();
    } finally {
      await guarded.stop();
    }
  });

  it('delivers every instance’s snapshots to every subscriber through Redis', async (ctx) => {
    if (!process.env.REDIS_URL || !process.env.DATABASE_URL) {
      ctx.skip();
    }
    const other = await startTestApp(
      { METRICS_INTERVAL_MS: '300', INFERENCE_WORKERS: '1' },
      { engine: app.engine },
    );
    const client = wsClient(app.api);
    try {
      const { systemMetrics } = await gqlOk<{ systemMetrics: { instanceId: string } }>(
        other.api,
        `{ systemMetrics { instanceId } }`,
      );
      const feed = collect<Snapshot>(
        client,
        METRICS_UPDATED,
        { instanceId: systemMetrics.instanceId },
        (e) => e.length >= 2,
        15_000,
      );
      const events = await feed.done;
      expect(feed.errors).toEqual([]);
      expect(events.every((e) => e.metricsUpdated.instanceId === systemMetrics.instanceId)).toBe(true);
    } finally {
      await client.dispose();
      await other.stop();
    }
  });
});

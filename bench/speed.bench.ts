import 'reflect-metadata';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { BACKEND, backend, PIPELINE_CONFIG } from '../scripts/face-set';
import { writeSection } from '../scripts/readme-section';
import { startApp } from '../src/app';
import { parseEnv } from '../src/config/env';
import { createInferenceEngine, type InferenceEngine } from '../src/inference';
import { FACE_API_MODEL } from '../src/inference/models';
import { analyzeImage } from '../src/inference/pipeline';

// Speed, all in one run on the same photos:
//   1. the bare face-api pipeline on the main thread (baseline),
//   2. the worker pool with 1 and with N workers (throughput, all photos submitted at once),
//   3. the whole server path: GraphQL multipart upload -> storage -> pool -> matching -> database -> answer.
//   npm run bench:speed [DIR] [--readme]   (--readme: also write the README's table)

const DIR =
  process.argv.slice(2).find((a) => !a.startsWith('--')) ??
  path.resolve(__dirname, '..', '..', '..', 'shared', 'faces');
const WORKERS = Number(process.env.BENCH_WORKERS ?? os.availableParallelism());
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? 0;
const fmt = (n: number) => n.toFixed(0).padStart(6);

interface Result {
  name: string;
  photosPerSecond: number;
  facesPerSecond: number;
  p50: number;
  p95: number;
}

async function photos(): Promise<Buffer[]> {
  const files = (await readdir(path.join(DIR, 'groups'))).filter((f) => f.endsWith('.jpg')).sort();
  return Promise.all(files.map((f) => readFile(path.join(DIR, 'groups', f))));
}

/**
 * The bare pipeline on the main thread, face-api's model alone (the baseline: today's single model)
 * and the ensemble, alternating photo by photo so both see the same load on a shared machine.
 */
async function bare(images: Buffer[]): Promise<{ single: Result; ensemble: Result; ratio: number }> {
  const b = await backend();
  const single = { models: [FACE_API_MODEL] };
  await analyzeImage(b, images[0]!, PIPELINE_CONFIG, single); // warm-up
  await analyzeImage(b, images[0]!, PIPELINE_CONFIG);
  const lat = { single: [] as number[], ensemble: [] as number[] };
  const faces = { single: 0, ensemble: 0 };
  const total = { single: 0, ensemble: 0 };
  for (let r = 0; r < ROUNDS; r++) {
    for (const img of images) {
      for (const kind of ['single', 'ensemble'] as const) {
        const s = performance.now();
        faces[kind] += (
          await analyzeImage(b, img, PIPELINE_CONFIG, kind === 'single' ? single : {})
        ).faces.length;
        const ms = performance.now() - s;
        lat[kind].push(ms);
        total[kind] += ms;
      }
    }
  }
  const result = (kind: 'single' | 'ensemble', name: string): Result => ({
    name,
    photosPerSecond: lat[kind].length / (total[kind] / 1000),
    facesPerSecond: faces[kind] / (total[kind] / 1000),
    p50: pct(lat[kind], 0.5),
    p95: pct(lat[kind], 0.95),
  });
  return {
    single: result('single', 'bare pipeline, main thread, face-api alone (baseline)'),
    ensemble: result('ensemble', `bare pipeline, main thread, ensemble (${b.models.length} models)`),
    ratio: total.ensemble / total.single,
  };
}

async function pool(images: Buffer[], workers: number): Promise<{ result: Result; rssPerWorkerMiB: number }> {
  const rss0 = process.memoryUsage().rss;
  const engine = createInferenceEngine({ workers, ...PIPELINE_CONFIG, backend: BACKEND });
  await engine.ready();
  const rssPerWorkerMiB = (process.memoryUsage().rss - rss0) / workers / 2 ** 20;
  await engine.analyze(images[0]!);
  const lat: number[] = [];
  let faces = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: ROUNDS }).flatMap(() =>
      images.map(async (img) => {
        const s = performance.now();
        const found = (await engine.analyze(img)).faces.length;
        faces += found;
        lat.push(performance.now() - s);
      }),
    ),
  );
  const secs = (performance.now() - t0) / 1000;
  await engine.close();
  return {
    result: {
      name: `worker pool, ${workers} worker(s), all at once`,
      photosPerSecond: lat.length / secs,
      facesPerSecond: faces / secs,
      p50: pct(lat, 0.5),
      p95: pct(lat, 0.95),
    },
    rssPerWorkerMiB,
  };
}

async function sequentialOnPool(engine: InferenceEngine, images: Buffer[]): Promise<Result> {
  const lat: number[] = [];
  let faces = 0;
  const t0 = performance.now();
  for (let r = 0; r < ROUNDS; r++) {
    for (const img of images) {
      const s = performance.now();
      faces += (await engine.analyze(img)).faces.length;
      lat.push(performance.now() - s);
    }
  }
  const secs = (performance.now() - t0) / 1000;
  return {
    name: 'pool, one photo at a time',
    photosPerSecond: lat.length / secs,
    facesPerSecond: faces / secs,
    p50: pct(lat, 0.5),
    p95: pct(lat, 0.95),
  };
}

async function server(images: Buffer[]): Promise<{ server: Result; pooled: Result }> {
  const storage = await mkdtemp(path.join(os.tmpdir(), 'rollcall-bench-'));
  const app = await startApp(
    parseEnv({
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      PGLITE_DATA_DIR: 'memory://',
      STORAGE_DIR: storage,
      LOG_LEVEL: 'warn',
      INFERENCE_WORKERS: String(WORKERS),
      SUBMIT_WAIT_MS: '120000',
      DEV_LOGIN: 'false',
      RETENTION_DAYS: '0',
    }),
  );
  let authorization = '';
  const call = async (query: string, variables: Record<string, unknown>) => {
    const res = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify({ query, variables }),
    });
    return ((await res.json()) as { data: Record<string, { id: string; accessToken: string }> }).data;
  };
  const admin = { email: 'bench@rollcall.local', name: 'Bench', password: 'bench-password' };
  await app.auth.bootstrapAdmin('default', admin);
  const { login } = await call(
    `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`,
    {
      e: admin.email,
      p: admin.password,
    },
  );
  authorization = `Bearer ${login!.accessToken}`;
  const course = (await call(`mutation { createCourse(input: {code: "BENCH", name: "Bench"}) { id } }`, {}))
    .createCourse!.id;
  const lat: number[] = [];
  let faces = 0;
  const t0 = performance.now();
  for (let r = 0; r < ROUNDS; r++) {
    // A fresh session per round: the same photo twice in one session is (rightly) not processed again.
    const session = (await call(`mutation($c: ID!) { startSession(courseId: $c) { id } }`, { c: course }))
      .startSession!.id;
    for (const img of images) {
      const form = new FormData();
      form.append(
        'operations',
        JSON.stringify({
          query:
            'mutation($s: ID!, $p: Upload!) { submitPhoto(sessionId: $s, photo: $p) { status faces { confidence } } }',
          variables: { s: session, p: null },
        }),
      );
      form.append('map', JSON.stringify({ 0: ['variables.p'] }));
      form.append('0', new Blob([img], { type: 'image/jpeg' }), 'class.jpg');
      const s = performance.now();
      const res = await fetch(app.url, {
        method: 'POST',
        headers: { 'Apollo-Require-Preflight': 'true', authorization },
        body: form,
      });
      const body = (await res.json()) as { data: { submitPhoto: { faces: unknown[] } } };
      lat.push(performance.now() - s);
      faces += body.data.submitPhoto.faces.length;
    }
  }
  const secs = (performance.now() - t0) / 1000;
  const pooled = await sequentialOnPool(app.engine, images);
  await app.close();
  await rm(storage, { recursive: true, force: true });
  return {
    server: {
      name: 'server: GraphQL submitPhoto, one at a time',
      photosPerSecond: lat.length / secs,
      facesPerSecond: faces / secs,
      p50: pct(lat, 0.5),
      p95: pct(lat, 0.95),
    },
    pooled,
  };
}

async function main(): Promise<void> {
  const images = await photos();
  const { single: base, ensemble, ratio } = await bare(images);
  const one = await pool(images, 1);
  const many = await pool(images, WORKERS);
  const { server: srv, pooled } = await server(images);
  const rows = [base, ensemble, one.result, many.result, pooled, srv];
  const out = [
    `${images.length} group photos x ${ROUNDS} rounds, ${os.availableParallelism()} cores, backend ${(await backend()).name}`,
    '| path | photos/s | faces/s | p50 ms | p95 ms |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.photosPerSecond.toFixed(2)} | ${r.facesPerSecond.toFixed(1)} | ${fmt(r.p50)} | ${fmt(r.p95)} |`,
    ),
    '',
    `ensemble vs face-api alone, time per photo (same photos, same run): ${ratio.toFixed(2)}x (target <= 1.5x)`,
    `pool scaling: ${WORKERS} workers = ${(many.result.photosPerSecond / one.result.photosPerSecond).toFixed(2)}x one worker`,
    `server overhead over the same pool, per photo (p50): ${(100 * (srv.p50 / pooled.p50 - 1)).toFixed(1)}%`,
    `pool one photo at a time vs bare main-thread pipeline, p50: ${(pooled.p50 / base.p50).toFixed(2)}x`,
    `memory per warm worker: ~${one.rssPerWorkerMiB.toFixed(0)} MiB (1-worker pool), ~${many.rssPerWorkerMiB.toFixed(0)} MiB (${WORKERS}-worker pool)`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  if (process.argv.includes('--readme')) {
    await writeSection(
      'speed',
      [
        out[0]!,
        '',
        ...out.slice(1, rows.length + 3),
        ...out.slice(rows.length + 4).map((l) => `- ${l}`),
      ].join('\n'),
    );
  }
}

// Exit explicitly: a native runtime handle (onnxruntime or PGlite) can keep the event loop alive after close.
void main().then(() => process.exit(0));

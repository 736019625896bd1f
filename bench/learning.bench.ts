import 'reflect-metadata';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeSection } from '../scripts/readme-section';
import { startApp } from '../src/app';
import { parseEnv } from '../src/config/env';
import { FaceSample, FaceSampleSource } from '../src/entities/face-sample.entity';
import { createLogger } from '../src/observability/logger';
import { FaceEmbeddingRepository } from '../src/repositories/face-embedding.repository';
import { ProfileLearningService, type LearningOutcome } from '../src/services/profile-learning.service';
import { RosterService } from '../src/services/roster.service';
import { FileStorage } from '../src/storage/file-storage';
import { faceLabels, gridsFromManifest, splitByFamily } from './learning-labels';

// Profiles that learn, measured through the server itself (GraphQL uploads, the pool, the matcher,
// confirmFace and the learning hooks):
// 1. Every person of people/ is enrolled from only their first N photos (thin profiles leave
//    learning room; with every photo the later photos are already at recall 1.0).
// 2. The group photos are split per family (the name's leading word: bbt, jolie, synthetic, ...):
//    sorted by name, the first half of each family is "earlier", the rest "later".
// 3. Before: the later photos are analysed and scored (per-photo recall, precision, wrong marks).
// 4. The earlier photos are analysed (very confident faces may join profiles automatically), and a
//    simulated teacher confirms every correct review item and names the faces the matcher left
//    unknown or proposed wrongly, but only where the data says per face who it is (real photos whose
//    face count equals their labelled people, listed left to right; synthetic grids, whose tiles the
//    manifest lists in order). Faces it cannot tell, it leaves alone; it never confirms a guess.
// 5. After: the later photos again. Measurement passes teach nothing: what they learned is undone.
//   npm run bench:learning [-- DIR] [--models 'face-api;face-api,mobilefacenet'] [--enroll 1,2] [--order name,1,2]
//   [--readme [--section learning]] [--verbose]

const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const toReadme = args.includes('--readme');
const valueOf = (flag: string) => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
};
const DIR =
  args.find(
    (a, i) =>
      !a.startsWith('--') && !['--enroll', '--models', '--order', '--section'].includes(args[i - 1] ?? ''),
  ) ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'faces');
/** Enrollment photos per person, one run per value. */
const ENROLLMENTS = (valueOf('--enroll') ?? process.env.BENCH_ENROLL_PHOTOS ?? '1,2')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
/** Photo orders, one run each: `name`, or a seed for a seeded shuffle within each family. */
const ORDERS = (valueOf('--order') ?? 'name').split(',').filter(Boolean);
/** The README section --readme writes. */
const SECTION = valueOf('--section') ?? 'learning';
/** Model sets (RECOGNITION_MODELS values, separated by ';'), one run per set and enrollment. */
const MODEL_SETS = (valueOf('--models') ?? 'face-api;face-api,mobilefacenet').split(';').filter(Boolean);

interface Face {
  id: string;
  decision: 'ACCEPT' | 'REVIEW' | 'UNKNOWN';
  confidence: number | null;
  quality: number;
  box: { x: number; y: number; width: number; height: number };
  student: { externalId: string } | null;
  candidate: { externalId: string } | null;
}

interface PhotoCounts {
  photo: string;
  present: number;
  found: number;
  marks: number;
  wrong: number;
  missed: string[];
  review: number;
  /** Per present person: the best confidence of a face whose candidate they are (0 if none). */
  confidences: number[];
}

interface RunResult {
  order: string;
  earlier: string[];
  later: string[];
  modelSet: string;
  enrollPhotos: number;
  enrolledSamples: number;
  refused: string[];
  before: PhotoCounts[];
  after: PhotoCounts[];
  earlierFaces: number;
  labelled: number;
  reviewRight: number;
  named: number;
  wrongAccepts: number;
  outcomes: Map<string, number>;
  confirmedSamples: number;
  learnedSamples: number;
  models: string[];
}

async function run(
  modelSet: string,
  enrollPhotos: number,
  earlier: string[],
  later: string[],
  groups: Record<string, string[]>,
  meta: Record<string, { faces: number | null; kind: string }>,
): Promise<RunResult> {
  const storageDir = await mkdtemp(path.join(os.tmpdir(), 'rollcall-learning-'));
  // Embedded database, in-process cache and queue: nothing outside the run bears on it.
  const { DATABASE_URL: _db, REDIS_URL: _redis, ...env } = process.env;
  const app = await startApp(
    parseEnv({
      ...env,
      RECOGNITION_MODELS: modelSet,
      PORT: '0',
      HOST: '127.0.0.1',
      PGLITE_DATA_DIR: 'memory://',
      STORAGE_DIR: storageDir,
      LOG_LEVEL: 'warn',
      SUBMIT_WAIT_MS: '300000',
      DEV_LOGIN: 'false',
      RETENTION_DAYS: '0',
      RATE_LIMIT_PER_MINUTE: '100000',
    }),
  );
  const models = () => app.engine.models;
  // A second service on the app's database and cache: the bench undoes what measurement passes
  // taught and asks why a confirmation was not learned, exactly as the server's own instance would.
  const learning = new ProfileLearningService(
    app.dataSource,
    new FaceEmbeddingRepository(app.dataSource, models),
    new RosterService(app.dataSource, app.cache, 300, models),
    new FileStorage(storageDir),
    100_000_000,
    createLogger('warn'),
  );
  let authorization = '';
  const call = async <T>(query: string, variables: Record<string, unknown>, file?: Buffer): Promise<T> => {
    let res: Response;
    if (file) {
      const form = new FormData();
      form.append('operations', JSON.stringify({ query, variables: { ...variables, photo: null } }));
      form.append('map', JSON.stringify({ 0: ['variables.photo'] }));
      form.append('0', new Blob([file], { type: 'image/jpeg' }), 'photo.jpg');
      res = await fetch(app.url, {
        method: 'POST',
        headers: { 'Apollo-Require-Preflight': 'true', authorization },
        body: form,
      });
    } else {
      res = await fetch(app.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify({ query, variables }),
      });
    }
    const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
    if (!body.data) {
      throw new Error(JSON.stringify(body.errors));
    }
    return body.data;
  };
  const admin = { email: 'learning@rollcall.local', name: 'Bench', password: 'bench-password' };
  await app.auth.bootstrapAdmin('default', admin);
  authorization = `Bearer ${(await app.auth.login(admin.email, admin.password, 'bench')).accessToken}`;
  const courseId = (
    await call<{ createCourse: { id: string } }>(
      `mutation { createCourse(input: {code: "LEARN", name: "Learning"}) { id } }`,
      {},
    )
  ).createCourse.id;

  // Enrollment from people/, one photo per call (a refused photo does not block the others).
  const people = (await readdir(path.join(DIR, 'people'))).sort();
  const grid = gridsFromManifest(
    await readFile(path.join(DIR, 'manifest.csv'), 'utf8').catch(() => ''),
    new Set(people),
  );
  const ids = new Map<string, string>();
  const refused: string[] = [];
  for (const person of people) {
    const { addStudent } = await call<{ addStudent: { id: string } }>(
      `mutation($i: AddStudentInput!) { addStudent(input: $i) { id } }`,
      { i: { courseId, externalId: person, name: person, consent: true } },
    );
    ids.set(person, addStudent.id);
    // Photos in order until N are accepted: a refused photo (as a teacher would) is replaced by the next.
    const files = (await readdir(path.join(DIR, 'people', person))).sort((a, b) =>
      a.localeCompare(b, 'en', { numeric: true }),
    );
    let accepted = 0;
    for (const f of files) {
      if (accepted >= enrollPhotos) {
        break;
      }
      const form = new FormData();
      form.append(
        'operations',
        JSON.stringify({
          query: 'mutation($s: ID!, $p: [Upload!]!) { enrollFaces(studentId: $s, photos: $p) { id } }',
          variables: { s: addStudent.id, p: [null] },
        }),
      );
      form.append('map', JSON.stringify({ 0: ['variables.p.0'] }));
      form.append(
        '0',
        new Blob([await readFile(path.join(DIR, 'people', person, f))], { type: 'image/jpeg' }),
        f,
      );
      const res = await fetch(app.url, {
        method: 'POST',
        headers: { 'Apollo-Require-Preflight': 'true', authorization },
        body: form,
      });
      const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
      if (body.errors?.length) {
        refused.push(`${person}/${f} (${body.errors[0]?.extensions?.code ?? 'error'})`);
      } else {
        accepted++;
      }
    }
  }
  const samples = app.dataSource.getRepository(FaceSample);
  const enrolledSamples = await samples.count();

  const session = async () =>
    (
      await call<{ startSession: { id: string } }>(
        `mutation($c: ID!) { startSession(courseId: $c) { id } }`,
        { c: courseId },
      )
    ).startSession.id;
  // Each photo in a session of its own: one photo's marks never bear on another's.
  const submit = async (name: string): Promise<Face[]> =>
    (
      await call<{ submitPhoto: { faces: Face[] } }>(
        `mutation($s: ID!, $photo: Upload!) { submitPhoto(sessionId: $s, photo: $photo) {
          faces { id decision confidence quality box { x y width height }
                  student { externalId } candidate { externalId } } } }`,
        { s: await session() },
        await readFile(path.join(DIR, 'groups', name)),
      )
    ).submitPhoto.faces;
  const show = (pass: string, name: string, faces: Face[], labels?: Map<string, string | null>) => {
    if (verbose) {
      for (const f of [...faces].sort((a, b) => a.box.x - b.box.x)) {
        const label = labels?.has(f.id) ? (labels.get(f.id) ?? 'stranger') : '?';
        process.stdout.write(
          `  [${modelSet} ${enrollPhotos} ${pass}] ${name} x=${f.box.x} ${f.decision} ${f.student?.externalId ?? f.candidate?.externalId ?? '-'} ` +
            `conf=${(f.confidence ?? 0).toFixed(3)} q=${f.quality.toFixed(2)} truth=${label}\n`,
        );
      }
    }
  };

  const measure = async (pass: string): Promise<PhotoCounts[]> => {
    const rows: PhotoCounts[] = [];
    for (const name of later) {
      const truth = new Set(groups[name]);
      const faces = await submit(name);
      // Nothing seen while measuring may change the profiles.
      for (const f of faces) {
        await learning.undoLearning(f.id);
      }
      show(pass, name, faces);
      const marked = new Set(faces.filter((f) => f.decision === 'ACCEPT').map((f) => f.student!.externalId));
      rows.push({
        photo: name,
        present: truth.size,
        found: [...marked].filter((p) => truth.has(p)).length,
        marks: marked.size,
        wrong: [...marked].filter((p) => !truth.has(p)).length,
        missed: [...truth].filter((p) => !marked.has(p)),
        review: faces.filter((f) => f.decision === 'REVIEW').length,
        confidences: [...truth].map((p) =>
          Math.max(
            0,
            ...faces
              .filter((f) => (f.student ?? f.candidate)?.externalId === p)
              .map((f) => f.confidence ?? 0),
          ),
        ),
      });
    }
    return rows;
  };

  const before = await measure('before');

  let earlierFaces = 0;
  let labelled = 0;
  let reviewRight = 0;
  let named = 0;
  let wrongAccepts = 0;
  const outcomes = new Map<string, number>();
  for (const name of earlier) {
    const truth = groups[name] ?? [];
    const faces = await submit(name);
    const labels = faceLabels(faces, truth, meta[name]?.kind, grid.get(name));
    show('earlier', name, faces, labels);
    earlierFaces += faces.length;
    labelled += labels.size;
    const marked = new Set(faces.filter((f) => f.decision === 'ACCEPT').map((f) => f.student!.externalId));
    for (const face of [...faces].sort((a, b) => a.box.x - b.box.x)) {
      const who = labels.get(face.id);
      if (face.decision === 'ACCEPT') {
        wrongAccepts += labels.has(face.id) && who !== face.student!.externalId ? 1 : 0;
        continue;
      }
      if (!who || marked.has(who)) {
        continue;
      }
      // A right proposal is confirmed as it stands; otherwise the teacher says who it is.
      const right = face.decision === 'REVIEW' && face.candidate?.externalId === who;
      await call(`mutation($f: ID!, $s: ID) { confirmFace(faceId: $f, studentId: $s) { id } }`, {
        f: face.id,
        s: right ? null : ids.get(who),
      });
      marked.add(who);
      if (right) {
        reviewRight++;
      } else {
        named++;
      }
      // Why a confirmation did not join the profile: asking again is idempotent.
      const outcome: LearningOutcome | 'ERROR' = (await samples.existsBy({ photoFaceId: face.id }))
        ? 'LEARNED'
        : ((await learning.learnFromConfirmation(face.id)) ?? 'ERROR');
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      if (verbose) {
        process.stdout.write(
          `    teacher: ${name} x=${face.box.x} -> ${who} (${right ? 'confirmed' : 'named'}): ${outcome}\n`,
        );
      }
    }
  }
  const bySource = async (source: FaceSampleSource) => samples.countBy({ source });
  const confirmedSamples = await bySource(FaceSampleSource.CONFIRMED);
  const learnedSamples = await bySource(FaceSampleSource.LEARNED);

  const after = await measure('after');
  const result: RunResult = {
    order: '',
    earlier,
    later,
    modelSet,
    enrollPhotos,
    enrolledSamples,
    refused,
    before,
    after,
    earlierFaces,
    labelled,
    reviewRight,
    named,
    wrongAccepts,
    outcomes,
    confirmedSamples,
    learnedSamples,
    models: models(),
  };
  await app.close();
  await rm(storageDir, { recursive: true, force: true });
  return result;
}

const total = (rows: PhotoCounts[], k: 'present' | 'found' | 'marks' | 'wrong' | 'review') =>
  rows.reduce((s, r) => s + r[k], 0);
const recall = (rows: PhotoCounts[]) =>
  `${(total(rows, 'found') / Math.max(1, total(rows, 'present'))).toFixed(3)} (${total(rows, 'found')}/${total(rows, 'present')})`;
const precision = (rows: PhotoCounts[]) => {
  const marks = total(rows, 'marks');
  const right = marks - total(rows, 'wrong');
  return `${(marks ? right / marks : 1).toFixed(3)} (${right}/${marks})`;
};
const meanConfidence = (rows: PhotoCounts[]) => {
  const all = rows.flatMap((r) => r.confidences);
  return (all.reduce((x, y) => x + y, 0) / Math.max(1, all.length)).toFixed(3);
};
const missed = (rows: PhotoCounts[]) =>
  rows.flatMap((r) => r.missed.map((m) => `${m} (${r.photo})`)).join(', ') || 'none';

async function main(): Promise<void> {
  const groups = JSON.parse(await readFile(path.join(DIR, 'groups.json'), 'utf8')) as Record<
    string,
    string[]
  >;
  const meta = JSON.parse(await readFile(path.join(DIR, 'groups_meta.json'), 'utf8')) as Record<
    string,
    { faces: number | null; kind: string }
  >;
  const results: RunResult[] = [];
  for (const order of ORDERS) {
    const { earlier, later } = splitByFamily(
      Object.keys(groups),
      order === 'name' ? undefined : Number(order),
    );
    for (const modelSet of MODEL_SETS) {
      for (const n of ENROLLMENTS) {
        results.push({ ...(await run(modelSet, n, earlier, later, groups, meta)), order });
      }
    }
  }
  const orderName = (r: RunResult) => (r.order === 'name' ? 'by name' : `seed ${r.order}`);

  const modelName = (r: RunResult) =>
    r.models.length > 1 ? 'ensemble' : (r.models[0]?.split('/')[0] ?? r.modelSet);
  const header = [
    'photo order',
    'models',
    'enrollment',
    'recall before',
    'recall after',
    'precision before / after',
    'wrong marks before / after',
    'to review before / after',
    'mean confidence before / after',
    'teacher: confirmed / named',
    'samples added: confirmed / automatic',
  ];
  const table = results.map((r) => [
    orderName(r),
    modelName(r),
    `${r.enrollPhotos} photo${r.enrollPhotos > 1 ? 's' : ''}/person (${r.enrolledSamples} samples)`,
    recall(r.before),
    recall(r.after),
    `${precision(r.before)} / ${precision(r.after)}`,
    `${total(r.before, 'wrong')} / ${total(r.after, 'wrong')}`,
    `${total(r.before, 'review')} / ${total(r.after, 'review')}`,
    `${meanConfidence(r.before)} / ${meanConfidence(r.after)}`,
    `${r.reviewRight} / ${r.named}`,
    `${r.confirmedSamples} / ${r.learnedSamples}`,
  ]);
  if (ORDERS.length > 1 && MODEL_SETS.length === 1 && ENROLLMENTS.length === 1) {
    const all = (k: 'before' | 'after') => results.flatMap((r) => r[k]);
    table.push([
      'all orders',
      modelName(results[0]!),
      `${ENROLLMENTS[0]}/person`,
      recall(all('before')),
      recall(all('after')),
      `${precision(all('before'))} / ${precision(all('after'))}`,
      `${total(all('before'), 'wrong')} / ${total(all('after'), 'wrong')}`,
      `${total(all('before'), 'review')} / ${total(all('after'), 'review')}`,
      `${meanConfidence(all('before'))} / ${meanConfidence(all('after'))}`,
      `${results.reduce((x, r) => x + r.reviewRight, 0)} / ${results.reduce((x, r) => x + r.named, 0)}`,
      `${results.reduce((x, r) => x + r.confirmedSamples, 0)} / ${results.reduce((x, r) => x + r.learnedSamples, 0)}`,
    ]);
  }
  const markdown = [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...table.map((r) => `| ${r.join(' | ')} |`),
  ];
  const notes = [
    ...ORDERS.map((order) => {
      const r = results.find((x) => x.order === order)!;
      return `${orderName(r)}: earlier photos (taught): ${r.earlier.join(', ')}; later photos (measured): ${r.later.join(', ')}`;
    }),
    ...results.flatMap((r) => {
      const label = `${orderName(r)}, ${modelName(r)}, ${r.enrollPhotos}/person`;
      return [
        `${label}: the teacher could tell ${r.labelled} of ${r.earlierFaces} earlier faces` +
          `; what its confirmations taught: ${[...r.outcomes].map(([k, v]) => `${k} ${v}`).join(', ') || 'nothing to confirm'}` +
          `; wrong automatic marks on earlier photos ${r.wrongAccepts}` +
          `; enrollment photos refused (the next one taken): ${r.refused.join(', ') || 'none'}`,
        `${label}: missed before: ${missed(r.before)}; missed after: ${missed(r.after)}`,
      ];
    }),
  ];
  process.stdout.write(`learning bench on ${DIR}\n${[...markdown, '', ...notes].join('\n')}\n`);
  if (toReadme) {
    await writeSection(SECTION, [...markdown, '', ...notes.map((n) => `- ${n}`)].join('\n'));
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}

import 'reflect-metadata';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startApp } from '../src/app';
import { parseEnv } from '../src/config/env';
import { FaceSample, FaceSampleSource } from '../src/entities/face-sample.entity';
import { createLogger } from '../src/observability/logger';
import { FaceEmbeddingRepository } from '../src/repositories/face-embedding.repository';
import { ProfileLearningService } from '../src/services/profile-learning.service';
import { RosterService } from '../src/services/roster.service';
import { FileStorage } from '../src/storage/file-storage';

// Profiles that learn, measured: students are enrolled from people/; the group photos are split into
// earlier and later ones (per photo family, such as bbt1..5, the first half by name is earlier);
// recognition on the later photos is measured before and after a simulated teacher confirmed only the
// correct review items of the earlier photos (and very confident faces were learned automatically
// from them). Measurement passes teach the profiles nothing: whatever they learned is undone at once.
//   npm run bench:learning [FACES_DIR]   (BENCH_ENROLL_PHOTOS=N enrolls only the first N photos per person)

const DIR = process.argv[2] ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'faces');
/** Enrollment photos per person (default all): thin profiles are where learning matters most. */
const ENROLL_PHOTOS = Number(process.env.BENCH_ENROLL_PHOTOS ?? 0) || Infinity;

interface Face {
  id: string;
  decision: string;
  box: { x: number };
  student: { externalId: string } | null;
  candidate: { id: string; externalId: string } | null;
}

interface Counts {
  present: number;
  found: number;
  marks: number;
  wrong: number;
}

/** Earlier/later split per family (the name's leading word: bbt, jolie, ...): the first half by name is earlier. */
export function splitByFamily(names: string[]): { earlier: string[]; later: string[] } {
  const families = new Map<string, string[]>();
  for (const name of [...names].sort()) {
    const family = /^[a-z]+/i.exec(name)?.[0] ?? name;
    families.set(family, [...(families.get(family) ?? []), name]);
  }
  const earlier: string[] = [];
  const later: string[] = [];
  for (const list of families.values()) {
    const cut = Math.ceil(list.length / 2);
    earlier.push(...list.slice(0, cut));
    later.push(...list.slice(cut));
  }
  return { earlier, later };
}

async function main(): Promise<void> {
  const groups = JSON.parse(await readFile(path.join(DIR, 'groups.json'), 'utf8')) as Record<
    string,
    string[]
  >;
  const meta = JSON.parse(await readFile(path.join(DIR, 'groups_meta.json'), 'utf8')) as Record<
    string,
    { faces: number | null; kind: string }
  >;
  const { earlier, later } = splitByFamily(Object.keys(groups));
  const storageDir = await mkdtemp(path.join(os.tmpdir(), 'rollcall-learning-'));
  const app = await startApp(
    parseEnv({
      ...process.env,
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
  const repo = new FaceEmbeddingRepository(app.dataSource, models);
  const roster = new RosterService(app.dataSource, app.cache, 300, models);
  const learning = new ProfileLearningService(
    app.dataSource,
    repo,
    roster,
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
  const ids = new Map<string, string>();
  for (const person of people) {
    const { addStudent } = await call<{ addStudent: { id: string } }>(
      `mutation($i: AddStudentInput!) { addStudent(input: $i) { id } }`,
      { i: { courseId, externalId: person, name: person, consent: true } },
    );
    ids.set(person, addStudent.id);
    const files = (await readdir(path.join(DIR, 'people', person))).sort().slice(0, ENROLL_PHOTOS);
    await Promise.all(
      files.map(async (f) => {
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
        await fetch(app.url, {
          method: 'POST',
          headers: { 'Apollo-Require-Preflight': 'true', authorization },
          body: form,
        });
      }),
    );
  }
  const enrolledSamples = await app.dataSource.getRepository(FaceSample).count();

  const submit = async (sessionId: string, name: string): Promise<Face[]> =>
    (
      await call<{ submitPhoto: { faces: Face[] } }>(
        `mutation($s: ID!, $photo: Upload!) { submitPhoto(sessionId: $s, photo: $photo) {
          faces { id decision box { x } student { externalId } candidate { id externalId } } } }`,
        { s: sessionId },
        await readFile(path.join(DIR, 'groups', name)),
      )
    ).submitPhoto.faces;
  const session = async () =>
    (
      await call<{ startSession: { id: string } }>(
        `mutation($c: ID!) { startSession(courseId: $c) { id } }`,
        { c: courseId },
      )
    ).startSession.id;

  const measure = async (): Promise<Counts> => {
    const counts: Counts = { present: 0, found: 0, marks: 0, wrong: 0 };
    const s = await session();
    for (const name of later) {
      const truth = new Set(groups[name]);
      const faces = await submit(s, name);
      // Nothing seen while measuring may change the profiles.
      for (const f of faces) {
        await learning.undoLearning(f.id);
      }
      const marked = new Set(faces.filter((f) => f.decision === 'ACCEPT').map((f) => f.student!.externalId));
      counts.present += truth.size;
      counts.found += [...marked].filter((p) => truth.has(p)).length;
      counts.marks += marked.size;
      counts.wrong += [...marked].filter((p) => !truth.has(p)).length;
    }
    return counts;
  };

  const before = await measure();

  // The earlier photos, with a teacher who confirms a review item only when it is right.
  let reviewed = 0;
  let confirmed = 0;
  for (const name of earlier) {
    const s = await session();
    const truth = groups[name] ?? [];
    const faces = await submit(s, name);
    // Real photos list their people left to right: where the count matches, each face is labelled.
    const ordered = [...faces].sort((a, b) => a.box.x - b.box.x);
    const labels =
      meta[name]?.kind === 'real' && ordered.length === truth.length
        ? new Map(ordered.map((f, i) => [f.id, truth[i]!]))
        : null;
    const marked = new Set(faces.filter((f) => f.decision === 'ACCEPT').map((f) => f.student!.externalId));
    for (const face of faces.filter((f) => f.decision === 'REVIEW' && f.candidate)) {
      reviewed++;
      const who = face.candidate!.externalId;
      const right = labels ? labels.get(face.id) === who : truth.includes(who) && !marked.has(who);
      if (right) {
        await call(`mutation($f: ID!) { confirmFace(faceId: $f) { id } }`, { f: face.id });
        marked.add(who);
        confirmed++;
      }
    }
  }
  const samples = await app.dataSource.getRepository(FaceSample).find({ select: { source: true } });
  const learnedBy = (source: FaceSampleSource) => samples.filter((s) => s.source === source).length;

  const after = await measure();
  await app.close();
  await rm(storageDir, { recursive: true, force: true });

  const recall = (c: Counts) => c.found / Math.max(1, c.present);
  const precision = (c: Counts) => (c.marks === 0 ? 1 : (c.marks - c.wrong) / c.marks);
  const row = (label: string, c: Counts) =>
    `${label.padEnd(44)} ${recall(c).toFixed(3)} (${c.found}/${c.present})   ${precision(c).toFixed(3)} (${c.marks - c.wrong}/${c.marks})   ${c.wrong}`;
  process.stdout.write(
    `learning bench on ${DIR} (models: ${models().join(', ')})\n` +
      `  earlier photos: ${earlier.join(', ')}\n  later photos:   ${later.join(', ')}\n` +
      `  enrolled samples ${enrolledSamples} (${Number.isFinite(ENROLL_PHOTOS) ? `first ${ENROLL_PHOTOS}` : 'all'} photos per person); review items on earlier photos ${reviewed}, confirmed (correct) ${confirmed}; ` +
      `profile samples added: CONFIRMED ${learnedBy(FaceSampleSource.CONFIRMED)}, LEARNED ${learnedBy(FaceSampleSource.LEARNED)}\n\n` +
      `  later photos                                 recall          precision         wrong marks\n` +
      `${row('  before learning (baseline)', before)}\n` +
      `${row('  after learning from the earlier photos', after)}\n` +
      `  recall ratio after/before: ${(recall(after) / Math.max(1e-9, recall(before))).toFixed(3)}x\n`,
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}

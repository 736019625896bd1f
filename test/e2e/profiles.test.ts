import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaceEmbedding } from '../../src/entities/face-embedding.entity';
import { FaceSample } from '../../src/entities/face-sample.entity';
import { PhotoFace } from '../../src/entities/photo-face.entity';
import { createLoaders } from '../../src/loaders';
import { createLogger } from '../../src/observability/logger';
import { FaceEmbeddingRepository } from '../../src/repositories/face-embedding.repository';
import {
  DEFAULT_LEARNING_POLICY,
  ProfileLearningService,
  type LearningPolicy,
} from '../../src/services/profile-learning.service';
import { ReembedService } from '../../src/services/reembed.service';
import { RosterService } from '../../src/services/roster.service';
import { FileStorage } from '../../src/storage/file-storage';
import {
  codesOf,
  FACES_DIR,
  gql,
  gqlOk,
  gqlUpload,
  startTestApp,
  TEST_PASSWORD,
  type Endpoint,
  type TestApp,
} from '../setup/harness';
import { ADD_STUDENT, CREATE_COURSE, START_SESSION } from './operations';

// Issue 10, service side, on real faces through the real models: per-model storage, top-k and 1:1
// verification, profiles that learn (guards, undo), re-embedding of stored profiles, unknown-face
// clusters, and deletion. Class photos are single LFW images not in people/ (fast and labelled).

const lfw = (name: string, n: number) =>
  path.join(FACES_DIR, 'pairs', 'lfw', name, `${name}_${String(n).padStart(4, '0')}.jpg`);

const FACES = `faces { id decision confidence studentId: student { id } candidate { id }
  candidates { studentId confidence student { externalId } } }`;
const SUBMIT = `mutation($sessionId: ID!, $photo: Upload!) { submitPhoto(sessionId: $sessionId, photo: $photo) { id status ${FACES} } }`;
const CONFIRM = `mutation($faceId: ID!, $studentId: ID) { confirmFace(faceId: $faceId, studentId: $studentId) { id reviewStatus } }`;
const VERIFY = `query($faceId: ID!, $studentId: ID!) { verifyFace(faceId: $faceId, studentId: $studentId) { faceId studentId confidence match models } }`;
const CLUSTERS = `query($courseId: ID!, $minFaces: Int) { unknownFaceClusters(courseId: $courseId, minFaces: $minFaces) { id size sessionIds faces { id } } }`;
const ASSIGN = `mutation($faceIds: [ID!]!, $studentId: ID!) { assignFaces(faceIds: $faceIds, studentId: $studentId) { assigned { id reviewStatus } skipped { faceId reason } } }`;
const PROGRESS = `{ reembedProgress { model total embedded failed running } }`;

interface Face {
  id: string;
  decision: string;
  confidence: number | null;
  studentId: { id: string } | null;
  candidate: { id: string } | null;
  candidates: { studentId: string; confidence: number; student: { externalId: string } | null }[];
}

const cosine = (a: number[], b: number[]) => {
  let dot = 0;
  let na = 0;
  let nb = 0;
  a.forEach((v, i) => {
    dot += v * b[i]!;
    na += v * v;
    nb += b[i]! * b[i]!;
  });
  return dot / Math.sqrt(na * nb);
};

describe('profiles across models (issue 10)', () => {
  let app: TestApp;
  let teacher: Endpoint;
  let otherTeacher: Endpoint;
  let courseId: string;
  let models: string[];
  let repo: FaceEmbeddingRepository;
  let roster: RosterService;
  let storage: FileStorage;
  const students = new Map<string, string>();
  const runId = randomUUID().slice(0, 8);
  const sessions: string[] = [];
  let bushPhotoId: string;

  const learning = (policy: Partial<LearningPolicy> = {}) =>
    new ProfileLearningService(app.dataSource, repo, roster, storage, 50_000_000, createLogger('warn'), {
      ...DEFAULT_LEARNING_POLICY,
      ...policy,
    });
  const addStudent = async (externalId: string) => {
    const { addStudent: s } = await gqlOk<{ addStudent: { id: string } }>(teacher, ADD_STUDENT, {
      // Student numbers are unique per institution, which other test files share on PostgreSQL.
      input: { courseId, externalId: `${externalId}-${runId}`, name: externalId, consent: true },
    });
    students.set(externalId, s.id);
    return s.id;
  };
  const enroll = async (person: string, files: string[]) => {
    const photos = await Promise.all(files.map((f) => readFile(path.join(FACES_DIR, 'people', person, f))));
    const res = await gqlUpload<{ enrollFaces: { id: string; models: string[] }[] }>(
      teacher,
      `mutation($studentId: ID!, $photos: [Upload!]!) { enrollFaces(studentId: $studentId, photos: $photos) { id models } }`,
      { studentId: students.get(person), photos: files.map(() => null) },
      Object.fromEntries(photos.map((data, i) => [`photos.${i}`, { name: files[i]!, data }])),
    );
    expect(res.errors).toBeUndefined();
    return res.data!.enrollFaces;
  };
  const submit = async (sessionId: string, file: string): Promise<{ id: string; faces: Face[] }> => {
    const res = await gqlUpload<{ submitPhoto: { id: string; status: string; faces: Face[] } }>(
      teacher,
      SUBMIT,
      { sessionId, photo: null },
      { photo: { name: path.basename(file), data: await readFile(file) } },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.submitPhoto.status).toBe('DONE');
    return res.data!.submitPhoto;
  };
  const samplesOf = (studentId: string) => app.dataSource.getRepository(FaceSample).findBy({ studentId });

  beforeAll(async () => {
    app = await startTestApp({ SUBMIT_WAIT_MS: '60000' });
    for (const email of ['prof.teacher@school.test', 'prof.other@school.test']) {
      await gqlOk(app.api, `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`, {
        i: { email, name: email, role: 'TEACHER', password: TEST_PASSWORD },
      });
    }
    teacher = await app.login('prof.teacher@school.test', TEST_PASSWORD);
    otherTeacher = await app.login('prof.other@school.test', TEST_PASSWORD);
    courseId = (
      await gqlOk<{ createCourse: { id: string } }>(teacher, CREATE_COURSE, {
        input: { code: `PROF-${randomUUID().slice(0, 6)}`, name: 'Profiles' },
      })
    ).createCourse.id;
    for (let i = 0; i < 3; i++) {
      sessions.push(
        (await gqlOk<{ startSession: { id: string } }>(teacher, START_SESSION, { courseId })).startSession.id,
      );
    }
    models = app.engine.models;
    repo = new FaceEmbeddingRepository(app.dataSource, () => models);
    roster = new RosterService(app.dataSource, app.cache, 300, () => models);
    storage = new FileStorage(app.storageDir);
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('stores one embedding per configured model for each enrolled face, and a crop to re-embed from', async () => {
    for (const person of ['colin_powell', 'george_w_bush', 'tony_blair']) {
      await addStudent(person);
      const faces = await enroll(person, ['1.jpg', '2.jpg']);
      expect(faces).toHaveLength(2);
      for (const f of faces) {
        expect(f.models).toEqual([...models].sort());
      }
    }
    const ids = [...students.values()];
    const samples = await app.dataSource
      .getRepository(FaceSample)
      .findBy(ids.map((studentId) => ({ studentId })));
    expect(samples).toHaveLength(6);
    const rows = await app.dataSource.getRepository(FaceEmbedding).count();
    expect(rows).toBeGreaterThanOrEqual(6 * models.length);
    // The re-embedding crop keeps more of the face than the 128 px review thumbnail.
    for (const s of samples) {
      expect(s.sourceKey).toBeTruthy();
      const crop = await sharp(await storage.get(s.sourceKey!)).metadata();
      const faceInCrop = Math.min(crop.width, crop.height) / 2; // the crop is 2x the face box
      expect(faceInCrop).toBeGreaterThanOrEqual(Math.min(s.box.width, s.box.height, 192) - 2);
      expect(faceInCrop).toBeGreaterThan(128 / 1.4);
    }
    // One call, every model, in enrollment order.
    const profiles = await repo.profiles(ids);
    expect(profiles.map((p) => p.studentId)).toEqual(ids);
    for (const p of profiles) {
      expect(Object.keys(p.embeddings).sort()).toEqual([...models].sort());
      for (const m of models) {
        expect(p.embeddings[m]).toHaveLength(2);
      }
    }
  });

  it('gives top-k candidates per face and verifies a face 1:1', async () => {
    const bush = students.get('george_w_bush')!;
    const blair = students.get('tony_blair')!;
    const { id, faces } = await submit(sessions[0]!, lfw('George_W_Bush', 6));
    bushPhotoId = id;
    expect(faces).toHaveLength(1);
    const face = faces[0]!;
    expect(face.decision).toBe('ACCEPT');
    expect(face.candidates.length).toBeGreaterThan(0);
    expect(face.candidates.length).toBeLessThanOrEqual(3);
    expect(face.candidates[0]!.studentId).toBe(face.candidate!.id);
    expect(face.candidate!.id).toBe(bush);
    const confidences = face.candidates.map((c) => c.confidence);
    expect(confidences).toEqual([...confidences].sort((a, b) => b - a));
    expect(face.candidates[0]!.student?.externalId).toBe(`george_w_bush-${runId}`);

    const same = (
      await gqlOk<{ verifyFace: { confidence: number; match: boolean; models: string[] } }>(teacher, VERIFY, {
        faceId: face.id,
        studentId: bush,
      })
    ).verifyFace;
    const other = (
      await gqlOk<{ verifyFace: { confidence: number; match: boolean } }>(teacher, VERIFY, {
        faceId: face.id,
        studentId: blair,
      })
    ).verifyFace;
    expect(same.match).toBe(true);
    expect(same.models.length).toBeGreaterThan(0);
    expect(other.match).toBe(false);
    expect(same.confidence).toBeGreaterThan(other.confidence);

    expect(codesOf(await gql(teacher, VERIFY, { faceId: randomUUID(), studentId: bush }))).toEqual([
      'NOT_FOUND',
    ]);
    expect(codesOf(await gql(teacher, VERIFY, { faceId: 'not-an-id', studentId: bush }))).toEqual([
      'NOT_FOUND',
    ]);
    expect(codesOf(await gql(teacher, VERIFY, { faceId: face.id, studentId: randomUUID() }))).toEqual([
      'NOT_FOUND',
    ]);
    expect(codesOf(await gql(otherTeacher, VERIFY, { faceId: face.id, studentId: bush }))).toEqual([
      'FORBIDDEN',
    ]);
    expect(codesOf(await gql(app.anonymous, VERIFY, { faceId: face.id, studentId: bush }))).toEqual([
      'UNAUTHENTICATED',
    ]);
  });

  it('learns from a confirmed face; undoing removes the sample and its effect', async () => {
    const ariel = await addStudent('ariel_sharon');
    const first = await submit(sessions[0]!, lfw('Ariel_Sharon', 6));
    const face = first.faces[0]!;
    expect(face.candidates.some((c) => c.studentId === ariel)).toBe(false);
    await gqlOk(teacher, CONFIRM, { faceId: face.id, studentId: ariel });
    const samples = await samplesOf(ariel);
    expect(samples).toHaveLength(1);
    expect(samples[0]).toMatchObject({ source: 'CONFIRMED', photoFaceId: face.id });
    expect(Object.keys((await repo.ofSamples([samples[0]!.id])).get(samples[0]!.id)!).sort()).toEqual(
      [...models].sort(),
    );
    expect(await learning().learnFromConfirmation(face.id)).toBe('ALREADY_LEARNED');

    // The effect: another photo of her is now proposed (or marked) as her.
    const later = await submit(sessions[1]!, lfw('Ariel_Sharon', 7));
    expect(later.faces[0]!.candidate?.id).toBe(ariel);
    await roster.forCourse(courseId, createLoaders(app.dataSource, repo));
    expect(await app.cache.get(roster.cacheKey(courseId))).toBeTruthy();

    // Undo: the sample, its embeddings, its files and the cached roster go, with what was learned
    // automatically since (here the later photo, accepted thanks to the confirmed face, if it was).
    const keys = [samples[0]!.thumbnailKey, samples[0]!.sourceKey!];
    expect(await learning().undoLearning(face.id)).toBe(true);
    expect(await samplesOf(ariel)).toHaveLength(0);
    expect(await app.dataSource.getRepository(FaceEmbedding).countBy({ faceSampleId: samples[0]!.id })).toBe(
      0,
    );
    expect(await app.cache.get(roster.cacheKey(courseId))).toBeFalsy();
    for (const key of keys) {
      expect(existsSync(path.join(app.storageDir, key))).toBe(false);
    }
    expect(await learning().undoLearning(face.id)).toBe(false);
    const afterUndo = await submit(sessions[2]!, lfw('Ariel_Sharon', 8));
    expect(afterUndo.faces[0]!.candidates.some((c) => c.studentId === ariel)).toBe(false);

    // Learned again for the guards below.
    expect(await learning().learnFromConfirmation(face.id)).toBe('LEARNED');
  });

  it('guards what joins a profile: duplicates, conflicting marks, the cap', async () => {
    const ariel = students.get('ariel_sharon')!;
    const photoFaces = app.dataSource.getRepository(PhotoFace);
    // The same image again, in another session: a near copy of the learned sample.
    const again = await submit(sessions[1]!, lfw('Ariel_Sharon', 6));
    const copy = again.faces[0]!;
    expect(copy.candidate?.id).toBe(ariel);
    await photoFaces.update({ id: copy.id }, { studentId: ariel });
    expect(await learning().learnFromConfirmation(copy.id)).toBe('DUPLICATE');

    // A teacher marked her absent in the session: a photo of it teaches nothing about her, neither
    // automatically when it is processed nor on confirmation.
    await gqlOk(teacher, `mutation($input: MarkAttendanceInput!) { markAttendance(input: $input) { id } }`, {
      input: { sessionId: sessions[2], studentId: ariel, status: 'ABSENT' },
    });
    const absentFace = (await submit(sessions[2]!, lfw('Ariel_Sharon', 9))).faces[0]!;
    expect(await app.dataSource.getRepository(FaceSample).existsBy({ photoFaceId: absentFace.id })).toBe(
      false,
    );
    await photoFaces.update({ id: absentFace.id }, { studentId: ariel });
    expect(await learning().learnFromConfirmation(absentFace.id)).toBe('CONFLICT');

    // Another face of the same photo is (proposed as) her.
    const couple = await submit(sessions[0]!, path.join(FACES_DIR, 'groups', 'jolie_pitt_couple.jpg'));
    expect(couple.faces.length).toBeGreaterThanOrEqual(2);
    const [a, b] = couple.faces;
    await photoFaces.update({ id: a!.id }, { candidateStudentId: ariel });
    await photoFaces.update({ id: b!.id }, { studentId: ariel });
    expect(await learning().learnFromConfirmation(b!.id)).toBe('CONFLICT');
    await photoFaces.update({ id: a!.id }, { candidateStudentId: null });
    await photoFaces.update({ id: b!.id }, { studentId: null });

    // The cap: at the cap, a new-looking face is refused.
    const fresh = (await submit(sessions[0]!, lfw('Ariel_Sharon', 10))).faces[0]!;
    await photoFaces.update({ id: fresh.id }, { studentId: ariel });
    await learning().undoLearning(fresh.id); // in case processing learned it already
    const count = (await samplesOf(ariel)).length;
    expect(await learning({ maxLearnedSamples: count }).learnFromConfirmation(fresh.id)).toBe('CAP_REACHED');
    expect(await samplesOf(ariel)).toHaveLength(count);
    // Automatic learning only from very confident matches.
    expect(await learning({ autoLearnConfidence: 1.01 }).learnFromPhoto(bushPhotoId)).toEqual([
      'NOT_CONFIDENT',
    ]);
  });

  it('re-embeds stored faces that lack a model, and matches on the models a student has meanwhile', async () => {
    const blair = students.get('tony_blair')!;
    const model = models[models.length - 1]!;
    const samples = await samplesOf(blair);
    const before = await repo.ofSamples(samples.map((s) => s.id));
    await app.dataSource.query(
      `DELETE FROM face_embedding WHERE model = $1 AND face_sample_id = ANY($2::uuid[])`,
      [model, samples.map((s) => s.id)],
    );
    // One sample predates the re-embedding crop: its thumbnail must serve.
    await app.dataSource.getRepository(FaceSample).update({ id: samples[1]!.id }, { sourceKey: null });
    await roster.invalidateCourses([courseId]);

    const progress = async () =>
      (
        await gqlOk<{
          reembedProgress: { model: string; total: number; embedded: number; failed: number }[];
        }>(app.api, PROGRESS)
      ).reembedProgress.find((p) => p.model === model)!;
    const pending = await progress();
    expect(pending.total - pending.embedded - pending.failed).toBe(2);
    expect(codesOf(await gql(teacher, PROGRESS))).toEqual(['FORBIDDEN']);

    // Meanwhile: matching uses the models he still has (none left with a single-model engine).
    const [profile] = await repo.profiles([blair]);
    expect(profile!.embeddings[model]).toBeUndefined();
    const meanwhile = await submit(sessions[0]!, lfw('Tony_Blair', 6));
    if (models.length > 1) {
      expect(meanwhile.faces[0]!.candidate?.id).toBe(blair);
    } else {
      expect(meanwhile.faces[0]!.candidates.some((c) => c.studentId === blair)).toBe(false);
    }

    const reported: number[] = [];
    const sut = new ReembedService(app.dataSource, app.engine, repo, storage, roster, createLogger('warn'));
    await sut.handle(
      { model, batchSize: 1 },
      { id: 'test', attempt: 1, progress: (p) => Promise.resolve(void reported.push(p)) },
    );
    expect(reported.at(-1)).toBe(1);
    expect(await sut.countMissing(model)).toBe(0);
    const after = await repo.ofSamples(samples.map((s) => s.id));
    // From the stored crop, the new embedding is the enrollment's, give or take resampling.
    expect(cosine(after.get(samples[0]!.id)![model]!, before.get(samples[0]!.id)![model]!)).toBeGreaterThan(
      0.95,
    );
    const done = await progress();
    expect(done.embedded + done.failed).toBe(done.total);
    const upgraded = await submit(sessions[1]!, lfw('Tony_Blair', 6));
    expect(upgraded.faces[0]!.candidate?.id).toBe(blair);
  });

  it('groups unknown faces across sessions, and names a group at once', async () => {
    const labelOf = new Map<string, string>();
    let i = 0;
    for (const person of ['Hugo_Chavez', 'Gerhard_Schroeder']) {
      for (const n of [6, 7, 8]) {
        const { faces } = await submit(sessions[i++ % 3]!, lfw(person, n));
        faces.forEach((f) => labelOf.set(f.id, person));
      }
    }
    const { unknownFaceClusters: clusters } = await gqlOk<{
      unknownFaceClusters: { id: string; size: number; sessionIds: string[]; faces: { id: string }[] }[];
    }>(teacher, CLUSTERS, { courseId });
    const ours = clusters.filter((c) => c.faces.some((f) => labelOf.has(f.id)));
    expect(ours.length).toBeGreaterThan(0);
    for (const c of ours) {
      // Pure: one person per group.
      expect(new Set(c.faces.map((f) => labelOf.get(f.id) ?? 'other')).size).toBe(1);
      expect(c.size).toBe(c.faces.length);
      expect(c.size).toBeGreaterThanOrEqual(2);
    }
    const group = ours[0]!;
    expect(group.sessionIds.length).toBeGreaterThan(1);
    const person = labelOf.get(group.faces[0]!.id)!;
    const studentId = await addStudent(person.toLowerCase());
    const { assignFaces } = await gqlOk<{
      assignFaces: { assigned: { id: string; reviewStatus: string }[]; skipped: unknown[] };
    }>(teacher, ASSIGN, { faceIds: group.faces.map((f) => f.id), studentId });
    expect(assignFaces.assigned.map((f) => f.reviewStatus)).toEqual(group.faces.map(() => 'CONFIRMED'));
    expect(assignFaces.skipped).toEqual([]);
    const marked = await app.dataSource.query<{ session_id: string }[]>(
      `SELECT session_id FROM attendance_record WHERE student_id = $1`,
      [studentId],
    );
    expect(new Set(marked.map((r) => r.session_id))).toEqual(new Set(group.sessionIds));
    const remaining = (
      await gqlOk<{ unknownFaceClusters: { faces: { id: string }[] }[] }>(teacher, CLUSTERS, { courseId })
    ).unknownFaceClusters.flatMap((c) => c.faces.map((f) => f.id));
    expect(remaining.some((id) => group.faces.some((f) => f.id === id))).toBe(false);

    expect(codesOf(await gql(otherTeacher, CLUSTERS, { courseId }))).toEqual(['FORBIDDEN']);
    expect(codesOf(await gql(teacher, CLUSTERS, { courseId: randomUUID() }))).toEqual(['NOT_FOUND']);
    expect(codesOf(await gql(teacher, CLUSTERS, { courseId, minFaces: 1 }))).toEqual(['BAD_USER_INPUT']);
    expect(codesOf(await gql(teacher, ASSIGN, { faceIds: [], studentId }))).toEqual(['BAD_USER_INPUT']);
    expect(codesOf(await gql(teacher, ASSIGN, { faceIds: [randomUUID()], studentId }))).toEqual([
      'NOT_FOUND',
    ]);
    expect(codesOf(await gql(otherTeacher, ASSIGN, { faceIds: [group.faces[0]!.id], studentId }))).toEqual([
      'FORBIDDEN',
    ]);
  });

  it('reports session recall over all photos and per photo', async () => {
    const RECALL = `query($id: ID!) { sessionRecall(sessionId: $id) { sessionId enrolled seen recall perPhoto { photoId seen } } }`;
    const { sessionRecall: r } = await gqlOk<{
      sessionRecall: {
        enrolled: number;
        seen: number;
        recall: number;
        perPhoto: { photoId: string; seen: number }[];
      };
    }>(teacher, RECALL, { id: sessions[0] });
    const faces = await app.dataSource.getRepository(PhotoFace).findBy({ sessionId: sessions[0] });
    const named = faces.filter((f) => f.studentId);
    expect(r.enrolled).toBe(students.size);
    expect(r.seen).toBe(new Set(named.map((f) => f.studentId)).size);
    expect(r.recall).toBeCloseTo(r.seen / r.enrolled, 6);
    expect(r.perPhoto).toHaveLength(new Set(faces.map((f) => f.photoId)).size);
    for (const p of r.perPhoto) {
      expect(p.seen).toBe(new Set(named.filter((f) => f.photoId === p.photoId).map((f) => f.studentId)).size);
    }
    expect(r.seen).toBeGreaterThan(Math.max(...r.perPhoto.map((p) => p.seen)));
    expect(codesOf(await gql(teacher, RECALL, { id: randomUUID() }))).toEqual(['NOT_FOUND']);
    expect(codesOf(await gql(otherTeacher, RECALL, { id: sessions[0] }))).toEqual(['FORBIDDEN']);
  });

  it('deleting a student deletes their faces, embeddings and learned samples', async () => {
    const ariel = students.get('ariel_sharon')!;
    const samples = await samplesOf(ariel);
    const faces = await app.dataSource
      .getRepository(PhotoFace)
      .findBy([{ studentId: ariel }, { candidateStudentId: ariel }]);
    expect(samples.length + faces.length).toBeGreaterThan(0);
    await gqlOk(app.api, `mutation($id: ID!) { deleteStudent(id: $id) }`, { id: ariel });
    expect(await samplesOf(ariel)).toHaveLength(0);
    const left = await app.dataSource.query<{ n: string }[]>(
      `SELECT (SELECT count(*) FROM face_embedding WHERE face_sample_id = ANY($1::uuid[])) +
              (SELECT count(*) FROM photo_face_embedding WHERE photo_face_id = ANY($2::uuid[])) AS n`,
      [samples.map((s) => s.id), faces.map((f) => f.id)],
    );
    expect(Number(left[0]!.n)).toBe(0);
    for (const s of samples) {
      expect(existsSync(path.join(app.storageDir, s.thumbnailKey))).toBe(false);
      expect(existsSync(path.join(app.storageDir, s.sourceKey!))).toBe(false);
    }
  });
});

import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../src/db/data-source';
import { CourseEnrollment } from '../src/entities/course-enrollment.entity';
import { Course } from '../src/entities/course.entity';
import { FaceEmbedding } from '../src/entities/face-embedding.entity';
import { FaceSample, FaceSampleSource } from '../src/entities/face-sample.entity';
import { Institution } from '../src/entities/institution.entity';
import { Student } from '../src/entities/student.entity';
import { createLoaders } from '../src/loaders';
import { FaceEmbeddingRepository } from '../src/repositories/face-embedding.repository';

// Roster loading for a 200-student course: one query per student (the N+1 baseline) against the
// DataLoader batch the server uses, on the same database in the same run. Synthetic embeddings:
// this measures the data path, not recognition.

const STUDENTS = Number(process.env.BENCH_STUDENTS ?? 200);
const FACES_PER_STUDENT = 3;
const ROUNDS = 20;
const MODELS = ['bench-model-a', 'bench-model-b'];

async function main(): Promise<void> {
  const db = await openDatabase({
    url: process.env.DATABASE_URL,
    pgliteDataDir: 'memory://',
    runMigrations: true,
  });
  const ds = db.dataSource;
  const institution = await ds.getRepository(Institution).findOneByOrFail({ slug: 'default' });
  const course = await ds
    .getRepository(Course)
    .save({ institutionId: institution.id, code: `BENCH-${Date.now()}`, name: 'bench' });
  const ids: string[] = [];
  for (let i = 0; i < STUDENTS; i++) {
    const s = await ds.getRepository(Student).save({
      institutionId: institution.id,
      externalId: `${course.code}-${i}`,
      name: `s${i}`,
      email: null,
      consentGivenAt: new Date(),
      consentRecordedBy: 'bench',
    });
    ids.push(s.id);
    await ds.getRepository(CourseEnrollment).insert({ courseId: course.id, studentId: s.id });
    const inserted = await ds.getRepository(FaceSample).insert(
      Array.from({ length: FACES_PER_STUDENT }, () => ({
        studentId: s.id,
        source: FaceSampleSource.ENROLLMENT,
        thumbnailKey: 'faces/00/00000000-0000-0000-0000-000000000000.jpg',
        photoHash: 'x',
        box: { x: 0, y: 0, width: 1, height: 1 },
        quality: 1,
        detectionScore: 1,
      })),
    );
    for (const { id } of inserted.identifiers as { id: string }[]) {
      for (const model of MODELS) {
        await ds
          .getRepository(FaceEmbedding)
          .insert({ faceSampleId: id, model, embedding: Array.from({ length: 128 }, () => Math.random()) });
      }
    }
  }
  const repo = new FaceEmbeddingRepository(ds, () => MODELS);

  const time = async (fn: () => Promise<unknown>) => {
    await fn(); // warm-up
    const t0 = performance.now();
    for (let r = 0; r < ROUNDS; r++) {
      await fn();
    }
    return (performance.now() - t0) / ROUNDS;
  };
  const nPlusOne = await time(() => Promise.all(ids.map((id) => repo.profiles([id]))));
  const batched = await time(() => createLoaders(ds, repo).embeddings.loadMany(ids));

  process.stdout.write(
    `roster of ${STUDENTS} students x ${FACES_PER_STUDENT} faces x ${MODELS.length} models on ${db.kind}\n` +
      `  N+1 queries (baseline): ${nPlusOne.toFixed(1)} ms\n` +
      `  DataLoader batch:       ${batched.toFixed(1)} ms\n` +
      `  speed-up:               ${(nPlusOne / batched).toFixed(1)}x\n`,
  );
  await db.close();
}

void main();

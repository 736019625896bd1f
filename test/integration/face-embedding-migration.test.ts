import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/data-source';
import { MIGRATIONS } from '../../src/db/migrations';
import { FaceEmbeddings1796291578649 } from '../../src/db/migrations/1796291578649-FaceEmbeddings';

// The migration on a database holding pre-issue-10 rows (one embedding column per face): applied
// migration by migration on a fresh database (PGlite, or a throwaway database on DATABASE_URL, so the
// shared one is never rolled back under other tests).

describe(FaceEmbeddings1796291578649.name, () => {
  let db: Database;
  let dropDatabase: (() => Promise<void>) | undefined;
  const q = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    db.dataSource.query<T[]>(sql, params);
  const one = async (sql: string, params: unknown[] = []) => (await q<{ id: string }>(sql, params))[0]!.id;
  const vector = (seed: number) => Array.from({ length: 4 }, (_, i) => Math.round((seed + i) * 100) / 1000);
  let sampleA: string;
  let sampleB: string;
  let photoFace: string;

  beforeAll(async () => {
    let url: string | undefined;
    if (process.env.DATABASE_URL) {
      const name = `rc_mig_${randomUUID().slice(0, 8)}`;
      const admin = new Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const u = new URL(process.env.DATABASE_URL);
      u.pathname = `/${name}`;
      url = u.toString();
      dropDatabase = async () => {
        const c = new Client({ connectionString: process.env.DATABASE_URL });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name}`);
        await c.end();
      };
    }
    db = await openDatabase({ url, pgliteDataDir: 'memory://', runMigrations: false });
    const runner = db.dataSource.createQueryRunner();
    const before = MIGRATIONS.slice(0, MIGRATIONS.indexOf(FaceEmbeddings1796291578649));
    for (const Migration of before) {
      await new Migration().up(runner);
    }
    await runner.release();
    const institution = await one(`INSERT INTO institution (slug, name) VALUES ('m', 'm') RETURNING id`);
    const student = await one(
      `INSERT INTO student (institution_id, external_id, name) VALUES ($1, 's', 's') RETURNING id`,
      [institution],
    );
    const course = await one(
      `INSERT INTO course (institution_id, code, name) VALUES ($1, 'C', 'C') RETURNING id`,
      [institution],
    );
    const session = await one(
      `INSERT INTO attendance_session (course_id, opened_at, late_after) VALUES ($1, now(), now()) RETURNING id`,
      [course],
    );
    const photo = await one(
      `INSERT INTO submitted_photo (session_id, content_hash, storage_key, status) VALUES ($1, 'h', 'k', 'DONE') RETURNING id`,
      [session],
    );
    const legacySample = (embedding: number[]) =>
      one(
        `INSERT INTO face_sample (student_id, source, thumbnail_key, photo_hash, box, quality, detection_score, embedding, model)
         VALUES ($1, 'ENROLLMENT', 't', 'h', '{"x":0,"y":0,"width":1,"height":1}', 0.9, 0.9, $2, 'legacy-model') RETURNING id`,
        [student, embedding],
      );
    sampleA = await legacySample(vector(1));
    sampleB = await legacySample(vector(2));
    photoFace = await one(
      `INSERT INTO photo_face (photo_id, session_id, box, detection_score, quality, decision, thumbnail_key, embedding, model)
       VALUES ($1, $2, '{"x":0,"y":0,"width":1,"height":1}', 0.9, 0.8, 'UNKNOWN', 't', $3, 'legacy-model') RETURNING id`,
      [photo, session, vector(3)],
    );
    const runner2 = db.dataSource.createQueryRunner();
    await new FaceEmbeddings1796291578649().up(runner2);
    await runner2.release();
  });

  afterAll(async () => {
    await db?.close();
    await dropDatabase?.();
  });

  it('moves every stored embedding into one row per (face, model)', async () => {
    const rows = await q<{ face_sample_id: string; model: string; embedding: number[] }>(
      `SELECT face_sample_id, model, embedding FROM face_embedding ORDER BY embedding[1]`,
    );
    expect(rows.map((r) => [r.face_sample_id, r.model])).toEqual([
      [sampleA, 'legacy-model'],
      [sampleB, 'legacy-model'],
    ]);
    expect(rows[0]!.embedding.map((v) => Math.round(v * 1000) / 1000)).toEqual(vector(1));
    const faces = await q<{ photo_face_id: string; model: string }>(
      `SELECT photo_face_id, model FROM photo_face_embedding`,
    );
    expect(faces).toEqual([{ photo_face_id: photoFace, model: 'legacy-model' }]);
    const columns = await q<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'face_sample' AND table_schema = current_schema()`,
    );
    expect(columns.map((c) => c.column_name)).not.toContain('embedding');
    expect(columns.map((c) => c.column_name)).toContain('source_key');
  });

  it('deletes embeddings with their face (cascade)', async () => {
    await q(`INSERT INTO face_embedding (face_sample_id, model, embedding) VALUES ($1, 'second-model', $2)`, [
      sampleB,
      vector(4),
    ]);
    await q(`DELETE FROM face_sample WHERE id = $1`, [sampleB]);
    const left = await q<{ face_sample_id: string }>(`SELECT face_sample_id FROM face_embedding`);
    expect(left).toEqual([{ face_sample_id: sampleA }]);
  });

  it('rolls back to one embedding column, keeping the data', async () => {
    const runner = db.dataSource.createQueryRunner();
    await new FaceEmbeddings1796291578649().down(runner);
    await runner.release();
    const rows = await q<{ id: string; model: string; embedding: number[] }>(
      `SELECT id, model, embedding FROM face_sample`,
    );
    expect(rows.map((r) => [r.id, r.model])).toEqual([[sampleA, 'legacy-model']]);
    const faces = await q<{ id: string; model: string }>(`SELECT id, model FROM photo_face`);
    expect(faces).toEqual([{ id: photoFace, model: 'legacy-model' }]);
  });
});

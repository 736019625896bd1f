import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 10, per-model embeddings: a face sample (and a class-photo face) keeps one embedding per
 * model, so adding a model needs no re-enrollment. The existing embedding+model columns move into
 * the new tables, then go. Also: the larger crop kept for future re-embedding, where a learned
 * sample came from (for undo), and the re-embed failures that must not be retried forever.
 */
export class FaceEmbeddings1796291578649 implements MigrationInterface {
  name = 'FaceEmbeddings1796291578649';

  public async up(q: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE face_embedding (
        face_sample_id uuid NOT NULL REFERENCES face_sample(id) ON DELETE CASCADE,
        model text NOT NULL,
        embedding real[] NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (face_sample_id, model))`,
      `CREATE INDEX face_embedding_model ON face_embedding (model)`,
      `INSERT INTO face_embedding (face_sample_id, model, embedding, created_at)
        SELECT id, model, embedding, created_at FROM face_sample`,
      `CREATE TABLE photo_face_embedding (
        photo_face_id uuid NOT NULL REFERENCES photo_face(id) ON DELETE CASCADE,
        model text NOT NULL,
        embedding real[] NOT NULL,
        PRIMARY KEY (photo_face_id, model))`,
      `INSERT INTO photo_face_embedding (photo_face_id, model, embedding)
        SELECT id, model, embedding FROM photo_face`,
      `ALTER TABLE face_sample DROP COLUMN embedding`,
      `ALTER TABLE face_sample DROP COLUMN model`,
      `ALTER TABLE photo_face DROP COLUMN embedding`,
      `ALTER TABLE photo_face DROP COLUMN model`,
      // The matcher's top candidates with their fused confidence, for the teacher's review.
      `ALTER TABLE photo_face ADD COLUMN candidates jsonb NOT NULL DEFAULT '[]'`,
      // Storage key of a larger, context-padded crop that a future model can be run on.
      `ALTER TABLE face_sample ADD COLUMN source_key text`,
      // The class-photo face a confirmed or learned sample came from: undoing the confirmation
      // deletes the sample; deleting the photo (retention) keeps the sample the teacher approved.
      `ALTER TABLE face_sample ADD COLUMN photo_face_id uuid REFERENCES photo_face(id) ON DELETE SET NULL`,
      `CREATE UNIQUE INDEX face_sample_photo_face ON face_sample (photo_face_id)`,
      `CREATE TABLE face_embedding_failure (
        face_sample_id uuid NOT NULL REFERENCES face_sample(id) ON DELETE CASCADE,
        model text NOT NULL,
        reason text NOT NULL,
        failed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (face_sample_id, model))`,
    ];
    for (const sql of statements) {
      await q.query(sql);
    }
  }

  public async down(q: QueryRunner): Promise<void> {
    // Back to one embedding per row: the oldest model's (the one the row was first embedded with).
    const statements = [
      `DROP TABLE face_embedding_failure`,
      `DROP INDEX face_sample_photo_face`,
      `ALTER TABLE face_sample DROP COLUMN photo_face_id`,
      `ALTER TABLE face_sample DROP COLUMN source_key`,
      `ALTER TABLE face_sample ADD COLUMN embedding real[]`,
      `ALTER TABLE face_sample ADD COLUMN model text`,
      `UPDATE face_sample s SET embedding = e.embedding, model = e.model FROM (
        SELECT DISTINCT ON (face_sample_id) face_sample_id, model, embedding FROM face_embedding
        ORDER BY face_sample_id, created_at, model) e WHERE e.face_sample_id = s.id`,
      `DELETE FROM face_sample WHERE embedding IS NULL`,
      `ALTER TABLE face_sample ALTER COLUMN embedding SET NOT NULL`,
      `ALTER TABLE face_sample ALTER COLUMN model SET NOT NULL`,
      `ALTER TABLE photo_face DROP COLUMN candidates`,
      `ALTER TABLE photo_face ADD COLUMN embedding real[]`,
      `ALTER TABLE photo_face ADD COLUMN model text`,
      `UPDATE photo_face f SET embedding = e.embedding, model = e.model FROM (
        SELECT DISTINCT ON (photo_face_id) photo_face_id, model, embedding FROM photo_face_embedding
        ORDER BY photo_face_id, model) e WHERE e.photo_face_id = f.id`,
      `DELETE FROM photo_face WHERE embedding IS NULL`,
      `ALTER TABLE photo_face ALTER COLUMN embedding SET NOT NULL`,
      `ALTER TABLE photo_face ALTER COLUMN model SET NOT NULL`,
      `DROP TABLE photo_face_embedding`,
      `DROP TABLE face_embedding`,
    ];
    for (const sql of statements) {
      await q.query(sql);
    }
  }
}

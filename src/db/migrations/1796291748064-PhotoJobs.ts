import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Photo analysis as queued jobs (issue #11): attempts and the analysis mode on each photo, and a
 * blob table so that photos and face crops reach inference workers on other machines through the
 * database both sides already use (STORAGE_DRIVER=database).
 */
export class PhotoJobs1796291748064 implements MigrationInterface {
  name = 'PhotoJobs1796291748064';

  public async up(q: QueryRunner): Promise<void> {
    const statements = [
      `ALTER TABLE submitted_photo ADD COLUMN attempts int NOT NULL DEFAULT 0`,
      `ALTER TABLE submitted_photo ADD COLUMN analysis_mode text`,
      `ALTER TABLE submitted_photo ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now()`,
      // The recovery sweep looks for unfinished photos only.
      `CREATE INDEX submitted_photo_unfinished ON submitted_photo (updated_at)
        WHERE status IN ('QUEUED', 'PROCESSING')`,
      `CREATE TABLE stored_blob (
        key text PRIMARY KEY,
        data bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now())`,
    ];
    for (const sql of statements) {
      await q.query(sql);
    }
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE stored_blob`);
    await q.query(`DROP INDEX submitted_photo_unfinished`);
    await q.query(`ALTER TABLE submitted_photo DROP COLUMN updated_at`);
    await q.query(`ALTER TABLE submitted_photo DROP COLUMN analysis_mode`);
    await q.query(`ALTER TABLE submitted_photo DROP COLUMN attempts`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Alert episodes (issue #6): FIRING until resolved, de-duplicated by fingerprint. */
export class Alerts1764200000000 implements MigrationInterface {
  name = 'Alerts1764200000000';

  public async up(q: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE alert (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        institution_id uuid REFERENCES institution(id) ON DELETE CASCADE,
        rule text NOT NULL,
        fingerprint text NOT NULL,
        subject text,
        state text NOT NULL CHECK (state IN ('FIRING', 'RESOLVED')),
        severity text NOT NULL,
        summary text NOT NULL,
        value double precision,
        threshold double precision,
        details jsonb NOT NULL DEFAULT '{}',
        started_at timestamptz NOT NULL,
        resolved_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now())`,
      // The de-duplication guarantee: one open episode per fingerprint, whoever evaluates.
      `CREATE UNIQUE INDEX alert_firing_fingerprint ON alert (fingerprint) WHERE state = 'FIRING'`,
      `CREATE INDEX alert_institution_state ON alert (institution_id, state, started_at)`,
    ];
    for (const sql of statements) {
      await q.query(sql);
    }
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS alert`);
  }
}

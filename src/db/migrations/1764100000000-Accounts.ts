import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Users, refresh tokens, API keys, course ownership and the audit log (issue #4). */
export class Accounts1764100000000 implements MigrationInterface {
  name = 'Accounts1764100000000';

  public async up(q: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE app_user (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        institution_id uuid NOT NULL REFERENCES institution(id) ON DELETE CASCADE,
        email text NOT NULL,
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('ADMIN', 'TEACHER')),
        password_hash text NOT NULL,
        disabled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now())`,
      // E-mail is the login name: unique across the deployment, case-insensitively.
      `CREATE UNIQUE INDEX app_user_email ON app_user (lower(email))`,
      `CREATE TABLE refresh_token (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
        family uuid NOT NULL,
        token_hash text NOT NULL UNIQUE,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        revoked_at timestamptz)`,
      `CREATE INDEX refresh_token_family ON refresh_token (family)`,
      `CREATE TABLE api_key (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        institution_id uuid NOT NULL REFERENCES institution(id) ON DELETE CASCADE,
        name text NOT NULL,
        prefix text NOT NULL UNIQUE,
        secret_hash text NOT NULL,
        scopes text[] NOT NULL,
        course_id uuid REFERENCES course(id) ON DELETE CASCADE,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz)`,
      `ALTER TABLE course ADD COLUMN teacher_id uuid REFERENCES app_user(id) ON DELETE SET NULL`,
      `CREATE INDEX course_teacher ON course (teacher_id)`,
      `CREATE TABLE audit_event (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        institution_id uuid NOT NULL REFERENCES institution(id) ON DELETE CASCADE,
        actor text NOT NULL,
        actor_label text NOT NULL,
        action text NOT NULL,
        target_type text NOT NULL,
        target_id text,
        details jsonb,
        at timestamptz NOT NULL DEFAULT now())`,
      `CREATE INDEX audit_event_institution_at ON audit_event (institution_id, at DESC)`,
      `CREATE INDEX submitted_photo_submitted_at ON submitted_photo (submitted_at)`,
    ];
    for (const sql of statements) {
      await q.query(sql);
    }
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS submitted_photo_submitted_at`);
    await q.query(`DROP TABLE IF EXISTS audit_event`);
    await q.query(`ALTER TABLE course DROP COLUMN IF EXISTS teacher_id`);
    for (const table of ['api_key', 'refresh_token', 'app_user']) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}

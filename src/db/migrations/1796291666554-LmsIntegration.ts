import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue #15: OneRoster identities (sourcedId columns, unique per institution), import runs,
 * academic terms, webhook subscriptions and their delivery log, and course timetables.
 */
export class LmsIntegration1796291666554 implements MigrationInterface {
  name = 'LmsIntegration1796291666554';

  public async up(q: QueryRunner): Promise<void> {
    const statements = [
      `ALTER TABLE student ADD COLUMN sourced_id text`,
      `CREATE UNIQUE INDEX student_sourced_id ON student (institution_id, sourced_id) WHERE sourced_id IS NOT NULL`,
      `ALTER TABLE course ADD COLUMN sourced_id text`,
      `ALTER TABLE course ADD COLUMN term_start date`,
      `ALTER TABLE course ADD COLUMN term_end date`,
      `CREATE UNIQUE INDEX course_sourced_id ON course (institution_id, sourced_id) WHERE sourced_id IS NOT NULL`,
      `ALTER TABLE app_user ADD COLUMN sourced_id text`,
      `CREATE UNIQUE INDEX app_user_sourced_id ON app_user (institution_id, sourced_id) WHERE sourced_id IS NOT NULL`,
      `ALTER TABLE course_enrollment ADD COLUMN sourced_id text`,
      `CREATE TABLE academic_term (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        institution_id uuid NOT NULL REFERENCES institution(id) ON DELETE CASCADE,
        sourced_id text NOT NULL,
        title text NOT NULL,
        type text NOT NULL,
        start_date date NOT NULL,
        end_date date NOT NULL,
        UNIQUE (institution_id, sourced_id))`,
      `CREATE TABLE oneroster_import (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        institution_id uuid NOT NULL REFERENCES institution(id) ON DELETE CASCADE,
        created_by text NOT NULL,
        status text NOT NULL,
        options jsonb NOT NULL DEFAULT '{}',
        progress real NOT NULL DEFAULT 0,
        preview jsonb,
        result jsonb,
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz)`,
      `CREATE INDEX oneroster_import_institution ON oneroster_import (institution_id, created_at)`,
      `CREATE TABLE webhook_subscription (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        institution_id uuid NOT NULL REFERENCES institution(id) ON DELETE CASCADE,
        url text NOT NULL,
        secret text NOT NULL,
        events text[] NOT NULL,
        course_ids uuid[] NOT NULL DEFAULT '{}',
        active boolean NOT NULL DEFAULT true,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now())`,
      `CREATE INDEX webhook_subscription_institution ON webhook_subscription (institution_id)`,
      `CREATE TABLE webhook_delivery (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        subscription_id uuid NOT NULL REFERENCES webhook_subscription(id) ON DELETE CASCADE,
        event text NOT NULL,
        payload jsonb NOT NULL,
        status text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        last_status_code integer,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_attempt_at timestamptz,
        delivered_at timestamptz)`,
      `CREATE INDEX webhook_delivery_subscription ON webhook_delivery (subscription_id, created_at)`,
      // The last status a webhook announced per attendance record: tells "marked" from "changed".
      `CREATE TABLE webhook_record_state (
        record_id uuid PRIMARY KEY,
        status text NOT NULL)`,
      `CREATE TABLE course_schedule_slot (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        course_id uuid NOT NULL REFERENCES course(id) ON DELETE CASCADE,
        weekday smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
        start_minute smallint NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
        end_minute smallint NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
        timezone text NOT NULL,
        late_after_minutes integer,
        CHECK (end_minute > start_minute))`,
      `CREATE INDEX course_schedule_slot_course ON course_schedule_slot (course_id)`,
      `ALTER TABLE attendance_session ADD COLUMN slot_id uuid REFERENCES course_schedule_slot(id) ON DELETE SET NULL`,
      `ALTER TABLE attendance_session ADD COLUMN scheduled_start timestamptz`,
      `ALTER TABLE attendance_session ADD COLUMN scheduled_end timestamptz`,
      // One session per slot occurrence, whichever instance opens it.
      `CREATE UNIQUE INDEX attendance_session_slot_occurrence ON attendance_session (slot_id, scheduled_start) WHERE slot_id IS NOT NULL`,
    ];
    for (const sql of statements) {
      await q.query(sql);
    }
  }

  public async down(q: QueryRunner): Promise<void> {
    const statements = [
      `DROP INDEX IF EXISTS attendance_session_slot_occurrence`,
      `ALTER TABLE attendance_session DROP COLUMN IF EXISTS scheduled_end`,
      `ALTER TABLE attendance_session DROP COLUMN IF EXISTS scheduled_start`,
      `ALTER TABLE attendance_session DROP COLUMN IF EXISTS slot_id`,
      `DROP TABLE IF EXISTS course_schedule_slot`,
      `DROP TABLE IF EXISTS webhook_record_state`,
      `DROP TABLE IF EXISTS webhook_delivery`,
      `DROP TABLE IF EXISTS webhook_subscription`,
      `DROP TABLE IF EXISTS oneroster_import`,
      `DROP TABLE IF EXISTS academic_term`,
      `ALTER TABLE course_enrollment DROP COLUMN IF EXISTS sourced_id`,
      `ALTER TABLE app_user DROP COLUMN IF EXISTS sourced_id`,
      `ALTER TABLE course DROP COLUMN IF EXISTS term_end`,
      `ALTER TABLE course DROP COLUMN IF EXISTS term_start`,
      `ALTER TABLE course DROP COLUMN IF EXISTS sourced_id`,
      `ALTER TABLE student DROP COLUMN IF EXISTS sourced_id`,
    ];
    for (const sql of statements) {
      await q.query(sql);
    }
  }
}

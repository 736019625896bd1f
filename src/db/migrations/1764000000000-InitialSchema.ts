import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  public async up(q: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE institution (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        slug text NOT NULL UNIQUE,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now())`,
      // The embedded default and single-school deployments work in this institution.
      `INSERT INTO institution (slug, name) VALUES ('default', 'Default institution')`,
      `CREATE TABLE course (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        institution_id uuid NOT NULL REFERENCES institution(id) ON DELETE CASCADE,
        code text NOT NULL,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now())`,
      `CREATE UNIQUE INDEX course_institution_code ON course (institution_id, code)`,
      `CREATE TABLE student (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        institution_id uuid NOT NULL REFERENCES institution(id) ON DELETE CASCADE,
        external_id text NOT NULL,
        name text NOT NULL,
        email text,
        consent_given_at timestamptz,
        consent_recorded_by text,
        created_at timestamptz NOT NULL DEFAULT now())`,
      `CREATE UNIQUE INDEX student_institution_external_id ON student (institution_id, external_id)`,
      `CREATE TABLE course_enrollment (
        course_id uuid NOT NULL REFERENCES course(id) ON DELETE CASCADE,
        student_id uuid NOT NULL REFERENCES student(id) ON DELETE CASCADE,
        enrolled_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (course_id, student_id))`,
      `CREATE INDEX course_enrollment_student ON course_enrollment (student_id)`,
      `CREATE TABLE face_sample (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        student_id uuid NOT NULL REFERENCES student(id) ON DELETE CASCADE,
        source text NOT NULL,
        thumbnail_key text NOT NULL,
        photo_hash text NOT NULL,
        box jsonb NOT NULL,
        quality real NOT NULL,
        detection_score real NOT NULL,
        embedding real[] NOT NULL,
        model text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now())`,
      `CREATE INDEX face_sample_student ON face_sample (student_id)`,
      `CREATE TABLE attendance_session (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        course_id uuid NOT NULL REFERENCES course(id) ON DELETE CASCADE,
        opened_at timestamptz NOT NULL,
        closed_at timestamptz,
        late_after timestamptz NOT NULL)`,
      `CREATE INDEX attendance_session_course ON attendance_session (course_id, opened_at)`,
      `CREATE TABLE submitted_photo (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        session_id uuid NOT NULL REFERENCES attendance_session(id) ON DELETE CASCADE,
        content_hash text NOT NULL,
        storage_key text NOT NULL,
        status text NOT NULL,
        error_code text,
        error_message text,
        width int,
        height int,
        backend text,
        processing_ms int,
        submitted_at timestamptz NOT NULL DEFAULT now(),
        processed_at timestamptz)`,
      `CREATE UNIQUE INDEX submitted_photo_session_hash ON submitted_photo (session_id, content_hash)`,
      // A face belongs to whoever it was matched to (or proposed as): deleting that student deletes it.
      `CREATE TABLE photo_face (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        photo_id uuid NOT NULL REFERENCES submitted_photo(id) ON DELETE CASCADE,
        session_id uuid NOT NULL REFERENCES attendance_session(id) ON DELETE CASCADE,
        box jsonb NOT NULL,
        detection_score real NOT NULL,
        quality real NOT NULL,
        student_id uuid REFERENCES student(id) ON DELETE CASCADE,
        candidate_student_id uuid REFERENCES student(id) ON DELETE CASCADE,
        confidence real,
        distance real,
        decision text NOT NULL,
        review_status text NOT NULL DEFAULT 'NONE',
        thumbnail_key text NOT NULL,
        embedding real[] NOT NULL,
        model text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now())`,
      `CREATE INDEX photo_face_photo ON photo_face (photo_id)`,
      `CREATE INDEX photo_face_session_decision ON photo_face (session_id, decision)`,
      `CREATE TABLE attendance_record (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        session_id uuid NOT NULL REFERENCES attendance_session(id) ON DELETE CASCADE,
        student_id uuid NOT NULL REFERENCES student(id) ON DELETE CASCADE,
        status text NOT NULL,
        confidence real,
        first_seen_at timestamptz,
        photo_id uuid REFERENCES submitted_photo(id) ON DELETE SET NULL,
        face_id uuid REFERENCES photo_face(id) ON DELETE SET NULL,
        source text NOT NULL,
        note text,
        updated_at timestamptz NOT NULL DEFAULT now())`,
      `CREATE UNIQUE INDEX attendance_record_session_student ON attendance_record (session_id, student_id)`,
      `CREATE INDEX attendance_record_student ON attendance_record (student_id)`,
    ];
    for (const sql of statements) {
      await q.query(sql);
    }
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'attendance_record',
      'photo_face',
      'submitted_photo',
      'attendance_session',
      'face_sample',
      'course_enrollment',
      'student',
      'course',
      'institution',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}

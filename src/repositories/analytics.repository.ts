import type { DataSource } from 'typeorm';

// Read-only aggregates for analytics, forecasts and alert rules. Plain SQL that PostgreSQL and PGlite
// both run (FILTER, window functions, date_trunc). Only closed sessions count: an open session has
// no ABSENT records yet, so it would inflate every rate. Every query is scoped to an institution.

export type Granularity = 'SESSION' | 'WEEK';

export interface StatusCounts {
  sessions: number;
  present: number;
  late: number;
  absent: number;
  excused: number;
}

export interface CourseCounts extends StatusCounts {
  courseId: string;
  courseCode: string;
  courseName: string;
}

export interface StudentCounts extends StatusCounts {
  studentId: string;
  externalId: string;
  studentName: string;
  courseId: string;
  courseCode: string;
}

export interface PeriodCounts extends StatusCounts {
  periodStart: Date;
  sessionId: string | null;
}

export interface StreakRow {
  courseId: string;
  courseCode: string;
  studentId: string;
  externalId: string;
  studentName: string;
  streak: number;
  lastAbsentAt: Date | null;
}

export interface QualityCounts {
  periodStart: Date;
  sessionId: string | null;
  autoMarked: number;
  reviewConfirmed: number;
  manuallyCorrected: number;
  facesAccepted: number;
  facesReview: number;
  facesUnknown: number;
  facesConfirmed: number;
  facesDismissed: number;
  facesPending: number;
}

export interface SessionSeriesRow {
  sessionId: string;
  openedAt: Date;
  attended: number;
  counted: number;
}

/** Which attendance a figure covers; absent fields do not narrow. */
export interface AnalyticsFilter {
  courseId?: string | null;
  studentId?: string | null;
  from?: Date | null;
  to?: Date | null;
}

const n = (v: unknown) => Number(v ?? 0);
const str = (v: unknown): string =>
  typeof v === 'string' ? v : v instanceof Date ? v.toISOString() : JSON.stringify(v);
const d = (v: unknown) => (v instanceof Date ? v : new Date(String(v)));
const iso = (v: Date | null | undefined) => v?.toISOString() ?? null;

/** The closed sessions of an institution, narrowed by course, student and time; params $1..$5. */
const SCOPED_RECORDS = `
  FROM attendance_record r
  JOIN attendance_session s ON s.id = r.session_id
  JOIN course c ON c.id = s.course_id
  WHERE c.institution_id = $1
    AND s.closed_at IS NOT NULL
    AND ($2::uuid IS NULL OR s.course_id = $2::uuid)
    AND ($3::uuid IS NULL OR r.student_id = $3::uuid)
    AND ($4::timestamptz IS NULL OR s.opened_at >= $4::timestamptz)
    AND ($5::timestamptz IS NULL OR s.opened_at < $5::timestamptz)`;

const COUNTS = `
  COUNT(DISTINCT s.id) AS sessions,
  COUNT(*) FILTER (WHERE r.status = 'PRESENT') AS present,
  COUNT(*) FILTER (WHERE r.status = 'LATE') AS late,
  COUNT(*) FILTER (WHERE r.status = 'ABSENT') AS absent,
  COUNT(*) FILTER (WHERE r.status = 'EXCUSED') AS excused`;

type Row = Record<string, unknown>;

function counts(row: Row): StatusCounts {
  return {
    sessions: n(row.sessions),
    present: n(row.present),
    late: n(row.late),
    absent: n(row.absent),
    excused: n(row.excused),
  };
}

/** Monday-based UTC weeks, whatever the server's TimeZone setting. */
const WEEK = `(date_trunc('week', s.opened_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')`;

export class AnalyticsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private params(institutionId: string, filter: AnalyticsFilter): unknown[] {
    return [
      institutionId,
      filter.courseId ?? null,
      filter.studentId ?? null,
      iso(filter.from),
      iso(filter.to),
    ];
  }

  async byCourse(institutionId: string, filter: AnalyticsFilter): Promise<CourseCounts[]> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT s.course_id, c.code, c.name, ${COUNTS} ${SCOPED_RECORDS}
       GROUP BY s.course_id, c.code, c.name ORDER BY c.code`,
      this.params(institutionId, filter),
    );
    return rows.map((r) => ({
      ...counts(r),
      courseId: str(r.course_id),
      courseCode: str(r.code),
      courseName: str(r.name),
    }));
  }

  async byStudent(institutionId: string, filter: AnalyticsFilter): Promise<StudentCounts[]> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT r.student_id, st.external_id, st.name, s.course_id, c.code, ${COUNTS} ${SCOPED_RECORDS.replace(
        'JOIN course c',
        'JOIN student st ON st.id = r.student_id JOIN course c',
      )}
       GROUP BY r.student_id, st.external_id, st.name, s.course_id, c.code
       ORDER BY c.code, st.external_id`,
      this.params(institutionId, filter),
    );
    return rows.map((r) => ({
      ...counts(r),
      studentId: str(r.student_id),
      externalId: str(r.external_id),
      studentName: str(r.name),
      courseId: str(r.course_id),
      courseCode: str(r.code),
    }));
  }

  async overTime(
    institutionId: string,
    filter: AnalyticsFilter,
    granularity: Granularity,
  ): Promise<PeriodCounts[]> {
    const [period, sessionCol, group] =
      granularity === 'SESSION' ? ['s.opened_at', 's.id', 's.id, s.opened_at'] : [WEEK, 'NULL::uuid', WEEK];
    const rows: Row[] = await this.dataSource.query(
      `SELECT ${period} AS period_start, ${sessionCol} AS session_id, ${COUNTS} ${SCOPED_RECORDS}
       GROUP BY ${group} ORDER BY period_start`,
      this.params(institutionId, filter),
    );
    return rows.map((r) => ({
      ...counts(r),
      periodStart: d(r.period_start),
      sessionId: r.session_id ? str(r.session_id) : null,
    }));
  }

  /**
   * Each student's current run of consecutive ABSENT sessions per course, most recent first.
   * EXCUSED sessions are skipped: they neither break nor extend a run.
   */
  async absenceStreaks(
    institutionId: string,
    filter: AnalyticsFilter,
    minStreak: number,
  ): Promise<StreakRow[]> {
    const rows: Row[] = await this.dataSource.query(
      `WITH ordered AS (
         SELECT s.course_id, r.student_id, r.status, s.opened_at,
                ROW_NUMBER() OVER (PARTITION BY s.course_id, r.student_id ORDER BY s.opened_at DESC) AS rn
         ${SCOPED_RECORDS} AND r.status <> 'EXCUSED'
       ), streaks AS (
         SELECT course_id, student_id,
                COALESCE(MIN(rn) FILTER (WHERE status <> 'ABSENT') - 1, COUNT(*)) AS streak,
                MAX(opened_at) FILTER (WHERE status = 'ABSENT') AS last_absent_at
         FROM ordered GROUP BY course_id, student_id
       )
       SELECT k.course_id, c.code, k.student_id, st.external_id, st.name, k.streak, k.last_absent_at
       FROM streaks k
       JOIN course c ON c.id = k.course_id
       JOIN student st ON st.id = k.student_id
       WHERE k.streak >= $6
       ORDER BY k.streak DESC, c.code, st.external_id`,
      [...this.params(institutionId, filter), minStreak],
    );
    return rows.map((r) => ({
      courseId: str(r.course_id),
      courseCode: str(r.code),
      studentId: str(r.student_id),
      externalId: str(r.external_id),
      studentName: str(r.name),
      streak: n(r.streak),
      lastAbsentAt: r.last_absent_at ? d(r.last_absent_at) : null,
    }));
  }

  /**
   * How attendance was decided, per period. Records: AUTO present/late = recognised automatically;
   * MANUAL through a CONFIRMED face = a teacher confirmed a doubtful face; any other MANUAL mark =
   * a teacher set or corrected it by hand. Automatic ABSENT marks (session close) are not decisions.
   * Faces: the matcher's decisions and the review outcomes.
   */
  async recognitionQuality(
    institutionId: string,
    filter: AnalyticsFilter,
    granularity: Granularity,
  ): Promise<QualityCounts[]> {
    const [period, sessionCol, group] =
      granularity === 'SESSION' ? ['s.opened_at', 's.id', 's.id, s.opened_at'] : [WEEK, 'NULL::uuid', WEEK];
    const params = [institutionId, filter.courseId ?? null, iso(filter.from), iso(filter.to)];
    const sessionFilter = `c.institution_id = $1 AND s.closed_at IS NOT NULL
      AND ($2::uuid IS NULL OR s.course_id = $2::uuid)
      AND ($3::timestamptz IS NULL OR s.opened_at >= $3::timestamptz)
      AND ($4::timestamptz IS NULL OR s.opened_at < $4::timestamptz)`;
    const records: Row[] = await this.dataSource.query(
      `SELECT ${period} AS period_start, ${sessionCol} AS session_id,
         COUNT(*) FILTER (WHERE r.source = 'AUTO' AND r.status IN ('PRESENT', 'LATE')) AS auto_marked,
         COUNT(*) FILTER (WHERE r.source IN ('MANUAL', 'CONFIRMED') AND pf.review_status = 'CONFIRMED') AS review_confirmed,
         COUNT(*) FILTER (WHERE r.source = 'MANUAL' AND (pf.id IS NULL OR pf.review_status <> 'CONFIRMED'))
           AS manually_corrected
       FROM attendance_record r
       JOIN attendance_session s ON s.id = r.session_id
       JOIN course c ON c.id = s.course_id
       LEFT JOIN photo_face pf ON pf.id = r.face_id
       WHERE ${sessionFilter}
       GROUP BY ${group} ORDER BY period_start`,
      params,
    );
    const faces: Row[] = await this.dataSource.query(
      `SELECT ${period} AS period_start, ${sessionCol} AS session_id,
         COUNT(*) FILTER (WHERE f.decision = 'ACCEPT') AS accepted,
         COUNT(*) FILTER (WHERE f.decision = 'REVIEW') AS review,
         COUNT(*) FILTER (WHERE f.decision = 'UNKNOWN') AS unknown,
         COUNT(*) FILTER (WHERE f.review_status = 'CONFIRMED') AS confirmed,
         COUNT(*) FILTER (WHERE f.review_status = 'DISMISSED') AS dismissed,
         COUNT(*) FILTER (WHERE f.review_status = 'PENDING') AS pending
       FROM photo_face f
       JOIN attendance_session s ON s.id = f.session_id
       JOIN course c ON c.id = s.course_id
       WHERE ${sessionFilter}
       GROUP BY ${group} ORDER BY period_start`,
      params,
    );
    const key = (r: Row) => `${d(r.period_start).toISOString()}|${str(r.session_id ?? '')}`;
    const merged = new Map<string, QualityCounts>();
    const entry = (r: Row): QualityCounts => {
      let q = merged.get(key(r));
      if (!q) {
        q = {
          periodStart: d(r.period_start),
          sessionId: r.session_id ? str(r.session_id) : null,
          autoMarked: 0,
          reviewConfirmed: 0,
          manuallyCorrected: 0,
          facesAccepted: 0,
          facesReview: 0,
          facesUnknown: 0,
          facesConfirmed: 0,
          facesDismissed: 0,
          facesPending: 0,
        };
        merged.set(key(r), q);
      }
      return q;
    };
    for (const r of records) {
      Object.assign(entry(r), {
        autoMarked: n(r.auto_marked),
        reviewConfirmed: n(r.review_confirmed),
        manuallyCorrected: n(r.manually_corrected),
      });
    }
    for (const r of faces) {
      Object.assign(entry(r), {
        facesAccepted: n(r.accepted),
        facesReview: n(r.review),
        facesUnknown: n(r.unknown),
        facesConfirmed: n(r.confirmed),
        facesDismissed: n(r.dismissed),
        facesPending: n(r.pending),
      });
    }
    return [...merged.values()].sort((a, b) => a.periodStart.getTime() - b.periodStart.getTime());
  }

  /** Per closed session of a course, oldest first: attended (present + late) and counted (+ absent). */
  async sessionSeries(institutionId: string, courseId: string): Promise<SessionSeriesRow[]> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT s.id, s.opened_at,
         COUNT(r.id) FILTER (WHERE r.status IN ('PRESENT', 'LATE')) AS attended,
         COUNT(r.id) FILTER (WHERE r.status IN ('PRESENT', 'LATE', 'ABSENT')) AS counted
       FROM attendance_session s
       JOIN course c ON c.id = s.course_id
       LEFT JOIN attendance_record r ON r.session_id = s.id
       WHERE c.institution_id = $1 AND s.course_id = $2 AND s.closed_at IS NOT NULL
       GROUP BY s.id, s.opened_at ORDER BY s.opened_at`,
      [institutionId, courseId],
    );
    return rows.map((r) => ({
      sessionId: str(r.id),
      openedAt: d(r.opened_at),
      attended: n(r.attended),
      counted: n(r.counted),
    }));
  }

  async enrolledCount(institutionId: string, courseId: string): Promise<number> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT COUNT(*) AS n FROM course_enrollment e JOIN course c ON c.id = e.course_id
       WHERE c.institution_id = $1 AND e.course_id = $2`,
      [institutionId, courseId],
    );
    return n(rows[0]?.n);
  }

  async courseExists(institutionId: string, courseId: string): Promise<boolean> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT 1 FROM course WHERE id = $2 AND institution_id = $1`,
      [institutionId, courseId],
    );
    return rows.length > 0;
  }

  async studentExists(institutionId: string, studentId: string): Promise<boolean> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT 1 FROM student WHERE id = $2 AND institution_id = $1`,
      [institutionId, studentId],
    );
    return rows.length > 0;
  }

  /** Photos submitted per UTC hour in [from, to) (hours with none are absent). */
  async photosPerHour(
    institutionId: string,
    from: Date,
    to: Date,
  ): Promise<{ hour: Date; photos: number }[]> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT (date_trunc('hour', p.submitted_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC') AS hour,
              COUNT(*) AS photos
       FROM submitted_photo p
       JOIN attendance_session s ON s.id = p.session_id
       JOIN course c ON c.id = s.course_id
       WHERE c.institution_id = $1 AND p.submitted_at >= $2 AND p.submitted_at < $3
       GROUP BY 1 ORDER BY 1`,
      [institutionId, from.toISOString(), to.toISOString()],
    );
    return rows.map((r) => ({ hour: d(r.hour), photos: n(r.photos) }));
  }

  /** Mean worker time per processed photo, ms (null without history). */
  async meanProcessingMs(institutionId: string, from: Date, to: Date): Promise<number | null> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT AVG(p.processing_ms) AS ms
       FROM submitted_photo p
       JOIN attendance_session s ON s.id = p.session_id
       JOIN course c ON c.id = s.course_id
       WHERE c.institution_id = $1 AND p.processing_ms IS NOT NULL
         AND p.submitted_at >= $2 AND p.submitted_at < $3`,
      [institutionId, from.toISOString(), to.toISOString()],
    );
    const ms = rows[0]?.ms;
    return ms === null || ms === undefined ? null : Number(ms);
  }

  /** Institutions that have at least one closed session (the absence-streak rule visits these). */
  async activeInstitutions(): Promise<string[]> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT DISTINCT c.institution_id FROM attendance_session s JOIN course c ON c.id = s.course_id
       WHERE s.closed_at IS NOT NULL`,
    );
    return rows.map((r) => str(r.institution_id));
  }
}

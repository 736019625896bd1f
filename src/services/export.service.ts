import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { DataSource } from 'typeorm';
import { CourseAction } from '../auth/access';
import type { Viewer } from '../auth/viewer';
import type { AttendanceService } from './attendance.service';
import type { CourseService } from './course.service';
import { DomainError, ErrorCode } from './domain-error';

export type ExportFormat = 'csv' | 'json' | 'oneroster';

export interface ExportQuery {
  sessionId?: string;
  courseId?: string;
  /** Sessions opened on or after this day (YYYY-MM-DD, UTC). */
  from?: string;
  /** Sessions opened on or before this day. */
  to?: string;
  format: ExportFormat;
}

/** One exported attendance record (the documented JSON row). */
export interface ExportRow {
  sessionId: string;
  sessionOpenedAt: string;
  sessionClosedAt: string | null;
  courseId: string;
  courseCode: string;
  courseSourcedId: string | null;
  studentId: string;
  studentExternalId: string;
  studentSourcedId: string | null;
  studentName: string;
  status: string;
  firstSeenAt: string | null;
  source: string;
  confidence: number | null;
  note: string | null;
  updatedAt: string;
}

const CSV_COLUMNS: (keyof ExportRow)[] = [
  'sessionId',
  'sessionOpenedAt',
  'sessionClosedAt',
  'courseId',
  'courseCode',
  'courseSourcedId',
  'studentId',
  'studentExternalId',
  'studentSourcedId',
  'studentName',
  'status',
  'firstSeenAt',
  'source',
  'confidence',
  'note',
  'updatedAt',
];

/** OneRoster results.csv columns: a session is a lineItem, a record a result. */
const ONEROSTER_COLUMNS = [
  'sourcedId',
  'status',
  'dateLastModified',
  'lineItemSourcedId',
  'studentSourcedId',
  'scoreStatus',
  'score',
  'scoreDate',
  'comment',
];
const SCORE: Record<string, number | null> = { PRESENT: 1, LATE: 0.5, ABSENT: 0, EXCUSED: null };

export const toOneRosterResult = (r: ExportRow): Record<string, string | number> => ({
  sourcedId: `rollcall-${r.sessionId}-${r.studentId}`,
  status: 'active',
  dateLastModified: r.updatedAt,
  lineItemSourcedId: `rollcall-session-${r.sessionId}`,
  studentSourcedId: r.studentSourcedId ?? r.studentExternalId,
  scoreStatus: SCORE[r.status] === null ? 'exempt' : 'fully graded',
  score: SCORE[r.status] ?? '',
  scoreDate: r.sessionOpenedAt.slice(0, 10),
  comment: r.note ? `${r.status}: ${r.note}` : r.status,
});

const BATCH = 1_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Attendance exports, streamed in batches so a year of a large course never sits in memory. */
export class ExportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly courses: CourseService,
    private readonly sessions: AttendanceService,
  ) {}

  /** Checks access and arguments; returns the SQL filter. Throws DomainErrors (the route maps them). */
  async authorize(viewer: Viewer, q: ExportQuery): Promise<{ where: string; params: unknown[] }> {
    for (const [field, value] of [
      ['from', q.from],
      ['to', q.to],
    ] as const) {
      if (value !== undefined && !DAY.test(value)) {
        throw new DomainError(ErrorCode.BAD_USER_INPUT, `${field} must be a date (YYYY-MM-DD)`, { field });
      }
    }
    if (q.sessionId) {
      const session = await this.sessions.get(viewer, q.sessionId, CourseAction.READ);
      return { where: 's.id = $1', params: [session.id] };
    }
    if (!q.courseId) {
      throw new DomainError(ErrorCode.BAD_USER_INPUT, 'Give sessionId, or courseId (with from/to)', {
        field: 'courseId',
      });
    }
    const course = await this.courses.get(viewer, q.courseId, CourseAction.READ);
    const params: unknown[] = [course.id];
    let where = 's.course_id = $1';
    if (q.from) {
      params.push(`${q.from}T00:00:00Z`);
      where += ` AND s.opened_at >= $${params.length}::timestamptz`;
    }
    if (q.to) {
      params.push(`${q.to}T00:00:00Z`);
      where += ` AND s.opened_at < $${params.length}::timestamptz + interval '1 day'`;
    }
    return { where, params };
  }

  async *rows(filter: { where: string; params: unknown[] }): AsyncIterable<ExportRow> {
    for (let offset = 0; ; offset += BATCH) {
      const batch = await this.dataSource.query<Record<string, unknown>[]>(
        `SELECT s.id AS session_id, s.opened_at, s.closed_at, c.id AS course_id, c.code, c.sourced_id AS course_sid,
                st.id AS student_id, st.external_id, st.sourced_id AS student_sid, st.name, r.status, r.first_seen_at,
                r.source, r.confidence, r.note, r.updated_at
           FROM attendance_record r
           JOIN attendance_session s ON s.id = r.session_id
           JOIN course c ON c.id = s.course_id
           JOIN student st ON st.id = r.student_id
          WHERE ${filter.where}
          ORDER BY s.opened_at, s.id, st.external_id, r.id
          LIMIT ${BATCH} OFFSET ${offset}`,
        filter.params,
      );
      for (const r of batch) {
        const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);
        yield {
          sessionId: r.session_id as string,
          sessionOpenedAt: iso(r.opened_at) as string,
          sessionClosedAt: iso(r.closed_at),
          courseId: r.course_id as string,
          courseCode: r.code as string,
          courseSourcedId: (r.course_sid as string | null) ?? null,
          studentId: r.student_id as string,
          studentExternalId: r.external_id as string,
          studentSourcedId: (r.student_sid as string | null) ?? null,
          studentName: r.name as string,
          status: r.status as string,
          firstSeenAt: iso(r.first_seen_at),
          source: r.source as string,
          confidence: r.confidence === null ? null : Number(r.confidence),
          note: (r.note as string | null) ?? null,
          updatedAt: iso(r.updated_at) as string,
        };
      }
      if (batch.length < BATCH) {
        return;
      }
    }
  }

  /** Writes the export to `out`, respecting back-pressure. */
  async write(
    filter: { where: string; params: unknown[] },
    format: ExportFormat,
    out: Writable,
  ): Promise<void> {
    if (format === 'json') {
      await writeChunk(out, '{"format":"rollcall.attendance.v1","rows":[');
      let first = true;
      for await (const row of this.rows(filter)) {
        await writeChunk(out, `${first ? '' : ','}\n${JSON.stringify(row)}`);
        first = false;
      }
      await writeChunk(out, '\n]}\n');
      out.end();
      return;
    }
    const csv = stringify({
      header: true,
      columns: format === 'csv' ? CSV_COLUMNS : ONEROSTER_COLUMNS,
      cast: { boolean: (b) => String(b) },
    });
    csv.pipe(out);
    for await (const row of this.rows(filter)) {
      const record = format === 'csv' ? row : toOneRosterResult(row);
      if (!csv.write(record)) {
        await new Promise((r) => csv.once('drain', r));
      }
    }
    csv.end();
    await new Promise((r) => out.once('finish', r));
  }
}

function writeChunk(out: Writable, chunk: string): Promise<void> {
  return out.write(chunk) ? Promise.resolve() : new Promise((r) => out.once('drain', () => r()));
}

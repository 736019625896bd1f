import { IsNull, type DataSource } from 'typeorm';
import { assertCourse, canOnCourse, CourseAction, requireAuthenticated } from '../auth/access';
import type { Viewer } from '../auth/viewer';
import { AttendanceRecord, AttendanceStatus, MarkSource } from '../entities/attendance-record.entity';
import { AttendanceSession } from '../entities/attendance-session.entity';
import { CourseEnrollment } from '../entities/course-enrollment.entity';
import { Course } from '../entities/course.entity';
import { SessionActionKind } from '../entities/session-action.entity';
import { Student } from '../entities/student.entity';
import type { AppPubSub } from '../pubsub';
import { Topic } from '../pubsub';
import type { AttendanceRepository } from '../repositories/attendance.repository';
import type { CourseService } from './course.service';
import { assertId, DomainError, ErrorCode, notFound } from './domain-error';
import type { Page, PageRequest } from './page';
import { logAction, snapshot } from './session-actions';

export function toAttendanceEvent(r: AttendanceRecord) {
  return {
    id: r.id,
    sessionId: r.sessionId,
    studentId: r.studentId,
    status: r.status,
    confidence: r.confidence,
    firstSeenAt: r.firstSeenAt?.toISOString() ?? null,
    photoId: r.photoId,
    faceId: r.faceId,
    source: r.source,
    note: r.note,
    updatedAt: r.updatedAt.toISOString(),
  };
}

export function toSessionEvent(s: AttendanceSession) {
  return {
    sessionId: s.id,
    courseId: s.courseId,
    state: s.closedAt ? ('CLOSED' as const) : ('OPENED' as const),
    openedAt: s.openedAt.toISOString(),
    closedAt: s.closedAt?.toISOString() ?? null,
    lateAfter: s.lateAfter.toISOString(),
    slotId: s.slotId ?? null,
    scheduledStart: s.scheduledStart?.toISOString() ?? null,
    scheduledEnd: s.scheduledEnd?.toISOString() ?? null,
  };
}

export class AttendanceService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly courses: CourseService,
    private readonly attendance: AttendanceRepository,
    private readonly pubsub: AppPubSub,
    private readonly defaultLateAfterMinutes: number,
  ) {}

  async start(
    viewer: Viewer,
    courseId: string,
    lateAfterMinutes?: number | null,
  ): Promise<AttendanceSession> {
    const course = await this.courses.get(viewer, courseId, CourseAction.MANAGE);
    const openedAt = new Date();
    const minutes = lateAfterMinutes ?? this.defaultLateAfterMinutes;
    const repo = this.dataSource.getRepository(AttendanceSession);
    const session = await repo.save(
      repo.create({
        courseId: course.id,
        openedAt,
        closedAt: null,
        lateAfter: new Date(openedAt.getTime() + minutes * 60_000),
      }),
    );
    await this.pubsub.emit(Topic.SessionChanged, session.courseId, toSessionEvent(session));
    return session;
  }

  /** Closes a session; every enrolled student not seen is recorded ABSENT. */
  async close(viewer: Viewer, sessionId: string): Promise<AttendanceSession> {
    const session = await this.get(viewer, sessionId, CourseAction.MANAGE);
    if (session.closedAt) {
      throw new DomainError(ErrorCode.SESSION_CLOSED, 'The session is already closed');
    }
    const absent = await this.dataSource.transaction(async (m) => {
      // The conditional update makes two concurrent closes safe: only one wins.
      const result = await m.update(
        AttendanceSession,
        { id: session.id, closedAt: IsNull() },
        { closedAt: new Date() },
      );
      if (!result.affected) {
        throw new DomainError(ErrorCode.SESSION_CLOSED, 'The session is already closed');
      }
      return this.attendance.markRestAbsent(m, session.id, session.courseId);
    });
    await Promise.all(
      absent.map((r) => this.pubsub.emit(Topic.AttendanceMarked, r.sessionId, toAttendanceEvent(r))),
    );
    const closed = await this.dataSource.getRepository(AttendanceSession).findOneByOrFail({ id: session.id });
    await this.pubsub.emit(Topic.SessionChanged, closed.courseId, toSessionEvent(closed));
    return closed;
  }

  /** The session, when the viewer may perform `action` on its course. */
  async get(viewer: Viewer, sessionId: string, action = CourseAction.READ): Promise<AttendanceSession> {
    const v = requireAuthenticated(viewer);
    assertId('AttendanceSession', sessionId);
    const session = await this.dataSource.getRepository(AttendanceSession).findOneBy({ id: sessionId });
    const course = session
      ? await this.dataSource
          .getRepository(Course)
          .findOneBy({ id: session.courseId, institutionId: v.institutionId })
      : null;
    if (!session || !course) {
      throw notFound('AttendanceSession', sessionId);
    }
    assertCourse(v, course, action);
    return session;
  }

  /** A session's live events: photo progress needs FOLLOW_PHOTOS on the course, marks only READ. */
  async follow(viewer: Viewer, topic: Topic, sessionId: string): Promise<AsyncIterable<unknown>> {
    const action = topic === Topic.PhotoProcessed ? CourseAction.FOLLOW_PHOTOS : CourseAction.READ;
    const session = await this.get(viewer, sessionId, action);
    return this.pubsub.subscribe(topic, session.id);
  }

  async getOpen(viewer: Viewer, sessionId: string, action: CourseAction): Promise<AttendanceSession> {
    const session = await this.get(viewer, sessionId, action);
    if (session.closedAt) {
      throw new DomainError(
        ErrorCode.SESSION_CLOSED,
        'The session is closed; start a new one to take attendance',
      );
    }
    return session;
  }

  async listByCourse(viewer: Viewer, courseId: string, page: PageRequest): Promise<Page<AttendanceSession>> {
    const course = await this.courses.get(viewer, courseId);
    const [items, total] = await this.dataSource.getRepository(AttendanceSession).findAndCount({
      where: { courseId: course.id },
      order: { openedAt: 'DESC' },
      skip: page.skip,
      take: page.take,
    });
    return { items, total, hasMore: page.skip + items.length < total };
  }

  records(sessionId: string): Promise<AttendanceRecord[]> {
    return this.dataSource
      .getRepository(AttendanceRecord)
      .find({ where: { sessionId }, order: { firstSeenAt: 'ASC', id: 'ASC' } });
  }

  /** A teacher's decision; it is never overridden by recognition. Undoable. */
  async mark(
    viewer: Viewer,
    input: { sessionId: string; studentId: string; status: AttendanceStatus; note?: string | null },
  ): Promise<AttendanceRecord> {
    const session = await this.get(viewer, input.sessionId, CourseAction.MANAGE);
    const actor = requireAuthenticated(viewer);
    assertId('Student', input.studentId);
    const enrolled = await this.dataSource
      .getRepository(CourseEnrollment)
      .existsBy({ courseId: session.courseId, studentId: input.studentId });
    if (!enrolled) {
      throw new DomainError(ErrorCode.BAD_USER_INPUT, 'The student is not enrolled in this course', {
        field: 'studentId',
      });
    }
    const student = await this.dataSource.getRepository(Student).findOneByOrFail({ id: input.studentId });
    const note = input.note?.trim() ? input.note.trim() : null;
    const record = await this.dataSource.transaction(async (m) => {
      const existing = await m.findOneBy(AttendanceRecord, {
        sessionId: session.id,
        studentId: input.studentId,
      });
      const seen = input.status === AttendanceStatus.PRESENT || input.status === AttendanceStatus.LATE;
      const saved = await m.save(
        m.create(AttendanceRecord, {
          ...existing,
          sessionId: session.id,
          studentId: input.studentId,
          status: input.status,
          source: MarkSource.MANUAL,
          note,
          confidence: existing?.confidence ?? null,
          firstSeenAt: seen ? (existing?.firstSeenAt ?? new Date()) : (existing?.firstSeenAt ?? null),
          photoId: existing?.photoId ?? null,
          faceId: existing?.faceId ?? null,
        }),
      );
      await logAction(m, actor, session.id, `Marked ${student.name} ${input.status.toLowerCase()}`, {
        kind: SessionActionKind.MARK,
        studentId: input.studentId,
        recordBefore: existing ? snapshot(existing) : null,
        recordAfter: snapshot(saved),
      });
      return saved;
    });
    await this.pubsub.emit(Topic.AttendanceMarked, record.sessionId, toAttendanceEvent(record));
    return record;
  }

  /**
   * "Everyone not seen is absent", before the session closes. Recognition can still upgrade these
   * marks when a student turns up in a later photo. Undoable; returns the new records.
   */
  async markRestAbsent(viewer: Viewer, sessionId: string): Promise<AttendanceRecord[]> {
    const session = await this.get(viewer, sessionId, CourseAction.MANAGE);
    const actor = requireAuthenticated(viewer);
    const absent = await this.dataSource.transaction(async (m) => {
      const rows = await this.attendance.markRestAbsent(m, session.id, session.courseId);
      if (rows.length > 0) {
        await logAction(
          m,
          actor,
          session.id,
          `Marked ${rows.length} student${rows.length === 1 ? '' : 's'} not seen absent`,
          { kind: SessionActionKind.MARK_REST_ABSENT, recordIds: rows.map((r) => r.id) },
        );
      }
      return rows;
    });
    await Promise.all(
      absent.map((r) => this.pubsub.emit(Topic.AttendanceMarked, r.sessionId, toAttendanceEvent(r))),
    );
    return absent;
  }

  /**
   * A student's marks, newest first, in the sessions of courses the viewer may read (the caller has
   * authorised the student).
   */
  async history(viewer: Viewer, studentId: string, take = 200): Promise<StudentHistoryRow[]> {
    const v = requireAuthenticated(viewer);
    const rows: RawHistoryRow[] = await this.dataSource.query(
      `SELECT r.session_id, r.status, r.source, r.note, r.first_seen_at, s.opened_at,
              c.id AS course_id, c.code AS course_code, c.teacher_id, c.institution_id
         FROM attendance_record r
         JOIN attendance_session s ON s.id = r.session_id
         JOIN course c ON c.id = s.course_id
        WHERE r.student_id = $1 AND c.institution_id = $2
        ORDER BY s.opened_at DESC
        LIMIT $3`,
      [studentId, v.institutionId, Math.min(Math.max(take, 1), 500)],
    );
    return rows
      .filter((r) =>
        canOnCourse(
          v,
          { id: r.course_id, teacherId: r.teacher_id, institutionId: r.institution_id },
          CourseAction.READ,
        ),
      )
      .map((r) => ({
        sessionId: r.session_id,
        courseId: r.course_id,
        courseCode: r.course_code,
        openedAt: new Date(r.opened_at),
        status: r.status as AttendanceStatus,
        source: r.source as MarkSource,
        note: r.note,
        firstSeenAt: r.first_seen_at ? new Date(r.first_seen_at) : null,
      }));
  }
}

interface RawHistoryRow {
  session_id: string;
  status: string;
  source: string;
  note: string | null;
  first_seen_at: string | Date | null;
  opened_at: string | Date;
  course_id: string;
  course_code: string;
  teacher_id: string | null;
  institution_id: string;
}

export interface StudentHistoryRow {
  sessionId: string;
  courseId: string;
  courseCode: string;
  openedAt: Date;
  status: AttendanceStatus;
  source: MarkSource;
  note: string | null;
  firstSeenAt: Date | null;
}

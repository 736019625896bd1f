import { IsNull, type DataSource } from 'typeorm';
import { assertCourse, CourseAction, requireAuthenticated } from '../auth/access';
import type { Viewer } from '../auth/viewer';
import { AttendanceRecord, AttendanceStatus, MarkSource } from '../entities/attendance-record.entity';
import { AttendanceSession } from '../entities/attendance-session.entity';
import { CourseEnrollment } from '../entities/course-enrollment.entity';
import { Course } from '../entities/course.entity';
import type { AppPubSub } from '../pubsub';
import { Topic } from '../pubsub';
import type { AttendanceRepository } from '../repositories/attendance.repository';
import type { CourseService } from './course.service';
import { assertId, DomainError, ErrorCode, notFound } from './domain-error';
import type { Page, PageRequest } from './page';

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

  /** A teacher's decision; it is never overridden by recognition. */
  async mark(
    viewer: Viewer,
    input: { sessionId: string; studentId: string; status: AttendanceStatus; note?: string | null },
  ): Promise<AttendanceRecord> {
    const session = await this.get(viewer, input.sessionId, CourseAction.MANAGE);
    assertId('Student', input.studentId);
    const enrolled = await this.dataSource
      .getRepository(CourseEnrollment)
      .existsBy({ courseId: session.courseId, studentId: input.studentId });
    if (!enrolled) {
      throw new DomainError(ErrorCode.BAD_USER_INPUT, 'The student is not enrolled in this course', {
        field: 'studentId',
      });
    }
    const record = await this.dataSource.transaction(async (m) => {
      const existing = await m.findOneBy(AttendanceRecord, {
        sessionId: session.id,
        studentId: input.studentId,
      });
      const seen = input.status === AttendanceStatus.PRESENT || input.status === AttendanceStatus.LATE;
      return m.save(
        m.create(AttendanceRecord, {
          ...existing,
          sessionId: session.id,
          studentId: input.studentId,
          status: input.status,
          source: MarkSource.MANUAL,
          note: input.note ?? null,
          confidence: existing?.confidence ?? null,
          firstSeenAt: seen ? (existing?.firstSeenAt ?? new Date()) : (existing?.firstSeenAt ?? null),
          photoId: existing?.photoId ?? null,
          faceId: existing?.faceId ?? null,
        }),
      );
    });
    await this.pubsub.emit(Topic.AttendanceMarked, record.sessionId, toAttendanceEvent(record));
    return record;
  }
}

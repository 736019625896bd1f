import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttendanceStatus, MarkSource } from '../../src/entities/attendance-record.entity';
import { AttendanceRepository } from '../../src/repositories/attendance.repository';
import { AttendanceService } from '../../src/services/attendance.service';
import { ErrorCode } from '../../src/services/domain-error';
import { createWorld, type World } from './world';

// The rules of attendance, on the real database: who may run a session, how recognition and a
// teacher's marks combine, and what closing a session records.

const codeOf = async (p: Promise<unknown>): Promise<string | undefined> =>
  p.then(
    () => undefined,
    (e: { code?: string }) => e.code,
  );

describe(AttendanceService.name, () => {
  let world: World;
  let sut: AttendanceService;
  const marks = new AttendanceRepository();

  beforeAll(async () => {
    world = await createWorld();
    sut = world.sessions;
  });
  afterAll(async () => {
    await world?.close();
  });

  /** What recognition writes for one face of a class photo (the photo row is real: marks point at it). */
  const autoMark = async (
    session: { id: string; lateAfter: Date },
    studentId: string,
    confidence: number,
    seenAt: Date,
  ) => {
    const [photo] = await world.sql<{ id: string }>(
      `INSERT INTO submitted_photo (session_id, content_hash, storage_key, status)
       VALUES ($1, md5(random()::text), 'photos/00/spec.jpg', 'DONE') RETURNING id`,
      [session.id],
    );
    return world.db.dataSource.transaction((m) =>
      marks.upsertAutoMark(m, {
        sessionId: session.id,
        studentId,
        confidence,
        seenAt,
        lateAfter: session.lateAfter,
        photoId: photo!.id,
        faceId: null as unknown as string,
      }),
    );
  };

  it('opens a session whose late mark follows the given minutes', async () => {
    const course = await world.course(0);
    const session = await sut.start(world.teacher, course.id, 25);
    expect(session.closedAt).toBeNull();
    expect(session.lateAfter.getTime() - session.openedAt.getTime()).toBe(25 * 60_000);
  });

  it('lets only the course teacher, an admin or the system run a session', async () => {
    const course = await world.course(0);
    expect(await codeOf(sut.start(world.otherTeacher, course.id))).toBe(ErrorCode.FORBIDDEN);
    expect(await codeOf(sut.start(world.outsider, course.id))).toBe(ErrorCode.NOT_FOUND);
    expect(await codeOf(sut.start(world.key([]), course.id))).toBe(ErrorCode.FORBIDDEN);
    await expect(sut.start(world.admin, course.id)).resolves.toMatchObject({ courseId: course.id });
    await expect(sut.start(world.system, course.id)).resolves.toMatchObject({ courseId: course.id });
  });

  it('marks a recognised student present before the late mark and late after it', async () => {
    const course = await world.course(2);
    const session = await sut.start(world.teacher, course.id, 10);
    const [early, late] = course.studentIds as [string, string];
    await autoMark(session, early, 0.9, new Date(session.openedAt.getTime() + 60_000));
    await autoMark(session, late, 0.9, new Date(session.lateAfter.getTime() + 60_000));
    const records = await sut.records(session.id);
    expect(Object.fromEntries(records.map((r) => [r.studentId, r.status]))).toEqual({
      [early]: AttendanceStatus.PRESENT,
      [late]: AttendanceStatus.LATE,
    });
  });

  it('keeps the strongest evidence and the earliest sighting of one student', async () => {
    const course = await world.course(1);
    const session = await sut.start(world.teacher, course.id, 10);
    const [id] = course.studentIds as [string];
    const late = new Date(session.lateAfter.getTime() + 60_000);
    await autoMark(session, id, 0.95, late);
    // A weaker sighting that is earlier moves the first sighting (and so the status), not the confidence.
    await autoMark(session, id, 0.6, new Date(session.openedAt.getTime() + 1000));
    const [record] = await sut.records(session.id);
    expect(record).toMatchObject({ status: AttendanceStatus.PRESENT, source: MarkSource.AUTO });
    expect(record!.confidence).toBeCloseTo(0.95, 5);
  });

  it("never lets recognition override a teacher's decision", async () => {
    const course = await world.course(1);
    const session = await sut.start(world.teacher, course.id, 10);
    const [id] = course.studentIds as [string];
    await sut.mark(world.teacher, {
      sessionId: session.id,
      studentId: id,
      status: AttendanceStatus.EXCUSED,
      note: 'dentist',
    });
    expect(await autoMark(session, id, 0.99, new Date())).toBeNull();
    const [record] = await sut.records(session.id);
    expect(record).toMatchObject({
      status: AttendanceStatus.EXCUSED,
      source: MarkSource.MANUAL,
      note: 'dentist',
    });
  });

  it('refuses marks for students outside the course, and marks by callers who may not manage it', async () => {
    const course = await world.course(1);
    const other = await world.course(1);
    const session = await sut.start(world.teacher, course.id, 10);
    const mark = (viewer: Parameters<AttendanceService['mark']>[0], studentId: string) =>
      codeOf(sut.mark(viewer, { sessionId: session.id, studentId, status: AttendanceStatus.PRESENT }));
    expect(await mark(world.teacher, other.studentIds[0]!)).toBe(ErrorCode.BAD_USER_INPUT);
    expect(await mark(world.otherTeacher, course.studentIds[0]!)).toBe(ErrorCode.FORBIDDEN);
    expect(await mark(world.key([]), course.studentIds[0]!)).toBe(ErrorCode.FORBIDDEN);
    expect(await mark(world.outsider, course.studentIds[0]!)).toBe(ErrorCode.NOT_FOUND);
    expect(await sut.records(session.id)).toEqual([]);
  });

  it('records every student not seen as absent when the session closes, once', async () => {
    const course = await world.course(3);
    const session = await sut.start(world.teacher, course.id, 10);
    const [seen, ...unseen] = course.studentIds as [string, ...string[]];
    await autoMark(session, seen, 0.9, new Date());
    // Two closes at once: exactly one wins, and the absences are written once.
    const results = await Promise.allSettled([
      sut.close(world.teacher, session.id),
      sut.close(world.teacher, session.id),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const records = await sut.records(session.id);
    expect(records).toHaveLength(3);
    expect(
      records
        .filter((r) => r.status === AttendanceStatus.ABSENT)
        .map((r) => r.studentId)
        .sort(),
    ).toEqual([...unseen].sort());
    expect(await codeOf(sut.close(world.teacher, session.id))).toBe(ErrorCode.SESSION_CLOSED);
    expect(await codeOf(sut.getOpen(world.teacher, session.id, 'MANAGE' as never))).toBe(
      ErrorCode.SESSION_CLOSED,
    );
  });
});

import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserViewer } from '../../src/auth/viewer';
import { openDatabase, type Database } from '../../src/db/data-source';
import { Role } from '../../src/entities/user.entity';
import { type AppPubSub } from '../../src/pubsub';
import { createMemoryPubSub } from '../../src/pubsub/memory.pubsub';
import { AttendanceRepository } from '../../src/repositories/attendance.repository';
import { AttendanceService } from '../../src/services/attendance.service';
import { AuditService } from '../../src/services/audit.service';
import { CourseService } from '../../src/services/course.service';
import { DomainError, ErrorCode } from '../../src/services/domain-error';
import { PhotoReviewService, proposedCandidate } from '../../src/services/photo-review.service';
import { SessionUndoService } from '../../src/services/session-undo.service';
import { FileStorage } from '../../src/storage/file-storage';

// The review rules of issue #14 on the real database (PGlite, or DATABASE_URL): proposals, a
// confirmation never lowering a mark, undo of every action (with the CONFIRMED profile sample), bulk
// dismissal and the not-seen-absent shortcut. Faces are seeded rows; no inference is needed here.

async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe(code);
  return error as DomainError;
}

describe(PhotoReviewService.name, () => {
  let db: Database;
  let pubsub: AppPubSub;
  let storageDir: string;
  let storage: FileStorage;
  let sut: PhotoReviewService;
  let undo: SessionUndoService;
  let sessions: AttendanceService;
  let teacher: UserViewer;
  let courseId: string;
  let sessionId: string;
  const st: Record<'ada' | 'bob' | 'cy' | 'dee' | 'outsider', string> = {} as never;
  const tag = randomUUID().slice(0, 8);

  const q = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    db.dataSource.query<T[]>(sql, params);
  const one = async (sql: string, params: unknown[] = []) => (await q<{ id: string }>(sql, params))[0]!.id;
  const record = async (studentId: string) =>
    (
      await q<{ status: string; source: string; confidence: number | null; face_id: string | null }>(
        `SELECT status, source, confidence, face_id FROM attendance_record WHERE session_id = $1 AND student_id = $2`,
        [sessionId, studentId],
      )
    )[0] ?? null;
  const faceStatus = async (id: string) =>
    (
      await q<{ review_status: string; student_id: string | null }>(
        `SELECT review_status, student_id FROM photo_face WHERE id = $1`,
        [id],
      )
    )[0]!;
  const photo = (minutesAfterOpen: number) =>
    one(
      `INSERT INTO submitted_photo (session_id, content_hash, storage_key, status, width, height, submitted_at)
       SELECT $1, $2, 'photos/x.jpg', 'DONE', 1000, 800, opened_at + ($3 || ' minutes')::interval
       FROM attendance_session WHERE id = $1 RETURNING id`,
      [sessionId, randomUUID(), String(minutesAfterOpen)],
    );
  const face = async (
    photoId: string,
    f: { student?: string; candidate?: string; confidence?: number; decision: string; review: string },
  ) => {
    const key = await storage.put('faces', Buffer.from(`face ${randomUUID()}`));
    return one(
      `INSERT INTO photo_face (photo_id, session_id, box, detection_score, quality, student_id,
         candidate_student_id, confidence, decision, review_status, thumbnail_key)
       VALUES ($1, $2, '{"x":10,"y":10,"width":50,"height":50}', 0.9, 0.7, $3, $4, $5, $6, $7, $8)
       RETURNING id`,
      [
        photoId,
        sessionId,
        f.student ?? null,
        f.candidate ?? null,
        f.confidence ?? null,
        f.decision,
        f.review,
        key,
      ],
    );
  };

  beforeAll(async () => {
    db = await openDatabase({
      url: process.env.DATABASE_URL,
      pgliteDataDir: 'memory://',
      runMigrations: true,
    });
    pubsub = createMemoryPubSub();
    storageDir = await mkdtemp(path.join(os.tmpdir(), 'rollcall-review-'));
    storage = new FileStorage(storageDir);
    await storage.init();
    const courses = new CourseService(db.dataSource);
    sessions = new AttendanceService(db.dataSource, courses, new AttendanceRepository(), pubsub, 10);
    const audit = new AuditService(db.dataSource);
    sut = new PhotoReviewService(db.dataSource, sessions, pubsub, audit);
    undo = new SessionUndoService(db.dataSource, sessions, pubsub);

    const institutionId = await one(`INSERT INTO institution (slug, name) VALUES ($1, $1) RETURNING id`, [
      `review-${tag}`,
    ]);
    const userId = await one(
      `INSERT INTO app_user (institution_id, email, name, role, password_hash)
       VALUES ($1, $2, 'T', 'TEACHER', 'x') RETURNING id`,
      [institutionId, `t-${tag}@school.test`],
    );
    teacher = { kind: 'user', userId, institutionId, role: Role.TEACHER, email: `t-${tag}@school.test` };
    courseId = await one(
      `INSERT INTO course (institution_id, code, name, teacher_id) VALUES ($1, 'R1', 'Review', $2) RETURNING id`,
      [institutionId, userId],
    );
    for (const name of ['ada', 'bob', 'cy', 'dee', 'outsider'] as const) {
      st[name] = await one(
        `INSERT INTO student (institution_id, external_id, name, consent_given_at) VALUES ($1, $2, $3, now()) RETURNING id`,
        [institutionId, `${name}-${tag}`, name],
      );
      if (name !== 'outsider') {
        await q(`INSERT INTO course_enrollment (course_id, student_id) VALUES ($1, $2)`, [
          courseId,
          st[name],
        ]);
      }
    }
    sessionId = (await sessions.start(teacher, courseId, 10)).id;
  });

  afterAll(async () => {
    await pubsub.close?.();
    await db.close();
    await rm(storageDir, { recursive: true, force: true });
  });

  it('proposes nobody when the candidate is implausible or already seen in the same photo', () => {
    const base = { id: 'f1', candidateStudentId: 's1', confidence: 0.3 };
    expect(proposedCandidate(base, [{ id: 'f1', studentId: null }])).toBe('s1');
    expect(proposedCandidate({ ...base, confidence: 0.001 }, [])).toBeNull();
    expect(proposedCandidate({ ...base, confidence: null }, [])).toBeNull();
    expect(
      proposedCandidate(base, [
        { id: 'f1', studentId: null },
        { id: 'f2', studentId: 's1' },
      ]),
    ).toBeNull();
  });

  it('a confirmation never lowers a mark and keeps the strongest evidence; undo restores the face and the mark (what the face taught the profile: test/e2e/profiles.test.ts)', async () => {
    const p1 = await photo(1);
    const strong = await face(p1, {
      student: st.ada,
      candidate: st.ada,
      confidence: 1,
      decision: 'ACCEPT',
      review: 'NONE',
    });
    await q(
      `INSERT INTO attendance_record (session_id, student_id, status, confidence, first_seen_at, photo_id, face_id, source)
       SELECT $1, $2, 'PRESENT', 1, submitted_at, id, $3, 'AUTO' FROM submitted_photo WHERE id = $4`,
      [sessionId, st.ada, strong, p1],
    );
    // A doubtful face of Ada in a later photo, after the late threshold.
    const p2 = await photo(20);
    const doubtful = await face(p2, {
      candidate: st.ada,
      confidence: 0.09,
      decision: 'REVIEW',
      review: 'PENDING',
    });

    await sut.confirmFace(teacher, doubtful);
    expect(await record(st.ada)).toMatchObject({ status: 'PRESENT', source: 'AUTO', face_id: strong });
    expect((await record(st.ada))!.confidence).toBeCloseTo(1);
    expect(await faceStatus(doubtful)).toEqual({ review_status: 'CONFIRMED', student_id: st.ada });

    const outcome = await undo.undo(teacher, sessionId);
    expect(outcome.action.summary).toBe('Confirmed ada');
    expect(await faceStatus(doubtful)).toEqual({ review_status: 'PENDING', student_id: null });
    expect(await record(st.ada)).toMatchObject({ status: 'PRESENT', source: 'AUTO', face_id: strong });
    await q(`UPDATE photo_face SET review_status = 'DISMISSED' WHERE id = $1`, [doubtful]);
  });

  it('confirming a student not seen yet marks them from that face; undo makes them not seen again', async () => {
    const p = await photo(2);
    const f = await face(p, { candidate: st.bob, confidence: 0.2, decision: 'REVIEW', review: 'PENDING' });
    await sut.confirmFace(teacher, f);
    const marked = await record(st.bob);
    expect(marked).toMatchObject({ status: 'PRESENT', source: 'CONFIRMED', face_id: f });

    const outcome = await undo.undo(teacher, sessionId);
    expect(outcome.clearedStudentIds).toEqual([st.bob]);
    expect(await record(st.bob)).toBeNull();
    expect(await faceStatus(f)).toEqual({ review_status: 'PENDING', student_id: null });
    await q(`UPDATE photo_face SET review_status = 'DISMISSED' WHERE id = $1`, [f]);

    // A stranger's face the teacher says is Bob, through the API's path (explicit student), undone.
    const stranger = await face(p, { decision: 'UNKNOWN', review: 'PENDING' });
    await sut.confirmFace(teacher, stranger, st.bob);
    expect(await record(st.bob)).toMatchObject({ source: 'CONFIRMED', face_id: stranger });
    expect((await undo.undo(teacher, sessionId)).clearedStudentIds).toEqual([st.bob]);
    expect(await record(st.bob)).toBeNull();
    await q(`UPDATE photo_face SET review_status = 'DISMISSED' WHERE id = $1`, [stranger]);
  });

  it('refuses bad confirmations with typed errors and writes nothing', async () => {
    const p = await photo(3);
    const taken = await face(p, {
      student: st.cy,
      candidate: st.cy,
      confidence: 0.95,
      decision: 'ACCEPT',
      review: 'NONE',
    });
    // Its candidate is already Cy in this photo: nobody is proposed, so the teacher must say who.
    const twin = await face(p, { candidate: st.cy, confidence: 0.4, decision: 'REVIEW', review: 'PENDING' });
    const samplesBefore = await q(`SELECT id FROM face_sample`);
    const actionsBefore = await q(`SELECT id FROM session_action`);

    await expectCode(sut.confirmFace(teacher, twin), ErrorCode.BAD_USER_INPUT);
    await expectCode(sut.confirmFace(teacher, twin, st.cy), ErrorCode.CONFLICT);
    await expectCode(sut.confirmFace(teacher, twin, st.outsider), ErrorCode.BAD_USER_INPUT);
    await expectCode(sut.confirmFace(teacher, twin, 'not-an-id'), ErrorCode.NOT_FOUND);
    await expectCode(sut.confirmFace(teacher, randomUUID()), ErrorCode.NOT_FOUND);
    await expectCode(undo.undo(teacher, sessionId, randomUUID()), ErrorCode.NOT_FOUND);

    expect(await faceStatus(twin)).toEqual({ review_status: 'PENDING', student_id: null });
    expect(await q(`SELECT id FROM face_sample`)).toHaveLength(samplesBefore.length);
    expect(await q(`SELECT id FROM session_action`)).toHaveLength(actionsBefore.length);
    // Faces confirmed as someone cannot be dismissed behind the teacher's back.
    await sut.confirmFace(teacher, twin, st.dee);
    await expectCode(sut.dismissFace(teacher, twin), ErrorCode.CONFLICT);
    await undo.undo(teacher, sessionId);
    expect(await faceStatus(twin)).toEqual({ review_status: 'PENDING', student_id: null });
    expect(taken).toBeTruthy();
  });

  it('dismisses every face with nobody worth proposing in one undoable step', async () => {
    const p = await photo(4);
    const stranger = await face(p, { decision: 'UNKNOWN', review: 'PENDING' });
    const implausible = await face(p, {
      candidate: st.dee,
      confidence: 0.001,
      decision: 'REVIEW',
      review: 'PENDING',
    });
    const plausible = await face(p, {
      candidate: st.dee,
      confidence: 0.3,
      decision: 'REVIEW',
      review: 'PENDING',
    });

    const dismissed = await sut.dismissUnknownFaces(teacher, sessionId);
    // The twin of Cy (previous test) also has nobody worth proposing.
    expect(dismissed).toBe(3);
    expect((await faceStatus(stranger)).review_status).toBe('DISMISSED');
    expect((await faceStatus(implausible)).review_status).toBe('DISMISSED');
    expect((await faceStatus(plausible)).review_status).toBe('PENDING');
    const queue = await sut.reviewQueue(teacher, sessionId, { skip: 0, take: 50 });
    expect(queue.items.map((f) => f.id)).toEqual([plausible]);
    expect(await sut.awaitingReview(sessionId)).toBe(1);

    const outcome = await undo.undo(teacher, sessionId);
    expect(outcome.action.summary).toBe('Dismissed 3 unknown faces');
    expect((await faceStatus(stranger)).review_status).toBe('PENDING');
    expect(await sut.awaitingReview(sessionId)).toBe(4);
    expect(await sut.dismissUnknownFaces(teacher, sessionId)).toBe(3);
  });

  it('undoes manual marks and "everyone not seen is absent", newest first', async () => {
    await sessions.mark(teacher, { sessionId, studentId: st.cy, status: 'EXCUSED' as never, note: ' Sick ' });
    expect(await record(st.cy)).toMatchObject({ status: 'EXCUSED', source: 'MANUAL' });
    const absent = await sessions.markRestAbsent(teacher, sessionId);
    // Ada is present, Cy excused; Bob and Dee were not seen.
    expect(absent.map((r) => r.studentId).sort()).toEqual([st.bob, st.dee].sort());
    const last = await undo.lastAction(teacher, sessionId);
    expect(last?.summary).toBe('Marked 2 students not seen absent');

    // Only the latest action can be undone by id.
    const older = (
      await q<{ id: string }>(
        `SELECT id FROM session_action WHERE session_id = $1 AND kind = 'MARK' AND undone_at IS NULL
       ORDER BY created_at DESC LIMIT 1`,
        [sessionId],
      )
    )[0]!.id;
    await expectCode(undo.undo(teacher, sessionId, older), ErrorCode.CONFLICT);

    const first = await undo.undo(teacher, sessionId, last!.id);
    expect(first.clearedStudentIds.sort()).toEqual([st.bob, st.dee].sort());
    expect(await record(st.bob)).toBeNull();
    await undo.undo(teacher, sessionId, older);
    expect(await record(st.cy)).toBeNull();
  });

  it('refuses undo when nothing is left, and a mark changed since is kept', async () => {
    await sessions.mark(teacher, { sessionId, studentId: st.dee, status: 'LATE' as never });
    await q(
      `UPDATE attendance_record SET note = 'changed elsewhere' WHERE session_id = $1 AND student_id = $2`,
      [sessionId, st.dee],
    );
    await expectCode(undo.undo(teacher, sessionId), ErrorCode.CONFLICT);
    expect(await record(st.dee)).toMatchObject({ status: 'LATE' });
  });
});

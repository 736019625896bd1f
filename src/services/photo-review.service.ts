import { In, type DataSource } from 'typeorm';
import { CourseAction, requireAuthenticated } from '../auth/access';
import type { Viewer } from '../auth/viewer';
import { AttendanceRecord, AttendanceStatus, MarkSource } from '../entities/attendance-record.entity';
import type { AttendanceSession } from '../entities/attendance-session.entity';
import { CourseEnrollment } from '../entities/course-enrollment.entity';
import { PhotoFace, ReviewStatus } from '../entities/photo-face.entity';
import { SessionActionKind } from '../entities/session-action.entity';
import { Student } from '../entities/student.entity';
import { SubmittedPhoto } from '../entities/submitted-photo.entity';
import { Topic, type AppPubSub } from '../pubsub';
import { toAttendanceEvent, type AttendanceService } from './attendance.service';
import { AuditAction, type AuditService } from './audit.service';
import { assertId, DomainError, ErrorCode, notFound, throughParent } from './domain-error';
import type { Page, PageRequest } from './page';
import type { ProfileLearningService } from './profile-learning.service';
import { logAction, snapshot, STANDING } from './session-actions';

/**
 * Below this calibrated confidence a candidate is not worth proposing: the teacher is asked "who is
 * this?" instead. Strangers score about 0 (issue #14 saw "0% sure" cards); correct but doubtful
 * matches of the current calibration start around 5-10%. Recalibrate with the matcher.
 */
export const MIN_PLAUSIBLE_CONFIDENCE = 0.02;

export interface ReviewPolicy {
  minPlausibleConfidence: number;
}

/**
 * The student worth proposing for a face, or null ("who is this?"): nobody when the candidate is
 * implausible, or when another face of the same photo already is that student (a student appears
 * once per photo).
 */
export function proposedCandidate(
  face: Pick<PhotoFace, 'id' | 'candidateStudentId' | 'confidence'>,
  facesOfPhoto: Pick<PhotoFace, 'id' | 'studentId'>[],
  policy: ReviewPolicy = { minPlausibleConfidence: MIN_PLAUSIBLE_CONFIDENCE },
): string | null {
  const candidate = face.candidateStudentId;
  if (!candidate || (face.confidence ?? 0) < policy.minPlausibleConfidence) {
    return null;
  }
  const taken = facesOfPhoto.some((f) => f.id !== face.id && f.studentId === candidate);
  return taken ? null : candidate;
}

/** The teacher's review of doubtful and unknown faces: list, confirm, dismiss. Undo: SessionUndoService. */
export class PhotoReviewService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sessions: AttendanceService,
    private readonly pubsub: AppPubSub,
    private readonly audit: AuditService,
    private readonly learning?: ProfileLearningService,
    private readonly policy: ReviewPolicy = { minPlausibleConfidence: MIN_PLAUSIBLE_CONFIDENCE },
  ) {}

  /** Faces of a session awaiting a teacher: doubtful matches and unknown faces not yet dismissed. */
  async reviewQueue(viewer: Viewer, sessionId: string, page: PageRequest): Promise<Page<PhotoFace>> {
    const session = await this.sessions.get(viewer, sessionId);
    const [items, total] = await this.dataSource.getRepository(PhotoFace).findAndCount({
      where: { sessionId: session.id, reviewStatus: ReviewStatus.PENDING },
      order: { createdAt: 'ASC', id: 'ASC' },
      skip: page.skip,
      take: page.take,
    });
    return { items, total, hasMore: page.skip + items.length < total };
  }

  /** How many faces of the session still wait for a teacher (the session is already authorised). */
  awaitingReview(sessionId: string): Promise<number> {
    return this.dataSource
      .getRepository(PhotoFace)
      .countBy({ sessionId, reviewStatus: ReviewStatus.PENDING });
  }

  proposal(face: PhotoFace, facesOfPhoto: PhotoFace[]): string | null {
    return proposedCandidate(face, facesOfPhoto, this.policy);
  }

  /**
   * A teacher says whose face this is (the proposed candidate by default). The student is marked
   * present, never lower than they already stand, keeping the strongest evidence; the face joins
   * their profile (a CONFIRMED sample, under the learning guards), so recognition improves with use.
   * Undoable.
   */
  async confirmFace(viewer: Viewer, faceId: string, studentId?: string | null): Promise<PhotoFace> {
    const face = await this.face(viewer, faceId);
    const actor = requireAuthenticated(viewer);
    const session = await this.sessions.get(viewer, face.sessionId, CourseAction.MANAGE);
    const facesOfPhoto = await this.dataSource.getRepository(PhotoFace).findBy({ photoId: face.photoId });
    const target = studentId ?? this.proposal(face, facesOfPhoto);
    if (!target) {
      throw new DomainError(ErrorCode.BAD_USER_INPUT, 'Say which student this face is', {
        field: 'studentId',
      });
    }
    assertId('Student', target);
    const enrolled = await this.dataSource
      .getRepository(CourseEnrollment)
      .existsBy({ courseId: session.courseId, studentId: target });
    if (!enrolled) {
      throw new DomainError(ErrorCode.BAD_USER_INPUT, 'The student is not enrolled in this course', {
        field: 'studentId',
      });
    }
    const student = await this.dataSource.getRepository(Student).findOneByOrFail({ id: target });
    const photo = await this.dataSource.getRepository(SubmittedPhoto).findOneByOrFail({ id: face.photoId });
    const { updated, record } = await this.dataSource.transaction(async (m) => {
      const twin = await m.findOneBy(PhotoFace, { photoId: face.photoId, studentId: target });
      if (twin && twin.id !== face.id) {
        throw new DomainError(ErrorCode.CONFLICT, 'Another face in this photo is already this student', {
          studentId: target,
        });
      }
      await m.update(PhotoFace, { id: face.id }, { studentId: target, reviewStatus: ReviewStatus.CONFIRMED });
      const existing = await m.findOneBy(AttendanceRecord, { sessionId: session.id, studentId: target });
      const saved = await m.save(
        m.create(AttendanceRecord, confirmedMark(session, photo, face, target, existing)),
      );
      await logAction(m, actor, session.id, `Confirmed ${student.name}`, {
        kind: SessionActionKind.CONFIRM_FACE,
        faceId: face.id,
        studentId: target,
        faceBefore: { reviewStatus: face.reviewStatus, studentId: face.studentId },
        recordBefore: existing ? snapshot(existing) : null,
        recordAfter: snapshot(saved),
      });
      await this.audit.record(
        actor,
        AuditAction.FACE_CONFIRMED,
        { type: 'PhotoFace', id: face.id },
        {
          studentId: target,
          proposed: face.candidateStudentId,
          corrected: target !== face.candidateStudentId,
        },
        m,
      );
      return { updated: await m.findOneByOrFail(PhotoFace, { id: face.id }), record: saved };
    });
    // The face joins the student's profile under the learning guards (never fails the confirmation).
    await this.learning?.learnFromConfirmation(face.id);
    await this.pubsub.emit(Topic.AttendanceMarked, record.sessionId, toAttendanceEvent(record));
    return updated;
  }

  async dismissFace(viewer: Viewer, faceId: string): Promise<PhotoFace> {
    const face = await this.face(viewer, faceId);
    await this.sessions.get(viewer, face.sessionId, CourseAction.MANAGE);
    if (face.reviewStatus === ReviewStatus.CONFIRMED) {
      throw new DomainError(
        ErrorCode.CONFLICT,
        'This face was confirmed as a student; undo the confirmation instead',
      );
    }
    await this.dataSource.transaction(async (m) => {
      await m.update(PhotoFace, { id: face.id }, { reviewStatus: ReviewStatus.DISMISSED });
      await logAction(m, requireAuthenticated(viewer), face.sessionId, 'Dismissed a face', {
        kind: SessionActionKind.DISMISS_FACES,
        faces: [{ id: face.id, reviewStatus: face.reviewStatus }],
      });
      await this.audit.record(
        requireAuthenticated(viewer),
        AuditAction.FACE_DISMISSED,
        { type: 'PhotoFace', id: face.id },
        null,
        m,
      );
    });
    return { ...face, reviewStatus: ReviewStatus.DISMISSED };
  }

  /**
   * Dismisses, in one undoable step, every waiting face of the session that has nobody worth
   * proposing (unknown, implausible, or its candidate already seen in that photo). Returns how many.
   */
  async dismissUnknownFaces(viewer: Viewer, sessionId: string): Promise<number> {
    const session = await this.sessions.get(viewer, sessionId, CourseAction.MANAGE);
    const actor = requireAuthenticated(viewer);
    return this.dataSource.transaction(async (m) => {
      const pending = await m.findBy(PhotoFace, {
        sessionId: session.id,
        reviewStatus: ReviewStatus.PENDING,
      });
      if (pending.length === 0) {
        return 0;
      }
      const photoIds = [...new Set(pending.map((f) => f.photoId))];
      const all = await m.find(PhotoFace, {
        select: { id: true, photoId: true, studentId: true },
        where: { photoId: In(photoIds) },
      });
      // Exactly the faces the review screen shows as "who is this?".
      const unknown = pending.filter(
        (f) =>
          !this.proposal(
            f,
            all.filter((a) => a.photoId === f.photoId),
          ),
      );
      if (unknown.length === 0) {
        return 0;
      }
      await m.update(
        PhotoFace,
        { id: In(unknown.map((f) => f.id)) },
        { reviewStatus: ReviewStatus.DISMISSED },
      );
      await logAction(
        m,
        actor,
        session.id,
        `Dismissed ${unknown.length} unknown face${unknown.length === 1 ? '' : 's'}`,
        {
          kind: SessionActionKind.DISMISS_FACES,
          faces: unknown.map((f) => ({ id: f.id, reviewStatus: f.reviewStatus })),
        },
      );
      for (const f of unknown) {
        await this.audit.record(actor, AuditAction.FACE_DISMISSED, { type: 'PhotoFace', id: f.id }, null, m);
      }
      return unknown.length;
    });
  }

  private async face(viewer: Viewer, faceId: string): Promise<PhotoFace> {
    assertId('PhotoFace', faceId);
    const face = await this.dataSource.getRepository(PhotoFace).findOneBy({ id: faceId });
    if (!face) {
      throw notFound('PhotoFace', faceId);
    }
    // Another institution's face answers as an unknown id would: its session is not named.
    await throughParent('PhotoFace', faceId, this.sessions.get(viewer, face.sessionId, CourseAction.MANAGE));
    return face;
  }
}

/**
 * The record a confirmation leaves: present from the earliest sighting, never below the standing the
 * student already has, and with the strongest evidence (a photo recognised at 100% stays the evidence
 * when a doubtful face of the same student is confirmed later).
 */
export function confirmedMark(
  session: Pick<AttendanceSession, 'id' | 'lateAfter'>,
  photo: Pick<SubmittedPhoto, 'submittedAt'>,
  face: Pick<PhotoFace, 'id' | 'photoId' | 'confidence'>,
  studentId: string,
  existing: AttendanceRecord | null,
): Partial<AttendanceRecord> {
  const seenAt =
    existing?.firstSeenAt && existing.firstSeenAt < photo.submittedAt
      ? existing.firstSeenAt
      : photo.submittedAt;
  const bySighting = seenAt > session.lateAfter ? AttendanceStatus.LATE : AttendanceStatus.PRESENT;
  const status = existing && STANDING[existing.status] > STANDING[bySighting] ? existing.status : bySighting;
  const evidence =
    existing?.faceId &&
    existing.confidence !== null &&
    existing.confidence >= (face.confidence ?? 0) &&
    existing.source !== MarkSource.MANUAL
      ? existing
      : null;
  return {
    ...existing,
    sessionId: session.id,
    status,
    firstSeenAt: seenAt,
    confidence: evidence ? evidence.confidence : face.confidence,
    photoId: evidence ? evidence.photoId : face.photoId,
    faceId: evidence ? evidence.faceId : face.id,
    source: evidence ? evidence.source : MarkSource.CONFIRMED,
    note: existing?.note ?? null,
    studentId,
  };
}

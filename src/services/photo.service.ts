import type { DataSource } from 'typeorm';
import { CourseAction, requireAuthenticated } from '../auth/access';
import type { Viewer } from '../auth/viewer';
import { AttendanceRecord, AttendanceStatus, MarkSource } from '../entities/attendance-record.entity';
import type { AttendanceSession } from '../entities/attendance-session.entity';
import { CourseEnrollment } from '../entities/course-enrollment.entity';
import { FaceSample, FaceSampleSource } from '../entities/face-sample.entity';
import { PhotoFace, ReviewStatus } from '../entities/photo-face.entity';
import { SubmittedPhoto } from '../entities/submitted-photo.entity';
import { Topic, type AppPubSub } from '../pubsub';
import type { FileStorage } from '../storage/file-storage';
import { toAttendanceEvent, type AttendanceService } from './attendance.service';
import { AuditAction, type AuditService } from './audit.service';
import { assertId, DomainError, ErrorCode, notFound } from './domain-error';
import type { Page, PageRequest } from './page';
import type { RosterService } from './roster.service';

export interface PhotoServiceDeps {
  dataSource: DataSource;
  sessions: AttendanceService;
  roster: RosterService;
  storage: FileStorage;
  pubsub: AppPubSub;
  audit: AuditService;
}

/**
 * Class photos as stored: reading them and the teacher's review of doubtful faces. Submission is
 * PhotoSubmissionService; the analysis itself is the PhotoAnalysisJob queue handler.
 */
export class PhotoService {
  private readonly dataSource: DataSource;
  private readonly sessions: AttendanceService;
  private readonly roster: RosterService;
  private readonly storage: FileStorage;
  private readonly pubsub: AppPubSub;
  private readonly audit: AuditService;

  constructor(deps: PhotoServiceDeps) {
    this.dataSource = deps.dataSource;
    this.sessions = deps.sessions;
    this.roster = deps.roster;
    this.storage = deps.storage;
    this.pubsub = deps.pubsub;
    this.audit = deps.audit;
  }

  async get(viewer: Viewer, photoId: string): Promise<SubmittedPhoto> {
    assertId('Photo', photoId);
    const photo = await this.dataSource.getRepository(SubmittedPhoto).findOneBy({ id: photoId });
    if (!photo) {
      throw notFound('Photo', photoId);
    }
    await this.sessions.get(viewer, photo.sessionId, CourseAction.FOLLOW_PHOTOS);
    return photo;
  }

  async listBySession(viewer: Viewer, sessionId: string, page: PageRequest): Promise<Page<SubmittedPhoto>> {
    const session = await this.sessions.get(viewer, sessionId, CourseAction.FOLLOW_PHOTOS);
    const [items, total] = await this.dataSource.getRepository(SubmittedPhoto).findAndCount({
      where: { sessionId: session.id },
      order: { submittedAt: 'ASC' },
      skip: page.skip,
      take: page.take,
    });
    return { items, total, hasMore: page.skip + items.length < total };
  }

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

  /**
   * A teacher says whose face this is (the proposed candidate by default): the student is marked
   * (MANUAL) and the face joins their profile, so recognition improves with use.
   */
  async confirmFace(viewer: Viewer, faceId: string, studentId?: string | null): Promise<PhotoFace> {
    const face = await this.face(viewer, faceId, CourseAction.MANAGE);
    const actor = requireAuthenticated(viewer);
    const target = studentId ?? face.candidateStudentId;
    if (!target) {
      throw new DomainError(ErrorCode.BAD_USER_INPUT, 'This face has no candidate; say which student it is', {
        field: 'studentId',
      });
    }
    assertId('Student', target);
    const session = await this.sessions.get(viewer, face.sessionId, CourseAction.MANAGE);
    const photo = await this.dataSource.getRepository(SubmittedPhoto).findOneByOrFail({ id: face.photoId });
    const enrolled = await this.dataSource
      .getRepository(CourseEnrollment)
      .existsBy({ courseId: session.courseId, studentId: target });
    if (!enrolled) {
      throw new DomainError(ErrorCode.BAD_USER_INPUT, 'The student is not enrolled in this course', {
        field: 'studentId',
      });
    }
    const thumbnail = await this.storage.get(face.thumbnailKey);
    const sampleKey = await this.storage.put('faces', thumbnail);
    try {
      const { updated, record } = await this.dataSource.transaction(async (m) => {
        const twin = await m.findOneBy(PhotoFace, { photoId: face.photoId, studentId: target });
        if (twin && twin.id !== face.id) {
          throw new DomainError(ErrorCode.CONFLICT, 'Another face in this photo is already this student');
        }
        await m.update(
          PhotoFace,
          { id: face.id },
          { studentId: target, reviewStatus: ReviewStatus.CONFIRMED },
        );
        await m.insert(FaceSample, {
          studentId: target,
          source: FaceSampleSource.CONFIRMED,
          thumbnailKey: sampleKey,
          photoHash: photo.contentHash,
          box: face.box,
          quality: face.quality,
          detectionScore: face.detectionScore,
          embedding: face.embedding,
          model: face.model,
        });
        const existing = await m.findOneBy(AttendanceRecord, { sessionId: session.id, studentId: target });
        const seenAt =
          existing?.firstSeenAt && existing.firstSeenAt < photo.submittedAt
            ? existing.firstSeenAt
            : photo.submittedAt;
        const saved = await m.save(
          m.create(AttendanceRecord, {
            ...existing,
            sessionId: session.id,
            studentId: target,
            status: lateness(seenAt, session),
            confidence: face.confidence,
            firstSeenAt: seenAt,
            photoId: face.photoId,
            faceId: face.id,
            source: MarkSource.MANUAL,
            note: existing?.note ?? null,
          }),
        );
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
      await this.roster.invalidateForStudents([target], face.model);
      await this.pubsub.emit(Topic.AttendanceMarked, record.sessionId, toAttendanceEvent(record));
      return updated;
    } catch (error) {
      await this.storage.delete([sampleKey]);
      throw error;
    }
  }

  async dismissFace(viewer: Viewer, faceId: string): Promise<PhotoFace> {
    const face = await this.face(viewer, faceId, CourseAction.MANAGE);
    await this.dataSource.transaction(async (m) => {
      await m.update(PhotoFace, { id: face.id }, { reviewStatus: ReviewStatus.DISMISSED });
      await this.audit.record(
        requireAuthenticated(viewer),
        AuditAction.FACE_DISMISSED,
        {
          type: 'PhotoFace',
          id: face.id,
        },
        null,
        m,
      );
    });
    return { ...face, reviewStatus: ReviewStatus.DISMISSED };
  }

  private async face(viewer: Viewer, faceId: string, action: CourseAction): Promise<PhotoFace> {
    assertId('PhotoFace', faceId);
    const face = await this.dataSource.getRepository(PhotoFace).findOneBy({ id: faceId });
    if (!face) {
      throw notFound('PhotoFace', faceId);
    }
    await this.sessions.get(viewer, face.sessionId, action);
    return face;
  }
}

function lateness(seenAt: Date, session: AttendanceSession): AttendanceStatus {
  return seenAt > session.lateAfter ? AttendanceStatus.LATE : AttendanceStatus.PRESENT;
}

import type { DataSource } from 'typeorm';
import { CourseAction } from '../auth/access';
import type { Viewer } from '../auth/viewer';
import { CourseEnrollment } from '../entities/course-enrollment.entity';
import { PhotoFace, ReviewStatus } from '../entities/photo-face.entity';
import type { MatchPolicy } from '../inference/matcher';
import { scoreFace } from '../inference/matcher';
import type { FaceEmbeddingRepository } from '../repositories/face-embedding.repository';
import type { AttendanceService } from './attendance.service';
import type { CourseService } from './course.service';
import { dbscan } from './dbscan';
import { assertId, DomainError, ErrorCode, notFound } from './domain-error';
import type { StudentService } from './student.service';

export interface UnknownFaceCluster {
  /** Stable while the cluster's faces stay unresolved: its first face's id. */
  id: string;
  faces: PhotoFace[];
  /** Sessions the faces come from (a person seen in several classes). */
  sessionIds: string[];
}

export interface FaceVerification {
  faceId: string;
  studentId: string;
  confidence: number;
  /** Whether the confidence reaches the verification threshold of the models used. */
  match: boolean;
  models: string[];
}

export interface SessionRecall {
  sessionId: string;
  /** Students enrolled in the course. */
  enrolled: number;
  /** Students recognised (or confirmed) in at least one photo of the session. */
  seen: number;
  /** Per processed photo, in submission order: students recognised in that photo alone. */
  perPhoto: { photoId: string; seen: number }[];
}

export interface ClusterAssignment {
  assigned: PhotoFace[];
  /** Faces that could not be given to the student (e.g. the photo already has them), with why. */
  skipped: { faceId: string; reason: string }[];
}

/** What confirms a face: the review path (PhotoService today, photo-review.service after h-ui). */
export interface FaceConfirmer {
  confirmFace(viewer: Viewer, faceId: string, studentId?: string | null): Promise<PhotoFace>;
}

/** Who a face is when recognition could not say: unknown-face clusters, 1:1 verification. */
export class FaceIdentityService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly courses: CourseService,
    private readonly sessions: AttendanceService,
    private readonly students: StudentService,
    private readonly embeddings: FaceEmbeddingRepository,
    private readonly confirmer: FaceConfirmer,
    private readonly policy: MatchPolicy,
  ) {}

  /**
   * Unresolved faces of a course's sessions (unknown, or doubtful and not yet reviewed), grouped by
   * DBSCAN: two faces are neighbours when 1:1 verification (calibrated, fused) says they are one person,
   * never when they come from the same photo. Largest groups first; lone faces are left out.
   */
  async unknownClusters(viewer: Viewer, courseId: string, minFaces = 2): Promise<UnknownFaceCluster[]> {
    const course = await this.courses.get(viewer, courseId, CourseAction.MANAGE);
    if (!Number.isInteger(minFaces) || minFaces < 2 || minFaces > 100) {
      throw new DomainError(ErrorCode.BAD_USER_INPUT, 'minFaces must be between 2 and 100', {
        field: 'minFaces',
      });
    }
    const faces = await this.dataSource
      .getRepository(PhotoFace)
      .createQueryBuilder('f')
      .innerJoin('attendance_session', 's', 's.id = f.session_id')
      .where('s.course_id = :courseId', { courseId: course.id })
      .andWhere('f.student_id IS NULL AND f.review_status = :pending', { pending: ReviewStatus.PENDING })
      .orderBy('f.created_at', 'ASC')
      .addOrderBy('f.id', 'ASC')
      .limit(MAX_CLUSTERED_FACES)
      .getMany();
    const vectors = await this.embeddings.ofPhotoFaces(faces.map((f) => f.id));
    const usable = faces.filter((f) => vectors.has(f.id));
    const policy = this.policy;
    const labels = dbscan(
      usable.length,
      (a, b) => {
        const fa = usable[a]!;
        const fb = usable[b]!;
        if (fa.photoId === fb.photoId) {
          return false;
        }
        const vb = vectors.get(fb.id)!;
        const profile = {
          studentId: fb.id,
          embeddings: Object.fromEntries(Object.entries(vb).map(([m, v]) => [m, [v]])),
        };
        const quality = Math.min(fa.quality, fb.quality);
        // Neighbours: the 1:1 verification threshold (of the models both faces have) is met.
        return scoreFace({ embeddings: vectors.get(fa.id)!, quality }, profile, policy).verified;
      },
      minFaces,
    );
    const groups = new Map<number, PhotoFace[]>();
    labels.forEach((label, i) => {
      if (label >= 0) {
        groups.set(label, [...(groups.get(label) ?? []), usable[i]!]);
      }
    });
    return [...groups.values()]
      .sort((a, b) => b.length - a.length)
      .map((group) => ({
        id: group[0]!.id,
        faces: group,
        sessionIds: [...new Set(group.map((f) => f.sessionId))],
      }));
  }

  /**
   * Names a whole group at once: each face is confirmed as the student (marked in its session, and
   * offered to the profile under the learning guards). Faces that cannot be are reported, not fatal.
   */
  async assignFaces(viewer: Viewer, faceIds: string[], studentId: string): Promise<ClusterAssignment> {
    if (faceIds.length === 0 || faceIds.length > MAX_ASSIGNED_FACES) {
      throw new DomainError(ErrorCode.BAD_USER_INPUT, `Send between 1 and ${MAX_ASSIGNED_FACES} faces`, {
        field: 'faceIds',
      });
    }
    faceIds.forEach((id) => assertId('PhotoFace', id));
    await this.students.get(viewer, studentId, CourseAction.MANAGE);
    // Check every face first, so one bad id changes nothing.
    const faces = await this.dataSource.getRepository(PhotoFace).findBy(faceIds.map((id) => ({ id })));
    const missing = faceIds.find((id) => !faces.some((f) => f.id === id));
    if (missing) {
      throw notFound('PhotoFace', missing);
    }
    for (const face of faces) {
      await this.sessions.get(viewer, face.sessionId, CourseAction.MANAGE);
    }
    const assigned: PhotoFace[] = [];
    const skipped: ClusterAssignment['skipped'] = [];
    for (const face of faces) {
      if (face.studentId && face.studentId !== studentId) {
        skipped.push({ faceId: face.id, reason: 'The face is already another student' });
        continue;
      }
      try {
        assigned.push(await this.confirmer.confirmFace(viewer, face.id, studentId));
      } catch (error) {
        if (
          error instanceof DomainError &&
          (error.code === ErrorCode.CONFLICT || error.code === ErrorCode.BAD_USER_INPUT)
        ) {
          skipped.push({ faceId: face.id, reason: error.message });
          continue;
        }
        throw error;
      }
    }
    return { assigned, skipped };
  }

  /**
   * Session recall: teachers take two or three photos of a class, and a student hidden in one is
   * often visible in another; this says how many were seen over all photos versus in each one.
   */
  async sessionRecall(viewer: Viewer, sessionId: string): Promise<SessionRecall> {
    const session = await this.sessions.get(viewer, sessionId, CourseAction.READ);
    const enrolled = await this.dataSource
      .getRepository(CourseEnrollment)
      .countBy({ courseId: session.courseId });
    const perPhoto = await this.dataSource.query<{ photo_id: string; seen: string }[]>(
      `SELECT p.id AS photo_id, count(DISTINCT f.student_id) AS seen
         FROM submitted_photo p LEFT JOIN photo_face f ON f.photo_id = p.id AND f.student_id IS NOT NULL
        WHERE p.session_id = $1 AND p.status = 'DONE'
        GROUP BY p.id, p.submitted_at ORDER BY p.submitted_at, p.id`,
      [session.id],
    );
    const [union] = await this.dataSource.query<{ seen: string }[]>(
      `SELECT count(DISTINCT student_id) AS seen FROM photo_face WHERE session_id = $1 AND student_id IS NOT NULL`,
      [session.id],
    );
    return {
      sessionId: session.id,
      enrolled,
      seen: Number(union?.seen ?? 0),
      perPhoto: perPhoto.map((r) => ({ photoId: r.photo_id, seen: Number(r.seen) })),
    };
  }

  /** 1:1: how likely a class-photo face is this student (enrolled in the face's course). */
  async verifyFace(viewer: Viewer, faceId: string, studentId: string): Promise<FaceVerification> {
    assertId('PhotoFace', faceId);
    const face = await this.dataSource.getRepository(PhotoFace).findOneBy({ id: faceId });
    if (!face) {
      throw notFound('PhotoFace', faceId);
    }
    const session = await this.sessions.get(viewer, face.sessionId, CourseAction.MANAGE);
    const student = await this.students.get(viewer, studentId, CourseAction.MANAGE);
    const enrolled = await this.dataSource
      .getRepository(CourseEnrollment)
      .existsBy({ courseId: session.courseId, studentId: student.id });
    if (!enrolled) {
      throw new DomainError(ErrorCode.BAD_USER_INPUT, 'The student is not enrolled in this course', {
        field: 'studentId',
      });
    }
    const embeddings = (await this.embeddings.ofPhotoFaces([face.id])).get(face.id) ?? {};
    const [profile] = await this.embeddings.profiles([student.id]);
    const policy = this.policy;
    const { confidence, models, verified } = scoreFace(
      { embeddings, quality: face.quality },
      profile!,
      policy,
    );
    return { faceId: face.id, studentId: student.id, confidence, match: verified, models };
  }
}

/** Bounds the O(n^2) clustering of one request. */
const MAX_CLUSTERED_FACES = 1000;
const MAX_ASSIGNED_FACES = 200;

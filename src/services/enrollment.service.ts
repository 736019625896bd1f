import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { assertMayViewFaces, CourseAction, requireAuthenticated, requireStaff } from '../auth/access';
import type { Viewer } from '../auth/viewer';
import { FaceSample, FaceSampleSource } from '../entities/face-sample.entity';
import type { Student } from '../entities/student.entity';
import type { DetectedFace, Embeddings, InferenceEngine, QualityIssue } from '../inference';
import { InferenceError } from '../inference';
import type { Logger } from '../observability/logger';
import type { FaceEmbeddingRepository } from '../repositories/face-embedding.repository';
import { faceSourceCrop } from '../storage/face-crop';
import type { FileStorage } from '../storage/file-storage';
import { AuditAction, type AuditService } from './audit.service';
import { assertId, DomainError, ErrorCode, mapInferenceCode, notFound, throughParent } from './domain-error';
import type { RosterService } from './roster.service';
import type { StudentService } from './student.service';

/** Quality problems that would poison a profile: such photos are refused at enrollment. */
export const ENROLLMENT_BLOCKING_ISSUES: readonly QualityIssue[] = ['TOO_SMALL', 'BLURRY', 'POSE'];

/**
 * A second face at least this fraction of the largest face's size means the photo shows several
 * people; smaller ones are bystanders in the background and are ignored.
 */
export const BYSTANDER_SIZE_RATIO = 0.6;

export interface EnrollmentLimits {
  maxPhotos: number;
  /** Pixel cap for decoding, also when the re-embedding crop is cut from the photo. */
  maxPixels: number;
}

export interface FaceAssessment {
  ok: boolean;
  code: ErrorCode | null;
  message: string;
  issues: QualityIssue[];
  quality: number | null;
  box: { x: number; y: number; width: number; height: number } | null;
}

/** Verdicts about the photo itself, reported by `assess` instead of thrown. */
const ASSESSABLE = new Set<ErrorCode>([
  ErrorCode.NO_FACE_DETECTED,
  ErrorCode.MULTIPLE_FACES,
  ErrorCode.LOW_QUALITY_FACE,
  ErrorCode.INVALID_IMAGE,
  ErrorCode.IMAGE_TOO_LARGE,
]);

/** Builds and edits students' recognition profiles from their photos. */
export class EnrollmentService {
  private readonly log: Logger;

  constructor(
    private readonly dataSource: DataSource,
    private readonly students: StudentService,
    private readonly engine: InferenceEngine,
    private readonly roster: RosterService,
    private readonly storage: FileStorage,
    private readonly embeddings: FaceEmbeddingRepository,
    private readonly limits: EnrollmentLimits,
    private readonly audit: AuditService,
    logger: Logger,
  ) {
    this.log = logger.child({ module: EnrollmentService.name });
  }

  /** The student, when the viewer may add faces to their profile now (manages them, consent given). */
  async enrollable(viewer: Viewer, studentId: string): Promise<Student> {
    const student = await this.students.get(viewer, studentId, CourseAction.MANAGE);
    if (!student.consentGivenAt) {
      throw new DomainError(ErrorCode.CONSENT_REQUIRED, 'The student has not given biometric consent');
    }
    return student;
  }

  /**
   * Adds faces to a student's profile. All photos are checked before anything is written: one bad
   * photo refuses the whole call, with the photo's index in the error.
   */
  async enrollFaces(viewer: Viewer, studentId: string, photos: Uint8Array[]): Promise<FaceSample[]> {
    await this.enrollable(viewer, studentId);
    const actor = requireAuthenticated(viewer);
    if (photos.length === 0 || photos.length > this.limits.maxPhotos) {
      throw new DomainError(ErrorCode.BAD_USER_INPUT, `Send between 1 and ${this.limits.maxPhotos} photos`, {
        field: 'photos',
      });
    }
    const hashes = photos.map((p) => createHash('sha256').update(p).digest('hex'));
    const seen = new Set<string>();
    hashes.forEach((hash, index) => {
      if (seen.has(hash)) {
        throw new DomainError(ErrorCode.CONFLICT, 'The same photo was sent twice', { photoIndex: index });
      }
      seen.add(hash);
    });
    const repo = this.dataSource.getRepository(FaceSample);
    const existing = await repo.find({ select: { photoHash: true }, where: { studentId } });
    const duplicate = hashes.findIndex((h) => existing.some((e) => e.photoHash === h));
    if (duplicate >= 0) {
      throw new DomainError(ErrorCode.CONFLICT, 'This photo is already enrolled for the student', {
        photoIndex: duplicate,
      });
    }

    const faces = await Promise.all(photos.map((photo, index) => this.singleFace(photo, index)));

    const keys: string[] = [];
    try {
      const stored: { thumbnail: string; source: string }[] = [];
      for (const [i, { face }] of faces.entries()) {
        const thumbnail = await this.storage.put('faces', face.thumbnail);
        keys.push(thumbnail);
        const source = await this.storage.put(
          'faces',
          await faceSourceCrop(photos[i]!, face.box, this.limits.maxPixels),
        );
        keys.push(source);
        stored.push({ thumbnail, source });
      }
      const samples = await this.dataSource.transaction(async (m) => {
        const saved = await m.save(
          faces.map(({ face }, i) =>
            m.create(FaceSample, {
              studentId,
              source: FaceSampleSource.ENROLLMENT,
              thumbnailKey: stored[i]!.thumbnail,
              sourceKey: stored[i]!.source,
              photoHash: hashes[i],
              box: roundBox(face.box),
              quality: face.quality.score,
              detectionScore: face.detectionScore,
            }),
          ),
        );
        for (const [i, sample] of saved.entries()) {
          await this.embeddings.saveSample(m, sample.id, faces[i]!.embeddings);
        }
        await this.audit.record(
          actor,
          AuditAction.FACES_ENROLLED,
          { type: 'Student', id: studentId },
          { faces: saved.length },
          m,
        );
        return saved;
      });
      await this.roster.invalidateForStudents([studentId]);
      this.log.info({ studentId, faces: samples.length }, 'faces enrolled');
      return samples;
    } catch (error) {
      await this.storage.delete(keys);
      throw error;
    }
  }

  /**
   * The verdict enrollment would give a photo, without storing anything: lets a client show the
   * quality check before the teacher saves (a webcam capture, say).
   */
  async assess(viewer: Viewer, photo: Uint8Array): Promise<FaceAssessment> {
    requireStaff(viewer);
    try {
      const { face } = await this.singleFace(photo, 0);
      return {
        ok: true,
        code: null,
        message: 'The photo can be enrolled',
        issues: face.quality.issues,
        quality: face.quality.score,
        box: roundBox(face.box),
      };
    } catch (error) {
      if (error instanceof DomainError && ASSESSABLE.has(error.code)) {
        const issues = Array.isArray(error.details?.issues) ? (error.details.issues as QualityIssue[]) : [];
        return { ok: false, code: error.code, message: error.message, issues, quality: null, box: null };
      }
      throw error;
    }
  }

  async listFaces(viewer: Viewer, studentId: string): Promise<FaceSample[]> {
    await this.students.get(viewer, studentId);
    assertMayViewFaces(viewer);
    return this.dataSource
      .getRepository(FaceSample)
      .find({ where: { studentId }, order: { createdAt: 'ASC' } });
  }

  async deleteFace(viewer: Viewer, faceId: string): Promise<boolean> {
    assertId('FaceSample', faceId);
    const repo = this.dataSource.getRepository(FaceSample);
    const face = await repo.findOneBy({ id: faceId });
    if (!face) {
      throw notFound('FaceSample', faceId);
    }
    await throughParent('FaceSample', faceId, this.students.get(viewer, face.studentId, CourseAction.MANAGE));
    await this.dataSource.transaction(async (m) => {
      await m.delete(FaceSample, { id: face.id });
      await this.audit.record(
        requireAuthenticated(viewer),
        AuditAction.FACE_DELETED,
        { type: 'FaceSample', id: face.id },
        { studentId: face.studentId },
        m,
      );
    });
    await this.storage.delete([face.thumbnailKey, ...(face.sourceKey ? [face.sourceKey] : [])]);
    await this.roster.invalidateForStudents([face.studentId]);
    return true;
  }

  private async singleFace(
    photo: Uint8Array,
    photoIndex: number,
  ): Promise<{ face: DetectedFace; embeddings: Embeddings }> {
    let analysis;
    try {
      analysis = await this.engine.analyze(photo, { maxFaces: 2 });
    } catch (error) {
      if (error instanceof InferenceError) {
        throw new DomainError(mapInferenceCode(error), error.message, { photoIndex });
      }
      throw error;
    }
    const [largest, second] = [...analysis.faces].sort(
      (a, b) => b.box.width * b.box.height - a.box.width * a.box.height,
    );
    if (!largest) {
      throw new DomainError(ErrorCode.NO_FACE_DETECTED, 'No face was found in the photo', { photoIndex });
    }
    if (
      second &&
      Math.min(second.box.width, second.box.height) >=
        BYSTANDER_SIZE_RATIO * Math.min(largest.box.width, largest.box.height)
    ) {
      throw new DomainError(
        ErrorCode.MULTIPLE_FACES,
        'The photo shows several people; enroll from a photo of the student alone',
        { photoIndex, faces: analysis.faces.length },
      );
    }
    const blocking = largest.quality.issues.filter((i) => ENROLLMENT_BLOCKING_ISSUES.includes(i));
    if (blocking.length > 0) {
      throw new DomainError(
        ErrorCode.LOW_QUALITY_FACE,
        `The face is not good enough to enroll: ${blocking.join(', ')}`,
        {
          photoIndex,
          issues: blocking,
        },
      );
    }
    return { face: largest, embeddings: largest.embeddings };
  }
}

export const roundBox = (box: { x: number; y: number; width: number; height: number }) => ({
  x: Math.round(box.x),
  y: Math.round(box.y),
  width: Math.round(box.width),
  height: Math.round(box.height),
});

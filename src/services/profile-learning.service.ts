import type { DataSource } from 'typeorm';
import { AttendanceRecord, AttendanceStatus, MarkSource } from '../entities/attendance-record.entity';
import { FaceSample, FaceSampleSource } from '../entities/face-sample.entity';
import { PhotoFace, ReviewStatus } from '../entities/photo-face.entity';
import { SubmittedPhoto } from '../entities/submitted-photo.entity';
import type { Embeddings } from '../inference';
import { cosine, MatchDecision } from '../inference/matcher';
import type { Logger } from '../observability/logger';
import type { FaceEmbeddingRepository } from '../repositories/face-embedding.repository';
import { faceSourceCrop } from '../storage/face-crop';
import type { FileStorage } from '../storage/file-storage';
import type { RosterService } from './roster.service';

/**
 * Guards on what may join a profile. A profile that learns from its own accepted matches can drift
 * towards a look-alike (each wrong sample pulls the next wrong match closer), so automatic learning
 * is rare, capped and reversible; a teacher's confirmation is trusted more but capped the same way.
 */
export interface LearningPolicy {
  /** Most CONFIRMED + LEARNED samples per student (enrollment photos do not count and never go). */
  maxLearnedSamples: number;
  /** An automatically accepted face joins only at or above this fused confidence... */
  autoLearnConfidence: number;
  /** ...and this quality... */
  minAutoLearnQuality: number;
  /** ...and when no other student comes near (runner-up candidate's confidence below this). */
  maxRunnerUpConfidence: number;
  /**
   * A face this similar (cosine, under every model both have) to a sample already in the profile
   * adds nothing but weight: skipped. 0.955 is a face-api distance of 0.3, the spread of one
   * person's photos taken seconds apart.
   */
  duplicateCosine: number;
  /** Automatic learning on or off (confirmations still mark the student). */
  enabled: boolean;
}

export const DEFAULT_LEARNING_POLICY: LearningPolicy = {
  maxLearnedSamples: 10,
  autoLearnConfidence: 0.99,
  minAutoLearnQuality: 0.5,
  maxRunnerUpConfidence: 0.05,
  duplicateCosine: 0.955,
  enabled: true,
};

export type LearningOutcome =
  | 'LEARNED'
  | 'ALREADY_LEARNED'
  | 'DUPLICATE'
  | 'CAP_REACHED'
  | 'CONFLICT'
  | 'NOT_CONFIDENT'
  | 'NO_EMBEDDINGS'
  | 'DISABLED';

/** Lets confirmed faces and very confident automatic matches join students' profiles, reversibly. */
export class ProfileLearningService {
  private readonly log: Logger;

  constructor(
    private readonly dataSource: DataSource,
    private readonly embeddings: FaceEmbeddingRepository,
    private readonly roster: RosterService,
    private readonly storage: FileStorage,
    private readonly maxPixels: number,
    logger: Logger,
    private readonly policy: LearningPolicy = DEFAULT_LEARNING_POLICY,
  ) {
    this.log = logger.child({ module: ProfileLearningService.name });
  }

  /**
   * Hook after a teacher confirmed a face (its studentId is set). A sample learned earlier from the
   * same face for someone else (an automatic match the teacher corrected) is removed first.
   * Never throws: a confirmation stands even when learning from it fails.
   */
  async learnFromConfirmation(photoFaceId: string): Promise<LearningOutcome | null> {
    return this.safely(photoFaceId, async () => {
      const face = await this.dataSource.getRepository(PhotoFace).findOneBy({ id: photoFaceId });
      if (!face?.studentId) {
        return null;
      }
      const earlier = await this.dataSource.getRepository(FaceSample).findOneBy({ photoFaceId });
      if (earlier && earlier.studentId !== face.studentId) {
        await this.undoLearning(photoFaceId);
      }
      return this.consider(face, face.studentId, FaceSampleSource.CONFIRMED);
    });
  }

  /** Hook after a photo was recorded: its very confident automatic matches may join profiles. */
  async learnFromPhoto(photoId: string): Promise<LearningOutcome[]> {
    if (!this.policy.enabled) {
      return [];
    }
    const faces = await this.dataSource.getRepository(PhotoFace).findBy({ photoId });
    const outcomes: LearningOutcome[] = [];
    for (const face of faces) {
      if (face.decision !== MatchDecision.ACCEPT || !face.studentId) {
        continue;
      }
      const runnerUp = face.candidates.find((c) => c.studentId !== face.studentId)?.confidence ?? 0;
      if (
        (face.confidence ?? 0) < this.policy.autoLearnConfidence ||
        face.quality < this.policy.minAutoLearnQuality ||
        runnerUp >= this.policy.maxRunnerUpConfidence
      ) {
        outcomes.push('NOT_CONFIDENT');
        continue;
      }
      const studentId = face.studentId;
      const outcome = await this.safely(face.id, () =>
        this.consider(face, studentId, FaceSampleSource.LEARNED),
      );
      outcomes.push(outcome ?? 'NO_EMBEDDINGS');
    }
    return outcomes;
  }

  /**
   * Removes what a face taught a profile (undo of a wrong confirmation or mark): the sample, its
   * embeddings (cascade), its files, and the cached rosters that held it. Automatic samples the
   * student learned after it go too: they were accepted against a profile that held the wrong face,
   * so any of them may be its effect. Returns whether a sample existed.
   */
  async undoLearning(photoFaceId: string): Promise<boolean> {
    const repo = this.dataSource.getRepository(FaceSample);
    const sample = await repo.findOneBy({ photoFaceId });
    if (!sample) {
      return false;
    }
    const tainted = await repo
      .createQueryBuilder('s')
      .where('s.student_id = :studentId AND s.source = :learned AND s.created_at >= :since AND s.id <> :id', {
        studentId: sample.studentId,
        learned: FaceSampleSource.LEARNED,
        since: sample.createdAt,
        id: sample.id,
      })
      .getMany();
    const removed = [sample, ...tainted];
    await repo.delete(removed.map((s) => s.id));
    await this.storage.delete(
      removed.flatMap((s) => (s.sourceKey ? [s.thumbnailKey, s.sourceKey] : [s.thumbnailKey])),
    );
    await this.roster.invalidateForStudents([sample.studentId]);
    this.log.info(
      { studentId: sample.studentId, photoFaceId, samples: removed.length },
      'learned faces removed',
    );
    return true;
  }

  private async consider(
    face: PhotoFace,
    studentId: string,
    source: FaceSampleSource,
  ): Promise<LearningOutcome> {
    if (!this.policy.enabled) {
      return 'DISABLED';
    }
    const samples = this.dataSource.getRepository(FaceSample);
    if (await samples.existsBy({ photoFaceId: face.id })) {
      return 'ALREADY_LEARNED';
    }
    if (await this.conflicting(face, studentId)) {
      return 'CONFLICT';
    }
    const learned = await samples
      .createQueryBuilder('s')
      .where('s.student_id = :studentId AND s.source <> :enrollment', {
        studentId,
        enrollment: FaceSampleSource.ENROLLMENT,
      })
      .getCount();
    if (learned >= this.policy.maxLearnedSamples) {
      return 'CAP_REACHED';
    }
    const embeddings = (await this.embeddings.ofPhotoFaces([face.id])).get(face.id);
    if (!embeddings || Object.keys(embeddings).length === 0) {
      return 'NO_EMBEDDINGS';
    }
    const [profile] = await this.embeddings.profiles([studentId], Object.keys(embeddings));
    if (profile && isDuplicate(embeddings, profile.embeddings, this.policy.duplicateCosine)) {
      return 'DUPLICATE';
    }
    const photo = await this.dataSource.getRepository(SubmittedPhoto).findOneByOrFail({ id: face.photoId });
    const keys: string[] = [];
    try {
      keys.push(await this.storage.put('faces', await this.storage.get(face.thumbnailKey)));
      const original = await this.storage.get(photo.storageKey).catch(() => null);
      const sourceKey = original
        ? await this.storage.put('faces', await faceSourceCrop(original, face.box, this.maxPixels))
        : null;
      if (sourceKey) {
        keys.push(sourceKey);
      }
      const inserted = await this.dataSource.transaction(async (m) => {
        const result = await m
          .createQueryBuilder()
          .insert()
          .into(FaceSample)
          .values({
            studentId,
            source,
            thumbnailKey: keys[0]!,
            sourceKey,
            photoHash: photo.contentHash,
            box: face.box,
            quality: face.quality,
            detectionScore: face.detectionScore,
            photoFaceId: face.id,
          })
          // The unique photo_face_id makes two concurrent hooks learn a face once.
          .orIgnore()
          .returning(['id'])
          .execute();
        const id = (result.raw as { id: string }[])[0]?.id;
        if (id) {
          await this.embeddings.saveSample(m, id, embeddings);
        }
        return id;
      });
      if (!inserted) {
        await this.storage.delete(keys);
        return 'ALREADY_LEARNED';
      }
      await this.roster.invalidateForStudents([studentId]);
      this.log.info({ studentId, photoFaceId: face.id, source }, 'face joined profile');
      return 'LEARNED';
    } catch (error) {
      await this.storage.delete(keys);
      throw error;
    }
  }

  /**
   * A photo whose other evidence disagrees teaches nothing: another face of the same photo is (or
   * is proposed as) this student, or a teacher marked the student absent or excused in the session.
   */
  private async conflicting(face: PhotoFace, studentId: string): Promise<boolean> {
    const others = await this.dataSource
      .getRepository(PhotoFace)
      .createQueryBuilder('f')
      .where('f.photo_id = :photoId AND f.id <> :id', { photoId: face.photoId, id: face.id })
      .andWhere('f.review_status <> :dismissed', { dismissed: ReviewStatus.DISMISSED })
      .andWhere('(f.student_id = :studentId OR f.candidate_student_id = :studentId)', { studentId })
      .getCount();
    if (others > 0) {
      return true;
    }
    const record = await this.dataSource
      .getRepository(AttendanceRecord)
      .findOneBy({ sessionId: face.sessionId, studentId });
    return (
      record?.source === MarkSource.MANUAL &&
      (record.status === AttendanceStatus.ABSENT || record.status === AttendanceStatus.EXCUSED)
    );
  }

  private async safely<T>(photoFaceId: string, fn: () => Promise<T>): Promise<T | null> {
    try {
      return await fn();
    } catch (error) {
      this.log.warn({ err: error, photoFaceId }, 'profile learning skipped after an error');
      return null;
    }
  }
}

/**
 * True when, under every model both sides have, the profile already holds a face at least
 * `threshold`-similar: a near copy adds weight to one look instead of a new one.
 */
export function isDuplicate(
  face: Embeddings,
  profile: Record<string, number[][]>,
  threshold: number,
): boolean {
  const models = Object.keys(face).filter((m) => (profile[m]?.length ?? 0) > 0);
  return (
    models.length > 0 &&
    models.every((m) => Math.max(...profile[m]!.map((stored) => cosine(face[m]!, stored))) >= threshold)
  );
}

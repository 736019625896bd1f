import sharp from 'sharp';
import type { DataSource } from 'typeorm';
import type { AttendanceRecord } from '../entities/attendance-record.entity';
import { AttendanceSession } from '../entities/attendance-session.entity';
import { PhotoFace, ReviewStatus } from '../entities/photo-face.entity';
import { AnalysisMode, PhotoStatus, SubmittedPhoto } from '../entities/submitted-photo.entity';
import type { AnalyzeOptions, ImageAnalysis, InferenceEngine } from '../inference';
import { InferenceError } from '../inference';
import { MatchDecision, matchFaces, type MatchPolicy } from '../inference/matcher';
import { createLoaders } from '../loaders';
import type { Logger } from '../observability/logger';
import type { PhotoObserver } from '../observability/metrics';
import { Topic, type AppPubSub } from '../pubsub';
import { PermanentJobError, type DeadLetter, type JobContext } from '../queue';
import type { AttendanceRepository } from '../repositories/attendance.repository';
import type { FaceEmbeddingRepository } from '../repositories/face-embedding.repository';
import type { FileStorage } from '../storage/file-storage';
import { toAttendanceEvent } from './attendance.service';
import { ErrorCode, mapInferenceCode } from './domain-error';
import { roundBox } from './enrollment.service';
import type { ProfileLearningService } from './profile-learning.service';
import type { RosterEntry, RosterService } from './roster.service';

/** The queue's name for photo analysis jobs; the job id is the photo id. */
export const PHOTO_ANALYSIS_JOB = 'photo-analysis';

export interface PhotoAnalysisData {
  photoId: string;
}

/** Failures caused by the photo itself: final at once, never retried. */
export const BAD_INPUT_CODES: ReadonlySet<string> = new Set([
  ErrorCode.INVALID_IMAGE,
  ErrorCode.IMAGE_TOO_LARGE,
]);

/** What the degradation controller tells a job to run (src/queue/degradation.ts). */
export interface AnalysisPlan {
  mode: AnalysisMode;
  /** Passed to the engine; `models` and `thumbnails` are honoured by engines that support them. */
  options: AnalyzeOptions & { models?: string[]; thumbnails?: boolean };
}

export interface PhotoAnalysisJobDeps {
  dataSource: DataSource;
  engine: InferenceEngine;
  roster: RosterService;
  embeddings: FaceEmbeddingRepository;
  attendance: AttendanceRepository;
  storage: FileStorage;
  pubsub: AppPubSub;
  policy: MatchPolicy;
  /** The mode for the next photo; FULL when absent. */
  plan?: () => AnalysisPlan;
  observer?: PhotoObserver & { photoMode?(mode: AnalysisMode): void };
  /** Lets very confident faces join profiles (issue 10). */
  learning?: ProfileLearningService;
  /** Called when a photo reaches DONE, FAILED or DEAD_LETTER in this process (submitters waiting). */
  onSettled?: (photoId: string) => void;
  /**
   * Told when this process starts (true) and stops (false) working on a photo, so a submitter
   * waiting here trusts the wake-up over a DONE row seen before the photo's learning is in place.
   */
  onProcessing?: (photoId: string, processing: boolean) => void;
  logger: Logger;
}

/**
 * The job handler of photo analysis: inference, matching, and one transaction writing the faces,
 * the marks and the DONE status. It is safe to run twice for one photo (a stalled job re-run while
 * its first worker was only slow): the photo row is locked and a DONE photo is left alone.
 */
export class PhotoAnalysisJob {
  private readonly log: Logger;

  constructor(private readonly deps: PhotoAnalysisJobDeps) {
    this.log = deps.logger.child({ module: PhotoAnalysisJob.name });
  }

  /** The queue handler. Transient failures throw (the queue retries); bad input throws PermanentJobError. */
  async run(
    data: PhotoAnalysisData,
    ctx: Pick<JobContext, 'attempt' | 'maxAttempts' | 'started'>,
  ): Promise<void> {
    this.deps.onProcessing?.(data.photoId, true);
    try {
      await this.analyse(data, ctx);
    } finally {
      this.deps.onProcessing?.(data.photoId, false);
    }
  }

  private async analyse(
    data: PhotoAnalysisData,
    ctx: Pick<JobContext, 'attempt' | 'maxAttempts' | 'started'>,
  ): Promise<void> {
    const repo = this.deps.dataSource.getRepository(SubmittedPhoto);
    const photo = await repo.findOneBy({ id: data.photoId });
    if (!photo || photo.status === PhotoStatus.DONE || photo.status === PhotoStatus.FAILED) {
      return; // deleted (retention, student erasure) or already finished by an earlier run
    }
    const plan = this.deps.plan?.() ?? { mode: AnalysisMode.FULL, options: {} };
    await repo.update(
      { id: photo.id },
      {
        status: PhotoStatus.PROCESSING,
        attempts: Math.max(ctx.attempt, ctx.started ?? 0),
        analysisMode: plan.mode,
      },
    );
    await this.emitPhoto({ ...photo, status: PhotoStatus.PROCESSING });
    // The roster is fetched while the workers analyse the photo.
    const roster = this.rosterFor(photo);
    roster.catch(() => undefined);
    let bytes: Buffer;
    try {
      bytes = await this.deps.storage.get(photo.storageKey);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new PermanentJobError('The stored photo is missing', ErrorCode.INVALID_IMAGE);
      }
      throw error;
    }
    let analysis: ImageAnalysis;
    try {
      analysis = await this.deps.engine.analyze(bytes, plan.options);
    } catch (error) {
      const code =
        error instanceof InferenceError ? mapInferenceCode(error) : ErrorCode.INFERENCE_UNAVAILABLE;
      const message = error instanceof Error ? error.message : 'inference failed';
      if (BAD_INPUT_CODES.has(code)) {
        throw new PermanentJobError(message, code);
      }
      // Transient (a crashed worker thread, a closing pool): back to QUEUED with the reason; the queue retries.
      if (ctx.attempt < ctx.maxAttempts) {
        await repo.update(
          { id: photo.id },
          { status: PhotoStatus.QUEUED, errorCode: code, errorMessage: message },
        );
        await this.emitPhoto({ ...photo, status: PhotoStatus.QUEUED });
      }
      throw error;
    }
    const marked = await this.record(photo, analysis, await roster, plan.mode, bytes);
    if (marked === null) {
      return;
    }
    this.deps.observer?.photoMode?.(plan.mode);
    await Promise.all(
      marked.map((r) => this.deps.pubsub.emit(Topic.AttendanceMarked, r.sessionId, toAttendanceEvent(r))),
    );
    await this.emitPhoto({ ...photo, status: PhotoStatus.DONE });
    // Very confident faces with a new pose join profiles, under the learning guards (never throws).
    // Before the submitter is woken, so what a photo taught is in place when its answer arrives.
    await this.deps.learning?.learnFromPhoto(photo.id);
    this.deps.onSettled?.(photo.id);
    this.log.info(
      {
        photoId: photo.id,
        faces: analysis.faces.length,
        marked: marked.length,
        ms: analysis.timings.totalMs,
        backend: analysis.backend,
        mode: plan.mode,
        attempt: ctx.attempt,
      },
      'photo processed',
    );
  }

  /** The queue gave up on a photo: FAILED for bad input, DEAD_LETTER when every attempt failed. */
  async deadLetter(data: PhotoAnalysisData, dead: DeadLetter): Promise<void> {
    const repo = this.deps.dataSource.getRepository(SubmittedPhoto);
    const photo = await repo.findOneBy({ id: data.photoId });
    if (!photo || photo.status === PhotoStatus.DONE) {
      return;
    }
    const status = dead.permanent ? PhotoStatus.FAILED : PhotoStatus.DEAD_LETTER;
    const code =
      dead.error instanceof PermanentJobError && dead.error.code
        ? dead.error.code
        : dead.error instanceof InferenceError
          ? mapInferenceCode(dead.error)
          : (photo.errorCode ?? ErrorCode.INFERENCE_UNAVAILABLE);
    const reason = dead.permanent ? dead.reason : `Gave up after ${dead.attempts} attempts: ${dead.reason}`;
    await repo.update(
      { id: photo.id },
      { status, errorCode: code, errorMessage: reason, attempts: dead.attempts, processedAt: new Date() },
    );
    this.log.warn({ photoId: photo.id, code, attempts: dead.attempts, status }, 'photo failed for good');
    this.deps.observer?.photoProcessed('FAILED', Date.now() - photo.submittedAt.getTime(), []);
    await this.emitPhoto({ ...photo, status });
    this.deps.onSettled?.(photo.id);
  }

  private async rosterFor(
    photo: SubmittedPhoto,
  ): Promise<{ session: AttendanceSession; roster: RosterEntry[] }> {
    const session = await this.deps.dataSource
      .getRepository(AttendanceSession)
      .findOneByOrFail({ id: photo.sessionId });
    const loaders = createLoaders(this.deps.dataSource, this.deps.embeddings);
    return {
      session,
      roster: await this.deps.roster.forCourse(session.courseId, loaders),
    };
  }

  /** Matches the faces and writes faces, marks and status in one transaction; null if another run won. */
  private async record(
    photo: SubmittedPhoto,
    analysis: ImageAnalysis,
    { session, roster }: { session: AttendanceSession; roster: RosterEntry[] },
    mode: AnalysisMode,
    bytes: Buffer,
  ): Promise<AttendanceRecord[] | null> {
    const matches = matchFaces(
      analysis.faces.map((f) => ({ embeddings: f.embeddings, quality: f.quality.score })),
      roster,
      this.deps.policy,
    );
    const thumbnails = await this.thumbnails(analysis, bytes);
    const keys = await Promise.all(thumbnails.map((t) => this.deps.storage.put('faces', t)));
    try {
      const saved = await this.deps.dataSource.transaction(async (m) => {
        // Row lock: a second run of the same job (a stall that was only slowness) waits here and
        // then finds DONE, so faces and marks are written once.
        const [current] = await m.query<{ status: PhotoStatus }[]>(
          `SELECT status FROM submitted_photo WHERE id = $1 FOR UPDATE`,
          [photo.id],
        );
        if (!current || current.status === PhotoStatus.DONE || current.status === PhotoStatus.FAILED) {
          return null;
        }
        const rows = matches.map((match) => {
          const face = analysis.faces[match.faceIndex]!;
          const decision = match.decision;
          return m.create(PhotoFace, {
            photoId: photo.id,
            sessionId: photo.sessionId,
            box: roundBox(face.box),
            detectionScore: face.detectionScore,
            quality: face.quality.score,
            studentId: decision === MatchDecision.ACCEPT ? match.studentId : null,
            candidateStudentId: match.candidateStudentId,
            confidence: match.candidateStudentId ? match.confidence : null,
            distance: match.candidateStudentId ? match.distance : null,
            decision,
            reviewStatus: decision === MatchDecision.ACCEPT ? ReviewStatus.NONE : ReviewStatus.PENDING,
            candidates: match.candidates,
            thumbnailKey: keys[match.faceIndex]!,
          });
        });
        // One INSERT for every face of the photo, then one for their embeddings (every model).
        const inserted = rows.length > 0 ? await m.insert(PhotoFace, rows) : { identifiers: [] };
        await this.deps.embeddings.savePhotoFaces(
          m,
          matches.map((match, i) => ({
            photoFaceId: (inserted.identifiers[i] as { id: string }).id,
            embeddings: analysis.faces[match.faceIndex]!.embeddings,
          })),
        );
        const marked: AttendanceRecord[] = [];
        for (const [i, match] of matches.entries()) {
          const faceId = (inserted.identifiers[i] as { id: string } | undefined)?.id;
          if (match.decision === 'ACCEPT' && match.studentId && faceId) {
            const record = await this.deps.attendance.upsertAutoMark(m, {
              sessionId: photo.sessionId,
              studentId: match.studentId,
              confidence: match.confidence,
              seenAt: photo.submittedAt,
              lateAfter: session.lateAfter,
              photoId: photo.id,
              faceId,
            });
            if (record) {
              marked.push(record);
            }
          }
        }
        await m.update(
          SubmittedPhoto,
          { id: photo.id },
          {
            status: PhotoStatus.DONE,
            width: analysis.width,
            height: analysis.height,
            backend: analysis.backend,
            processingMs: Math.round(analysis.timings.totalMs),
            processedAt: new Date(),
            analysisMode: mode,
            errorCode: null,
            errorMessage: null,
          },
        );
        return marked;
      });
      if (saved === null) {
        await this.deps.storage.delete(keys);
        return null;
      }
      this.deps.observer?.photoProcessed(
        'DONE',
        Date.now() - photo.submittedAt.getTime(),
        matches.map((x) => x.decision),
      );
      return saved;
    } catch (error) {
      await this.deps.storage.delete(keys);
      throw error;
    }
  }

  /**
   * Face crops. In MINIMAL mode the engine may skip them; they are then cut here from the stored
   * JPEG in one decode, because review screens and confirmed samples need a crop of every face.
   */
  private async thumbnails(analysis: ImageAnalysis, bytes: Buffer): Promise<Uint8Array[]> {
    if (analysis.faces.every((f) => f.thumbnail && f.thumbnail.length > 0)) {
      return analysis.faces.map((f) => f.thumbnail);
    }
    const { data, info } = await sharp(bytes)
      .rotate()
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const raw = { raw: { width: info.width, height: info.height, channels: info.channels } } as const;
    return Promise.all(
      analysis.faces.map((f) => {
        if (f.thumbnail && f.thumbnail.length > 0) {
          return Promise.resolve(f.thumbnail);
        }
        const side = Math.max(f.box.width, f.box.height) * 1.4;
        const left = Math.max(0, Math.round(f.box.x + f.box.width / 2 - side / 2));
        const top = Math.max(0, Math.round(f.box.y + f.box.height / 2 - side / 2));
        const width = Math.max(1, Math.min(info.width - left, Math.round(side)));
        const height = Math.max(1, Math.min(info.height - top, Math.round(side)));
        return sharp(data, raw)
          .extract({ left, top, width, height })
          .resize(128, 128, { fit: 'contain', background: '#808080' })
          .jpeg({ quality: 85 })
          .toBuffer();
      }),
    );
  }

  private emitPhoto(photo: Pick<SubmittedPhoto, 'id' | 'sessionId' | 'status'>): Promise<void> {
    return this.deps.pubsub.emit(Topic.PhotoProcessed, photo.sessionId, {
      photoId: photo.id,
      sessionId: photo.sessionId,
      status: photo.status,
    });
  }
}

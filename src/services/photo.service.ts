import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { LessThan, type DataSource } from 'typeorm';
import { CourseAction } from '../auth/access';
import type { Viewer } from '../auth/viewer';
import { isUniqueViolation } from '../db/errors';
import type { AttendanceRecord } from '../entities/attendance-record.entity';
import { AttendanceSession } from '../entities/attendance-session.entity';
import { MatchDecision, PhotoFace, ReviewStatus } from '../entities/photo-face.entity';
import { PhotoStatus, SubmittedPhoto } from '../entities/submitted-photo.entity';
import type { ImageAnalysis, InferenceEngine } from '../inference';
import { InferenceError, stripMetadata } from '../inference';
import type { MatchPolicy } from '../inference/matcher';
import { createLoaders } from '../loaders';
import type { Logger } from '../observability/logger';
import type { PhotoObserver } from '../observability/metrics';
import { Topic, type AppPubSub } from '../pubsub';
import type { AttendanceRepository } from '../repositories/attendance.repository';
import type { FaceEmbeddingRepository } from '../repositories/face-embedding.repository';
import type { FileStorage } from '../storage/file-storage';
import { toAttendanceEvent, type AttendanceService } from './attendance.service';
import type { AuditService } from './audit.service';
import { assertId, DomainError, ErrorCode, mapInferenceCode, notFound, throughParent } from './domain-error';
import { roundBox } from './enrollment.service';
import { faceEmbeddings, matchFaces } from './inference-contract';
import type { Page, PageRequest } from './page';
import type { ProfileLearningService } from './profile-learning.service';
import type { RosterEntry, RosterService } from './roster.service';

/** Failures caused by the upload itself: the submitter gets an error and nothing is kept. */
const BAD_INPUT_CODES = new Set<string>([ErrorCode.INVALID_IMAGE, ErrorCode.IMAGE_TOO_LARGE]);

/** A photo left PROCESSING this long belonged to an instance that died; it is taken up again. */
const STALE_PROCESSING_MS = 10 * 60_000;

/** Class photos: submission and recognition. The teacher's review: PhotoReviewService. */
export class PhotoService {
  private readonly log: Logger;
  private readonly inflight = new Map<string, Promise<void>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly sessions: AttendanceService,
    private readonly engine: InferenceEngine,
    private readonly roster: RosterService,
    private readonly embeddings: FaceEmbeddingRepository,
    private readonly attendance: AttendanceRepository,
    private readonly storage: FileStorage,
    private readonly pubsub: AppPubSub,
    private readonly policy: () => MatchPolicy,
    private readonly submitWaitMs: number,
    private readonly audit: AuditService,
    private readonly maxPixels: number,
    logger: Logger,
    /** Counts finished photos and their faces (metrics, issue #6). */
    private readonly observer?: PhotoObserver,
    /** Lets confirmed and very confident faces join profiles (issue 10). */
    private readonly learning?: ProfileLearningService,
  ) {
    this.log = logger.child({ module: PhotoService.name });
  }

  /**
   * Accepts a class photo. Returns the finished analysis when it is ready within the configured
   * wait, else the QUEUED photo (the result follows by subscription). The same bytes submitted
   * twice to a session return the first submission and count once.
   */
  async submit(viewer: Viewer, sessionId: string, bytes: Uint8Array): Promise<SubmittedPhoto> {
    const session = await this.sessions.getOpen(viewer, sessionId, CourseAction.SUBMIT_PHOTOS);
    const contentHash = createHash('sha256').update(bytes).digest('hex');
    const repo = this.dataSource.getRepository(SubmittedPhoto);
    const existing = await repo.findOneBy({ sessionId: session.id, contentHash });
    if (existing) {
      return existing;
    }
    // What is kept is a re-encoded copy without EXIF (GPS, device, owner); a photo sharp cannot read
    // is refused here, before anything is written.
    let clean: Buffer;
    try {
      clean = await stripMetadata(bytes, this.maxPixels);
    } catch (error) {
      if (error instanceof InferenceError) {
        throw new DomainError(mapInferenceCode(error), error.message);
      }
      throw error;
    }
    const storageKey = await this.storage.put('photos', clean);
    let photo: SubmittedPhoto;
    try {
      photo = await repo.save(
        repo.create({ sessionId: session.id, contentHash, storageKey, status: PhotoStatus.QUEUED }),
      );
    } catch (error) {
      await this.storage.delete([storageKey]);
      if (isUniqueViolation(error)) {
        return repo.findOneByOrFail({ sessionId: session.id, contentHash });
      }
      throw error;
    }
    await this.emitPhoto(photo);
    const finished = await Promise.race([
      this.schedule(photo.id, bytes).then(() => true),
      sleep(this.submitWaitMs, false),
    ]);
    const current = await repo.findOneByOrFail({ id: photo.id });
    if (
      finished &&
      current.status === PhotoStatus.FAILED &&
      current.errorCode &&
      BAD_INPUT_CODES.has(current.errorCode)
    ) {
      await repo.delete({ id: current.id });
      await this.storage.delete([current.storageKey]);
      throw new DomainError(
        current.errorCode as ErrorCode,
        current.errorMessage ?? 'The photo could not be read',
      );
    }
    return current;
  }

  async get(viewer: Viewer, photoId: string): Promise<SubmittedPhoto> {
    assertId('Photo', photoId);
    const photo = await this.dataSource.getRepository(SubmittedPhoto).findOneBy({ id: photoId });
    if (!photo) {
      throw notFound('Photo', photoId);
    }
    await throughParent(
      'Photo',
      photoId,
      this.sessions.get(viewer, photo.sessionId, CourseAction.FOLLOW_PHOTOS),
    );
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

  /** Takes up photos left queued by a previous run of any instance. */
  async resumePending(): Promise<number> {
    const repo = this.dataSource.getRepository(SubmittedPhoto);
    await repo.update(
      { status: PhotoStatus.PROCESSING, submittedAt: LessThan(new Date(Date.now() - STALE_PROCESSING_MS)) },
      { status: PhotoStatus.QUEUED },
    );
    const pending = await repo.find({ select: { id: true }, where: { status: PhotoStatus.QUEUED } });
    pending.forEach((p) => void this.schedule(p.id));
    return pending.length;
  }

  /** Resolves when every photo this instance is processing has finished (for shutdown). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.inflight.values()]);
  }

  /** `bytes` spares re-reading a photo this instance has just stored. */
  private schedule(photoId: string, bytes?: Uint8Array): Promise<void> {
    let job = this.inflight.get(photoId);
    if (!job) {
      job = this.process(photoId, bytes)
        .catch((error: unknown) => this.log.error({ err: error, photoId }, 'photo processing crashed'))
        .finally(() => this.inflight.delete(photoId));
      this.inflight.set(photoId, job);
    }
    return job;
  }

  private async process(photoId: string, bytes?: Uint8Array): Promise<void> {
    const repo = this.dataSource.getRepository(SubmittedPhoto);
    // Claiming with a conditional update lets several instances resume the same backlog safely.
    const claimed = await repo.update(
      { id: photoId, status: PhotoStatus.QUEUED },
      { status: PhotoStatus.PROCESSING },
    );
    if (!claimed.affected) {
      return;
    }
    const photo = await repo.findOneByOrFail({ id: photoId });
    await this.emitPhoto(photo);
    // The roster is fetched while the workers analyse the photo.
    const roster = this.rosterFor(photo);
    roster.catch(() => undefined);
    let analysis: ImageAnalysis;
    try {
      analysis = await this.engine.analyze(bytes ?? (await this.storage.get(photo.storageKey)));
    } catch (error) {
      const code =
        error instanceof InferenceError ? mapInferenceCode(error) : ErrorCode.INFERENCE_UNAVAILABLE;
      const message = error instanceof Error ? error.message : 'inference failed';
      await repo.update(
        { id: photo.id },
        { status: PhotoStatus.FAILED, errorCode: code, errorMessage: message, processedAt: new Date() },
      );
      this.log.warn({ photoId, code }, 'photo failed');
      this.observe(photo, 'FAILED', []);
      await this.emitPhoto({ ...photo, status: PhotoStatus.FAILED });
      return;
    }
    let marked: AttendanceRecord[];
    try {
      marked = await this.record(photo, analysis, await roster);
    } catch (error) {
      // Never leave a photo PROCESSING forever: the submitter sees FAILED and can resubmit.
      this.log.error({ err: error, photoId }, 'recording a processed photo failed');
      this.observe(photo, 'FAILED', []);
      await repo.update(
        { id: photo.id },
        {
          status: PhotoStatus.FAILED,
          errorCode: 'INTERNAL_SERVER_ERROR',
          errorMessage: 'The result could not be saved',
          processedAt: new Date(),
        },
      );
      await this.emitPhoto({ ...photo, status: PhotoStatus.FAILED });
      return;
    }
    await Promise.all(
      marked.map((r) => this.pubsub.emit(Topic.AttendanceMarked, r.sessionId, toAttendanceEvent(r))),
    );
    await this.emitPhoto({ ...photo, status: PhotoStatus.DONE });
    await this.learning?.learnFromPhoto(photo.id);
    this.log.info(
      {
        photoId,
        faces: analysis.faces.length,
        marked: marked.length,
        ms: analysis.timings.totalMs,
        backend: analysis.backend,
      },
      'photo processed',
    );
  }

  /** Matches the faces against the course roster and writes faces, marks and status in one transaction. */
  private async rosterFor(
    photo: SubmittedPhoto,
  ): Promise<{ session: AttendanceSession; roster: RosterEntry[] }> {
    const session = await this.dataSource
      .getRepository(AttendanceSession)
      .findOneByOrFail({ id: photo.sessionId });
    const loaders = createLoaders(this.dataSource, this.embeddings);
    return { session, roster: await this.roster.forCourse(session.courseId, loaders) };
  }

  private async record(
    photo: SubmittedPhoto,
    analysis: ImageAnalysis,
    { session, roster }: { session: AttendanceSession; roster: RosterEntry[] },
  ): Promise<AttendanceRecord[]> {
    const embeddings = analysis.faces.map((f) => faceEmbeddings(f));
    const matches = matchFaces(
      analysis.faces.map((f, i) => ({ embeddings: embeddings[i]!, quality: f.quality.score })),
      roster,
      this.policy(),
    );
    const keys = await Promise.all(analysis.faces.map((f) => this.storage.put('faces', f.thumbnail)));
    try {
      const saved = await this.dataSource.transaction(async (m) => {
        const rows = matches.map((match) => {
          const face = analysis.faces[match.faceIndex]!;
          const decision = match.decision as MatchDecision;
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
        // One INSERT for every face of the photo.
        const inserted = rows.length > 0 ? await m.insert(PhotoFace, rows) : { identifiers: [] };
        await this.embeddings.savePhotoFaces(
          m,
          matches.map((match, i) => ({
            photoFaceId: (inserted.identifiers[i] as { id: string }).id,
            embeddings: embeddings[match.faceIndex]!,
          })),
        );
        const marked: AttendanceRecord[] = [];
        for (const [i, match] of matches.entries()) {
          const faceId = (inserted.identifiers[i] as { id: string } | undefined)?.id;
          if (match.decision === 'ACCEPT' && match.studentId && faceId) {
            const record = await this.attendance.upsertAutoMark(m, {
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
          },
        );
        return marked;
      });
      this.observe(
        photo,
        'DONE',
        matches.map((x) => x.decision),
      );
      return saved;
    } catch (error) {
      await this.storage.delete(keys);
      throw error;
    }
  }

  private observe(photo: SubmittedPhoto, status: 'DONE' | 'FAILED', decisions: string[]): void {
    this.observer?.photoProcessed(status, Date.now() - photo.submittedAt.getTime(), decisions);
  }

  private emitPhoto(photo: Pick<SubmittedPhoto, 'id' | 'sessionId' | 'status'>): Promise<void> {
    return this.pubsub.emit(Topic.PhotoProcessed, photo.sessionId, {
      photoId: photo.id,
      sessionId: photo.sessionId,
      status: photo.status,
    });
  }
}

import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { timeout, TimeoutStrategy } from 'cockatiel';
import type { DataSource } from 'typeorm';
import { CourseAction } from '../auth/access';
import type { Viewer } from '../auth/viewer';
import { isUniqueViolation } from '../db/errors';
import { PhotoStatus, SubmittedPhoto } from '../entities/submitted-photo.entity';
import { InferenceError, stripMetadata } from '../inference';
import type { Logger } from '../observability/logger';
import { Topic, type AppPubSub } from '../pubsub';
import type { JobQueue } from '../queue';
import type { FileStorage } from '../storage/file-storage';
import type { AttendanceService } from './attendance.service';
import { DomainError, ErrorCode, mapInferenceCode } from './domain-error';
import { BAD_INPUT_CODES } from './photo-analysis.job';
import { enqueuePhoto, type PhotoJobSettings } from './photo-recovery.service';

/** How long a submission waits to hand its photo to the queue before the sweep takes over. */
const ENQUEUE_TIMEOUT_MS = 1_000;

export interface PhotoSubmissionDeps {
  dataSource: DataSource;
  sessions: AttendanceService;
  storage: FileStorage;
  pubsub: AppPubSub;
  queue: JobQueue;
  jobs: PhotoJobSettings;
  /** How long submitPhoto waits for the result before answering QUEUED. */
  submitWaitMs: number;
  maxPixels: number;
  logger: Logger;
}

const SETTLED = new Set<string>([PhotoStatus.DONE, PhotoStatus.FAILED, PhotoStatus.DEAD_LETTER]);
/** Transient failures: re-submitting the same bytes tries again. */
const RETRYABLE = (p: SubmittedPhoto) =>
  p.status === PhotoStatus.DEAD_LETTER ||
  (p.status === PhotoStatus.FAILED && !(p.errorCode && BAD_INPUT_CODES.has(p.errorCode)));

/**
 * Accepting class photos: store once, queue the analysis, wait briefly for the result. Analysis runs
 * wherever a queue consumer is (this instance or `npm run worker` processes).
 */
export class PhotoSubmissionService {
  private readonly log: Logger;
  /** Submitters waiting on photos this process finishes; others are seen by polling. */
  private readonly waiters = new Map<string, Set<() => void>>();
  /** Photos a job of this process is working on (counted: a stalled job may be re-run here). */
  private readonly inProgressHere = new Map<string, number>();

  constructor(private readonly deps: PhotoSubmissionDeps) {
    this.log = deps.logger.child({ module: PhotoSubmissionService.name });
  }

  /**
   * Accepts a class photo. Returns the finished analysis when it is ready within the configured
   * wait, else the QUEUED photo. The same bytes twice in a session are one photo: a finished one is
   * returned as it is, a stuck or transiently failed one is queued again. Once the photo is stored,
   * an error carries its id (extensions.photoId) so the client can follow it.
   */
  async submit(viewer: Viewer, sessionId: string, bytes: Uint8Array): Promise<SubmittedPhoto> {
    const session = await this.deps.sessions.getOpen(viewer, sessionId, CourseAction.SUBMIT_PHOTOS);
    const contentHash = createHash('sha256').update(bytes).digest('hex');
    const repo = this.deps.dataSource.getRepository(SubmittedPhoto);
    const existing = await repo.findOneBy({ sessionId: session.id, contentHash });
    if (existing) {
      return this.resubmitted(existing);
    }
    // What is kept is a re-encoded copy without EXIF (GPS, device, owner); a photo sharp cannot read
    // is refused here, before anything is written.
    let clean: Buffer;
    try {
      clean = await stripMetadata(bytes, this.deps.maxPixels);
    } catch (error) {
      if (error instanceof InferenceError) {
        throw new DomainError(mapInferenceCode(error), error.message);
      }
      throw error;
    }
    const storageKey = await this.deps.storage.put('photos', clean);
    let photo: SubmittedPhoto;
    try {
      photo = await repo.save(
        repo.create({ sessionId: session.id, contentHash, storageKey, status: PhotoStatus.QUEUED }),
      );
    } catch (error) {
      await this.deps.storage.delete([storageKey]);
      if (isUniqueViolation(error)) {
        return this.resubmitted(await repo.findOneByOrFail({ sessionId: session.id, contentHash }));
      }
      throw error;
    }
    return this.stored(photo.id, () => this.queueAndWait(photo));
  }

  /** What became of a photo a client sent, found by the sha256 of its bytes (hex); null if never stored. */
  async findByHash(viewer: Viewer, sessionId: string, contentHash: string): Promise<SubmittedPhoto | null> {
    const session = await this.deps.sessions.get(viewer, sessionId, CourseAction.FOLLOW_PHOTOS);
    if (!/^[0-9a-f]{64}$/i.test(contentHash)) {
      throw new DomainError(ErrorCode.BAD_USER_INPUT, 'contentHash is the hex sha256 of the photo', {
        field: 'contentHash',
      });
    }
    return this.deps.dataSource
      .getRepository(SubmittedPhoto)
      .findOneBy({ sessionId: session.id, contentHash: contentHash.toLowerCase() });
  }

  /** The job handler calls this when a photo settles here, sparing waiting submitters a poll. */
  settled(photoId: string): void {
    this.waiters.get(photoId)?.forEach((wake) => wake());
  }

  /** The job handler calls this as it starts and stops on a photo. */
  processingHere(photoId: string, processing: boolean): void {
    const count = (this.inProgressHere.get(photoId) ?? 0) + (processing ? 1 : -1);
    if (count > 0) {
      this.inProgressHere.set(photoId, count);
    } else {
      this.inProgressHere.delete(photoId);
    }
  }

  private async resubmitted(photo: SubmittedPhoto): Promise<SubmittedPhoto> {
    if (photo.status === PhotoStatus.DONE || (photo.status === PhotoStatus.FAILED && !RETRYABLE(photo))) {
      return photo;
    }
    return this.stored(photo.id, async () => {
      if (RETRYABLE(photo)) {
        const repo = this.deps.dataSource.getRepository(SubmittedPhoto);
        const reset = await repo.update(
          { id: photo.id, status: photo.status },
          { status: PhotoStatus.QUEUED, attempts: 0, errorCode: null, errorMessage: null, processedAt: null },
        );
        if (reset.affected) {
          this.log.info({ photoId: photo.id, was: photo.status }, 'failed photo submitted again; queued');
        }
        return this.queueAndWait({ ...photo, status: PhotoStatus.QUEUED });
      }
      // QUEUED or PROCESSING: make sure a job exists (a no-op when it does), then wait as usual.
      return this.queueAndWait(photo);
    });
  }

  private async queueAndWait(photo: SubmittedPhoto): Promise<SubmittedPhoto> {
    const repo = this.deps.dataSource.getRepository(SubmittedPhoto);
    const settled = this.waitFor(photo.id);
    try {
      await this.deps.pubsub.emit(Topic.PhotoProcessed, photo.sessionId, {
        photoId: photo.id,
        sessionId: photo.sessionId,
        status: photo.status,
      });
      try {
        // While Redis is unreachable BullMQ waits for it; the submitter must not.
        await timeout(ENQUEUE_TIMEOUT_MS, TimeoutStrategy.Aggressive).execute(() =>
          enqueuePhoto(this.deps.queue, photo.id, this.deps.jobs),
        );
      } catch (error) {
        // The photo is stored QUEUED: the recovery sweep of any instance queues it once the queue
        // is back. The client gets its photo, not an error.
        this.log.warn({ err: error, photoId: photo.id }, 'could not queue a photo now; the sweep will');
      }
      await settled.until(this.deps.submitWaitMs);
    } finally {
      settled.cancel();
    }
    const current = await repo.findOneByOrFail({ id: photo.id });
    if (
      current.status === PhotoStatus.FAILED &&
      current.errorCode &&
      BAD_INPUT_CODES.has(current.errorCode)
    ) {
      // Bad input found only by the analysis: nothing is kept, the submitter gets the error.
      await repo.delete({ id: current.id });
      await this.deps.storage.delete([current.storageKey]);
      throw new DomainError(
        current.errorCode as ErrorCode,
        current.errorMessage ?? 'The photo could not be read',
      );
    }
    return current;
  }

  /** Resolves when the photo settles (woken here or seen in the database) or the wait ends. */
  private waitFor(photoId: string): { until(ms: number): Promise<void>; cancel(): void } {
    let wake!: () => void;
    const woken = new Promise<void>((resolve) => {
      wake = resolve;
    });
    let set = this.waiters.get(photoId);
    if (!set) {
      set = new Set();
      this.waiters.set(photoId, set);
    }
    set.add(wake);
    const controller = new AbortController();
    const poll = async () => {
      const repo = this.deps.dataSource.getRepository(SubmittedPhoto);
      // Another process may finish it: look every 250 ms. A photo this process is working on wakes
      // its submitter itself, once what the photo taught is in place (the row says DONE earlier).
      while (!controller.signal.aborted) {
        await sleep(250, undefined, { signal: controller.signal }).catch(() => undefined);
        if (this.inProgressHere.has(photoId)) {
          continue;
        }
        const row = await repo
          .findOne({ select: { id: true, status: true }, where: { id: photoId } })
          .catch(() => null);
        if (!row || SETTLED.has(row.status)) {
          return;
        }
      }
    };
    return {
      until: (ms) =>
        Promise.race([
          woken,
          poll(),
          sleep(ms, undefined, { signal: controller.signal }).catch(() => undefined),
        ]),
      cancel: () => {
        controller.abort();
        set.delete(wake);
        if (set.size === 0) {
          this.waiters.delete(photoId);
        }
      },
    };
  }

  /** Runs the steps after the photo is stored: any failure then names the photo. */
  private async stored(photoId: string, step: () => Promise<SubmittedPhoto>): Promise<SubmittedPhoto> {
    try {
      return await step();
    } catch (error) {
      if (error instanceof DomainError) {
        throw error;
      }
      this.log.error({ err: error, photoId }, 'a stored photo could not be answered');
      throw new DomainError(
        ErrorCode.INFERENCE_UNAVAILABLE,
        `The photo was stored as ${photoId} but its status could not be read; query photo(id) for the result`,
        { photoId },
      );
    }
  }
}

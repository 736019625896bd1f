import type { DataSource } from 'typeorm';
import { AttendanceSession } from '../entities/attendance-session.entity';
import { Course } from '../entities/course.entity';
import { Institution } from '../entities/institution.entity';
import { PhotoFace } from '../entities/photo-face.entity';
import { SubmittedPhoto } from '../entities/submitted-photo.entity';
import type { Logger } from '../observability/logger';
import type { FileStorage } from '../storage/file-storage';
import { AuditAction, type AuditService } from './audit.service';

/** Rows per purge transaction: keeps each transaction short on a big backlog. */
const BATCH = 200;

/**
 * Class photos and the faces found in them (matched or not) are kept for a retention period, then
 * deleted with their files. Attendance records stay (they lose their link to the photo); profile
 * faces confirmed by teachers are part of the student's profile and go with the student or consent.
 */
export class RetentionService {
  private readonly log: Logger;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly storage: FileStorage,
    private readonly audit: AuditService,
    private readonly retentionDays: number,
    logger: Logger,
  ) {
    this.log = logger.child({ module: RetentionService.name });
  }

  /** Purges now and then every `intervalMinutes`. */
  start(intervalMinutes: number): void {
    const run = () => {
      this.purge().catch((error: unknown) => this.log.error({ err: error }, 'retention purge failed'));
    };
    run();
    this.timer = setInterval(run, intervalMinutes * 60_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Deletes photos submitted before the retention cut-off; returns how many. */
  async purge(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.retentionDays * 86_400_000);
    const institutions = await this.dataSource.getRepository(Institution).find({ select: { id: true } });
    let total = 0;
    for (const institution of institutions) {
      const purged = await this.purgeInstitution(institution.id, cutoff);
      if (purged > 0) {
        await this.audit.record(
          { kind: 'system', institutionId: institution.id },
          AuditAction.RETENTION_PURGE,
          { type: 'SubmittedPhoto' },
          { photos: purged, olderThan: cutoff.toISOString() },
        );
        this.log.info({ institutionId: institution.id, purged }, 'retention purge');
      }
      total += purged;
    }
    return total;
  }

  private async purgeInstitution(institutionId: string, cutoff: Date): Promise<number> {
    let purged = 0;
    for (;;) {
      const photos = await this.dataSource
        .getRepository(SubmittedPhoto)
        .createQueryBuilder('p')
        .innerJoin(AttendanceSession, 's', 's.id = p.session_id')
        .innerJoin(Course, 'c', 'c.id = s.course_id AND c.institution_id = :institutionId', { institutionId })
        .where('p.submitted_at < :cutoff', { cutoff })
        .select(['p.id', 'p.storageKey'])
        .take(BATCH)
        .getMany();
      if (photos.length === 0) {
        return purged;
      }
      const ids = photos.map((p) => p.id);
      const keys = await this.dataSource.transaction(async (m) => {
        const faces = await m
          .getRepository(PhotoFace)
          .createQueryBuilder('f')
          .select('f.thumbnail_key', 'key')
          .where('f.photo_id IN (:...ids)', { ids })
          .getRawMany<{ key: string }>();
        await m.delete(SubmittedPhoto, ids);
        return [...photos.map((p) => p.storageKey), ...faces.map((f) => f.key)];
      });
      await this.storage.delete(keys);
      purged += photos.length;
    }
  }
}

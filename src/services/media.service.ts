import type { DataSource } from 'typeorm';
import type { TokenSigner } from '../auth/tokens';
import { actorId, type Viewer } from '../auth/viewer';
import type { Cache } from '../cache/cache';
import { FaceSample } from '../entities/face-sample.entity';
import { PhotoFace } from '../entities/photo-face.entity';
import { SubmittedPhoto } from '../entities/submitted-photo.entity';
import type { FileStorage } from '../storage/file-storage';
import { AuditAction, type AuditService } from './audit.service';

/** The kinds of stored image served behind signed links. */
export type MediaKind = 'photos' | 'photo-faces' | 'face-samples';

/** One "viewed" audit event per viewer and student per hour is enough to answer "who looked?". */
const VIEW_AUDIT_WINDOW_SECONDS = 3600;

/**
 * Stored images behind signed URLs. The signature (issued only to a viewer allowed to see the
 * record, see Context.mediaUrl) is the authorisation, so the lookup here is by id alone.
 */
export class MediaService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly storage: FileStorage,
    private readonly audit: AuditService,
    private readonly cache: Cache,
    private readonly signer: Pick<TokenSigner, 'verifyMediaPath'>,
  ) {}

  /** The image behind a signed link; null when the link is malformed, forged or expired, or the image gone. */
  readSigned(kind: MediaKind, id: string, query: Record<string, unknown>): Promise<Buffer | null> {
    const { exp, sig } = query;
    if (
      typeof exp !== 'string' ||
      typeof sig !== 'string' ||
      !this.signer.verifyMediaPath(kind, id, exp, sig)
    ) {
      return Promise.resolve(null);
    }
    return this.read(kind, id);
  }

  private async read(kind: MediaKind, id: string): Promise<Buffer | null> {
    switch (kind) {
      case 'photos': {
        const photo = await this.dataSource.getRepository(SubmittedPhoto).findOneBy({ id });
        return photo ? this.storage.get(photo.storageKey).catch(() => null) : null;
      }
      case 'photo-faces': {
        const face = await this.dataSource.getRepository(PhotoFace).findOneBy({ id });
        return face ? this.storage.get(face.thumbnailKey).catch(() => null) : null;
      }
      case 'face-samples': {
        const face = await this.dataSource.getRepository(FaceSample).findOneBy({ id });
        return face ? this.storage.get(face.thumbnailKey).catch(() => null) : null;
      }
    }
  }

  /** Called when a viewer is handed links to a student's enrolled faces. */
  async noteFacesViewed(viewer: Viewer, studentId: string): Promise<void> {
    if (viewer.kind === 'anonymous') {
      return;
    }
    const key = `audit:viewed:${actorId(viewer)}:${studentId}`;
    if (await this.cache.get(key)) {
      return;
    }
    await this.cache.set(key, 1, VIEW_AUDIT_WINDOW_SECONDS);
    await this.audit.record(viewer, AuditAction.FACE_VIEWED, { type: 'Student', id: studentId });
  }
}

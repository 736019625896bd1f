import type { DataSource, EntityManager } from 'typeorm';
import { requireAdmin } from '../auth/access';
import { actorId, actorLabel, type AuthenticatedViewer, type Viewer } from '../auth/viewer';
import { AuditEvent } from '../entities/audit-event.entity';
import type { Page, PageRequest } from './page';

export enum AuditAction {
  FACES_ENROLLED = 'FACES_ENROLLED',
  FACE_DELETED = 'FACE_DELETED',
  FACE_VIEWED = 'FACE_VIEWED',
  FACE_CONFIRMED = 'FACE_CONFIRMED',
  FACE_DISMISSED = 'FACE_DISMISSED',
  ATTENDANCE_CORRECTED = 'ATTENDANCE_CORRECTED',
  STUDENT_DELETED = 'STUDENT_DELETED',
  CONSENT_WITHDRAWN = 'CONSENT_WITHDRAWN',
  DATA_EXPORTED = 'DATA_EXPORTED',
  RETENTION_PURGE = 'RETENTION_PURGE',
}

/** Append-only log of who touched face data. Details never include embeddings or images. */
export class AuditService {
  constructor(private readonly dataSource: DataSource) {}

  /** Records an event, inside the caller's transaction when one is given. */
  async record(
    viewer: AuthenticatedViewer,
    action: AuditAction,
    target: { type: string; id?: string | null },
    details: Record<string, unknown> | null = null,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    await manager.save(
      manager.create(AuditEvent, {
        institutionId: viewer.institutionId,
        actor: actorId(viewer),
        actorLabel: actorLabel(viewer),
        action,
        targetType: target.type,
        targetId: target.id ?? null,
        details,
      }),
    );
  }

  async list(viewer: Viewer, page: PageRequest, targetId?: string | null): Promise<Page<AuditEvent>> {
    const admin = requireAdmin(viewer);
    const [items, total] = await this.dataSource.getRepository(AuditEvent).findAndCount({
      where: { institutionId: admin.institutionId, ...(targetId ? { targetId } : {}) },
      order: { at: 'DESC' },
      skip: page.skip,
      take: page.take,
    });
    return { items, total, hasMore: page.skip + items.length < total };
  }
}

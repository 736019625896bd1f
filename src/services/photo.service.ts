import type { DataSource } from 'typeorm';
import { CourseAction } from '../auth/access';
import type { Viewer } from '../auth/viewer';
import { SubmittedPhoto } from '../entities/submitted-photo.entity';
import type { AttendanceService } from './attendance.service';
import { assertId, notFound, throughParent } from './domain-error';
import type { Page, PageRequest } from './page';

/**
 * Class photos as stored: reading them, for whoever may follow the session's photos. Submission is
 * PhotoSubmissionService, the analysis the PhotoAnalysisJob queue handler, the teacher's review
 * PhotoReviewService.
 */
export class PhotoService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sessions: AttendanceService,
  ) {}

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
}

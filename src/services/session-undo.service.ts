import { In, IsNull, type DataSource } from 'typeorm';
import { CourseAction, requireAuthenticated } from '../auth/access';
import type { Viewer } from '../auth/viewer';
import { AttendanceRecord, AttendanceStatus } from '../entities/attendance-record.entity';
import { PhotoFace, ReviewStatus } from '../entities/photo-face.entity';
import { SessionAction, SessionActionKind } from '../entities/session-action.entity';
import { Topic, type AppPubSub } from '../pubsub';
import { toAttendanceEvent, type AttendanceService } from './attendance.service';
import { assertId, DomainError, ErrorCode, notFound } from './domain-error';
import type { ProfileLearningService } from './profile-learning.service';
import { restoreRecord, unchangedSince } from './session-actions';

export interface UndoOutcome {
  action: SessionAction;
  /** Records put back as they were. */
  records: AttendanceRecord[];
  /** Students whose record the undo removed (they are "not seen" again). */
  clearedStudentIds: string[];
}

/**
 * Takes back a teacher's review or marking action, newest first. Each undo restores what the action
 * changed (faces, the profile sample a confirmation added, attendance records), unless a later
 * photo changed that record since: newer evidence is kept.
 */
export class SessionUndoService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sessions: AttendanceService,
    private readonly pubsub: AppPubSub,
    private readonly learning?: ProfileLearningService,
  ) {}

  /** The action an undo would take back now, if any. */
  async lastAction(viewer: Viewer, sessionId: string): Promise<SessionAction | null> {
    const session = await this.sessions.get(viewer, sessionId);
    return this.latest(session.id);
  }

  private latest(sessionId: string): Promise<SessionAction | null> {
    return this.dataSource.getRepository(SessionAction).findOne({
      where: { sessionId, undoneAt: IsNull() },
      order: { createdAt: 'DESC', id: 'DESC' },
    });
  }

  /**
   * Undoes the session's latest action, or `actionId` when it is the latest (anything older must
   * wait until the actions after it are undone, so no later decision is silently lost).
   */
  async undo(viewer: Viewer, sessionId: string, actionId?: string | null): Promise<UndoOutcome> {
    const session = await this.sessions.get(viewer, sessionId, CourseAction.MANAGE);
    requireAuthenticated(viewer);
    if (actionId) {
      assertId('SessionAction', actionId);
    }
    /** Faces whose confirmation is undone: what they taught the profile goes after the commit. */
    const unlearn: string[] = [];
    const outcome = await this.dataSource.transaction(async (m) => {
      // Locks the session's undo log against a concurrent undo of the same action.
      const latest = await m
        .getRepository(SessionAction)
        .createQueryBuilder('a')
        .setLock('pessimistic_write')
        .where('a.session_id = :sessionId AND a.undone_at IS NULL', { sessionId: session.id })
        .orderBy('a.created_at', 'DESC')
        .addOrderBy('a.id', 'DESC')
        .getOne();
      if (actionId && latest?.id !== actionId) {
        const exists = await m.existsBy(SessionAction, { id: actionId, sessionId: session.id });
        if (!exists) {
          throw notFound('SessionAction', actionId);
        }
        throw new DomainError(
          ErrorCode.CONFLICT,
          'Only the latest change can be undone; undo the changes made after it first',
        );
      }
      if (!latest) {
        throw new DomainError(ErrorCode.CONFLICT, 'There is nothing to undo in this session');
      }
      const records: AttendanceRecord[] = [];
      const cleared: string[] = [];
      const payload = latest.payload;
      const putBack = async (
        studentId: string,
        before: Parameters<typeof restoreRecord>[3],
        after: Parameters<typeof unchangedSince>[1],
      ) => {
        const current = await m.findOneBy(AttendanceRecord, { sessionId: session.id, studentId });
        if (!unchangedSince(current, after)) {
          return false;
        }
        const restored = await restoreRecord(m, session.id, studentId, before);
        if (restored) {
          records.push(restored);
        } else {
          cleared.push(studentId);
        }
        return true;
      };
      switch (payload.kind) {
        case SessionActionKind.CONFIRM_FACE: {
          await m.update(
            PhotoFace,
            { id: payload.faceId },
            {
              reviewStatus: payload.faceBefore.reviewStatus as ReviewStatus,
              studentId: payload.faceBefore.studentId,
            },
          );
          unlearn.push(payload.faceId);
          await putBack(payload.studentId, payload.recordBefore, payload.recordAfter);
          break;
        }
        case SessionActionKind.DISMISS_FACES:
          for (const face of payload.faces) {
            await m.update(
              PhotoFace,
              { id: face.id, reviewStatus: ReviewStatus.DISMISSED },
              { reviewStatus: face.reviewStatus as ReviewStatus },
            );
          }
          break;
        case SessionActionKind.MARK: {
          const restored = await putBack(payload.studentId, payload.recordBefore, payload.recordAfter);
          if (!restored) {
            throw new DomainError(
              ErrorCode.CONFLICT,
              'This mark was changed again since (by a photo or a teacher), so it was kept',
            );
          }
          break;
        }
        case SessionActionKind.MARK_REST_ABSENT: {
          // Only the absences still as that action left them: a student seen since stays seen.
          const rows = await m.findBy(AttendanceRecord, { id: In(payload.recordIds) });
          const untouched = rows.filter(
            (r) => r.status === AttendanceStatus.ABSENT && r.confidence === null && !r.faceId,
          );
          if (untouched.length > 0) {
            await m.delete(AttendanceRecord, { id: In(untouched.map((r) => r.id)) });
          }
          cleared.push(...untouched.map((r) => r.studentId));
          break;
        }
      }
      await m.update(SessionAction, { id: latest.id }, { undoneAt: new Date() });
      return {
        action: { ...latest, undoneAt: new Date() },
        records,
        clearedStudentIds: cleared,
      };
    });
    for (const faceId of unlearn) {
      await this.learning?.undoLearning(faceId);
    }
    await Promise.all(
      outcome.records.map((r) => this.pubsub.emit(Topic.AttendanceMarked, r.sessionId, toAttendanceEvent(r))),
    );
    return outcome;
  }
}

import type { EntityManager } from 'typeorm';
import { actorLabel, type AuthenticatedViewer } from '../auth/viewer';
import { AttendanceRecord, AttendanceStatus, type MarkSource } from '../entities/attendance-record.entity';
import {
  SessionAction,
  type RecordSnapshot,
  type SessionActionPayload,
} from '../entities/session-action.entity';

// The undo log's shared pieces: actions write an entry in their own transaction, with snapshots of
// the records they change, so undo can put back exactly what was there.

export function snapshot(record: AttendanceRecord): RecordSnapshot {
  return {
    id: record.id,
    studentId: record.studentId,
    status: record.status,
    confidence: record.confidence,
    firstSeenAt: record.firstSeenAt ? record.firstSeenAt.toISOString() : null,
    photoId: record.photoId,
    faceId: record.faceId,
    source: record.source,
    note: record.note,
  };
}

/** True when the record still says what `snap` says (nobody and no photo changed it since). */
export function unchangedSince(record: AttendanceRecord | null, snap: RecordSnapshot): boolean {
  if (!record) {
    return false;
  }
  const now = snapshot(record);
  return (
    now.status === snap.status &&
    now.source === snap.source &&
    now.faceId === snap.faceId &&
    now.photoId === snap.photoId &&
    now.note === snap.note &&
    now.firstSeenAt === snap.firstSeenAt &&
    (now.confidence ?? -1).toFixed(4) === (snap.confidence ?? -1).toFixed(4)
  );
}

/** Puts a record back as `snap` says, or removes it when there was none before. */
export async function restoreRecord(
  m: EntityManager,
  sessionId: string,
  studentId: string,
  snap: RecordSnapshot | null,
): Promise<AttendanceRecord | null> {
  if (!snap) {
    await m.delete(AttendanceRecord, { sessionId, studentId });
    return null;
  }
  const saved = await m.save(
    m.create(AttendanceRecord, {
      id: snap.id,
      sessionId,
      studentId,
      status: snap.status as AttendanceStatus,
      confidence: snap.confidence,
      firstSeenAt: snap.firstSeenAt ? new Date(snap.firstSeenAt) : null,
      photoId: snap.photoId,
      faceId: snap.faceId,
      source: snap.source as MarkSource,
      note: snap.note,
    }),
  );
  return m.findOneByOrFail(AttendanceRecord, { id: saved.id });
}

export async function logAction(
  m: EntityManager,
  viewer: AuthenticatedViewer,
  sessionId: string,
  summary: string,
  payload: SessionActionPayload,
): Promise<SessionAction> {
  return m.save(
    m.create(SessionAction, {
      sessionId,
      kind: payload.kind,
      summary,
      actor: actorLabel(viewer),
      payload,
      undoneAt: null,
    }),
  );
}

/** How strongly a status says the student was there: a confirmation never moves a mark down. */
export const STANDING: Record<AttendanceStatus, number> = {
  [AttendanceStatus.PRESENT]: 3,
  [AttendanceStatus.LATE]: 2,
  [AttendanceStatus.EXCUSED]: 1,
  [AttendanceStatus.ABSENT]: 0,
};

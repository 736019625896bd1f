import type { EntityManager } from 'typeorm';
import { AttendanceRecord, AttendanceStatus, MarkSource } from '../entities/attendance-record.entity';

export interface AutoMark {
  sessionId: string;
  studentId: string;
  confidence: number;
  seenAt: Date;
  lateAfter: Date;
  photoId: string;
  faceId: string;
}

/** Attendance writes that must be atomic under concurrent photos of the same session. */
export class AttendanceRepository {
  /**
   * Marks a recognised student, or strengthens an existing automatic or confirmed mark (the stronger
   * evidence wins, and says where it came from). Never overrides a teacher's manual decision. Returns the record when it was created or changed, else null.
   */
  async upsertAutoMark(manager: EntityManager, mark: AutoMark): Promise<AttendanceRecord | null> {
    const rows: unknown = await manager.query(
      `INSERT INTO attendance_record
         (session_id, student_id, status, confidence, first_seen_at, photo_id, face_id, source)
       VALUES ($1, $2, CASE WHEN $4::timestamptz > $5::timestamptz THEN 'LATE' ELSE 'PRESENT' END,
               $3, $4, $6, $7, 'AUTO')
       ON CONFLICT (session_id, student_id) DO UPDATE SET
         confidence = GREATEST(attendance_record.confidence, EXCLUDED.confidence),
         first_seen_at = LEAST(attendance_record.first_seen_at, EXCLUDED.first_seen_at),
         status = CASE WHEN LEAST(attendance_record.first_seen_at, EXCLUDED.first_seen_at) > $5::timestamptz
                       THEN 'LATE' ELSE 'PRESENT' END,
         photo_id = CASE WHEN EXCLUDED.confidence > COALESCE(attendance_record.confidence, -1)
                         THEN EXCLUDED.photo_id ELSE attendance_record.photo_id END,
         face_id = CASE WHEN EXCLUDED.confidence > COALESCE(attendance_record.confidence, -1)
                        THEN EXCLUDED.face_id ELSE attendance_record.face_id END,
         source = CASE WHEN EXCLUDED.confidence > COALESCE(attendance_record.confidence, -1)
                       THEN 'AUTO' ELSE attendance_record.source END,
         updated_at = now()
       WHERE attendance_record.source IN ('AUTO', 'CONFIRMED')
         AND (attendance_record.confidence IS NULL
              OR EXCLUDED.confidence > attendance_record.confidence
              OR EXCLUDED.first_seen_at < attendance_record.first_seen_at)
       RETURNING id`,
      [
        mark.sessionId,
        mark.studentId,
        mark.confidence,
        mark.seenAt.toISOString(),
        mark.lateAfter.toISOString(),
        mark.photoId,
        mark.faceId,
      ],
    );
    const id = (rows as { id: string }[])[0]?.id;
    return id ? manager.findOneByOrFail(AttendanceRecord, { id }) : null;
  }

  /** Records ABSENT for every enrolled student without a record; returns the new records. */
  async markRestAbsent(
    manager: EntityManager,
    sessionId: string,
    courseId: string,
  ): Promise<AttendanceRecord[]> {
    const rows: unknown = await manager.query(
      `INSERT INTO attendance_record (session_id, student_id, status, source)
       SELECT $1, e.student_id, $3, $4 FROM course_enrollment e WHERE e.course_id = $2
       ON CONFLICT (session_id, student_id) DO NOTHING
       RETURNING id`,
      [sessionId, courseId, AttendanceStatus.ABSENT, MarkSource.AUTO],
    );
    const ids = (rows as { id: string }[]).map((r) => r.id);
    return ids.length === 0 ? [] : manager.getRepository(AttendanceRecord).findBy(ids.map((id) => ({ id })));
  }
}

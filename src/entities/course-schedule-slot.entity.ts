import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A weekly timetable slot of a course: a session opens at its start and closes at its end. */
@Entity('course_schedule_slot')
export class CourseScheduleSlot {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'course_id', type: 'uuid' })
  courseId: string;

  /** ISO weekday: 1 = Monday ... 7 = Sunday. */
  @Column({ type: 'smallint' })
  weekday: number;

  /** Minutes after local midnight. */
  @Column({ name: 'start_minute', type: 'smallint' })
  startMinute: number;

  @Column({ name: 'end_minute', type: 'smallint' })
  endMinute: number;

  /** IANA time zone the slot times are in. */
  @Column({ type: 'text' })
  timezone: string;

  @Column({ name: 'late_after_minutes', type: 'integer', nullable: true })
  lateAfterMinutes: number | null;
}

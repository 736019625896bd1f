import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** A student taking a course. Composite key: a student is enrolled in a course once. */
@Entity('course_enrollment')
@Index(['studentId'])
export class CourseEnrollment {
  @PrimaryColumn({ name: 'course_id', type: 'uuid' })
  courseId: string;

  @PrimaryColumn({ name: 'student_id', type: 'uuid' })
  studentId: string;

  /** The OneRoster enrollment that created the link, if any. */
  @Column({ name: 'sourced_id', type: 'text', nullable: true })
  sourcedId: string | null;

  @CreateDateColumn({ name: 'enrolled_at', type: 'timestamptz' })
  enrolledAt: Date;
}

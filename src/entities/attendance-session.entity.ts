import { Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@ObjectType()
@Entity('attendance_session')
@Index(['courseId', 'openedAt'])
export class AttendanceSession {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Field(() => ID)
  @Column({ name: 'course_id', type: 'uuid' })
  courseId: string;

  @Field()
  @Column({ name: 'opened_at', type: 'timestamptz' })
  openedAt: Date;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  @Field({ description: 'Students first seen after this time are marked LATE.' })
  @Column({ name: 'late_after', type: 'timestamptz' })
  lateAfter: Date;

  @Field(() => ID, { nullable: true, description: 'The timetable slot that opened this session, if any.' })
  @Column({ name: 'slot_id', type: 'uuid', nullable: true })
  slotId: string | null;

  @Field(() => Date, { nullable: true, description: "The slot's start, for scheduled sessions." })
  @Column({ name: 'scheduled_start', type: 'timestamptz', nullable: true })
  scheduledStart: Date | null;

  @Field(() => Date, { nullable: true, description: "The slot's end: the session closes on its own then." })
  @Column({ name: 'scheduled_end', type: 'timestamptz', nullable: true })
  scheduledEnd: Date | null;
}

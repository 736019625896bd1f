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
}

import { Field, Float, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { SameForEveryViewer } from './same-for-every-viewer';

export enum AttendanceStatus {
  PRESENT = 'PRESENT',
  LATE = 'LATE',
  ABSENT = 'ABSENT',
  EXCUSED = 'EXCUSED',
}
registerEnumType(AttendanceStatus, { name: 'AttendanceStatus' });

export enum MarkSource {
  AUTO = 'AUTO',
  MANUAL = 'MANUAL',
  CONFIRMED = 'CONFIRMED',
}
registerEnumType(MarkSource, {
  name: 'MarkSource',
  description:
    'AUTO: recognised in a photo; MANUAL: set by a teacher; CONFIRMED: a face a teacher confirmed in a photo.',
});

@ObjectType()
@Entity('attendance_record')
@Index(['sessionId', 'studentId'], { unique: true })
@Index(['studentId'])
export class AttendanceRecord {
  @SameForEveryViewer()
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @SameForEveryViewer()
  @Field(() => ID)
  @Column({ name: 'session_id', type: 'uuid' })
  sessionId: string;

  @SameForEveryViewer()
  @Field(() => ID)
  @Column({ name: 'student_id', type: 'uuid' })
  studentId: string;

  @SameForEveryViewer()
  @Field(() => AttendanceStatus)
  @Column({ type: 'text' })
  status: AttendanceStatus;

  @SameForEveryViewer()
  @Field(() => Float, { nullable: true, description: 'Calibrated confidence of the recognition, 0..1.' })
  @Column({ type: 'real', nullable: true })
  confidence: number | null;

  @SameForEveryViewer()
  @Field(() => Date, { nullable: true })
  @Column({ name: 'first_seen_at', type: 'timestamptz', nullable: true })
  firstSeenAt: Date | null;

  @SameForEveryViewer()
  @Field(() => ID, { nullable: true })
  @Column({ name: 'photo_id', type: 'uuid', nullable: true })
  photoId: string | null;

  @SameForEveryViewer()
  @Field(() => ID, { nullable: true })
  @Column({ name: 'face_id', type: 'uuid', nullable: true })
  faceId: string | null;

  @SameForEveryViewer()
  @Field(() => MarkSource)
  @Column({ type: 'text' })
  source: MarkSource;

  @SameForEveryViewer()
  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  note: string | null;

  @SameForEveryViewer()
  @Field()
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

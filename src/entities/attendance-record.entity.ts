import { Field, Float, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

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
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Field(() => ID)
  @Column({ name: 'session_id', type: 'uuid' })
  sessionId: string;

  @Field(() => ID)
  @Column({ name: 'student_id', type: 'uuid' })
  studentId: string;

  @Field(() => AttendanceStatus)
  @Column({ type: 'text' })
  status: AttendanceStatus;

  @Field(() => Float, { nullable: true, description: 'Calibrated confidence of the recognition, 0..1.' })
  @Column({ type: 'real', nullable: true })
  confidence: number | null;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'first_seen_at', type: 'timestamptz', nullable: true })
  firstSeenAt: Date | null;

  @Field(() => ID, { nullable: true })
  @Column({ name: 'photo_id', type: 'uuid', nullable: true })
  photoId: string | null;

  @Field(() => ID, { nullable: true })
  @Column({ name: 'face_id', type: 'uuid', nullable: true })
  faceId: string | null;

  @Field(() => MarkSource)
  @Column({ type: 'text' })
  source: MarkSource;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Field()
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

import { Field, Float, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { BoxType } from './box.type';

export enum FaceSampleSource {
  ENROLLMENT = 'ENROLLMENT',
  CONFIRMED = 'CONFIRMED',
}
registerEnumType(FaceSampleSource, {
  name: 'FaceSampleSource',
  description: 'ENROLLMENT: uploaded by a teacher; CONFIRMED: a class-photo face a teacher confirmed.',
});

/** One face of a student's profile: the stored crop, its quality and its embedding. */
@ObjectType()
@Entity('face_sample')
@Index(['studentId'])
export class FaceSample {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Field(() => ID)
  @Column({ name: 'student_id', type: 'uuid' })
  studentId: string;

  @Field(() => FaceSampleSource)
  @Column({ type: 'text' })
  source: FaceSampleSource;

  /** Storage key of the face thumbnail (no EXIF). */
  @Column({ name: 'thumbnail_key', type: 'text' })
  thumbnailKey: string;

  /** sha256 of the photo the face came from, to refuse the same photo twice. */
  @Column({ name: 'photo_hash', type: 'text' })
  photoHash: string;

  @Field(() => BoxType)
  @Column({ type: 'jsonb' })
  box: BoxType;

  @Field(() => Float, { description: 'Overall face quality, 0..1.' })
  @Column({ type: 'real' })
  quality: number;

  @Field(() => Float)
  @Column({ name: 'detection_score', type: 'real' })
  detectionScore: number;

  /** Never exposed over the API and never logged. */
  @Column({ type: 'real', array: true })
  embedding: number[];

  @Field({ description: 'Embedding model that produced the stored embedding.' })
  @Column({ type: 'text' })
  model: string;

  @Field()
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

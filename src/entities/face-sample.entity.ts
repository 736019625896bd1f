import { Field, Float, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { BoxType } from './box.type';

export enum FaceSampleSource {
  ENROLLMENT = 'ENROLLMENT',
  CONFIRMED = 'CONFIRMED',
  LEARNED = 'LEARNED',
}
registerEnumType(FaceSampleSource, {
  name: 'FaceSampleSource',
  description:
    'ENROLLMENT: uploaded by a teacher; CONFIRMED: a class-photo face a teacher confirmed; ' +
    'LEARNED: an automatically accepted face, very confident, that added a new look to the profile.',
});

/** One face of a student's profile: the stored crop and its quality; embeddings per model in face_embedding. */
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

  /**
   * Storage key of a larger crop around the face (context kept, no EXIF), from which models added
   * later re-embed the sample; null for samples stored before it existed (the thumbnail serves).
   */
  @Column({ name: 'source_key', type: 'text', nullable: true })
  sourceKey: string | null;

  /** The class-photo face a CONFIRMED or LEARNED sample came from (undo removes the sample). */
  @Column({ name: 'photo_face_id', type: 'uuid', nullable: true })
  photoFaceId: string | null;

  @Field()
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

import { Field, Float, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { MatchDecision } from '../inference/matcher';
import { BoxType } from './box.type';

registerEnumType(MatchDecision, {
  name: 'MatchDecision',
  description:
    'ACCEPT: marked present automatically; REVIEW: a plausible candidate awaits a teacher; UNKNOWN: nobody enrolled matches.',
});

export enum ReviewStatus {
  NONE = 'NONE',
  PENDING = 'PENDING',
  CONFIRMED = 'CONFIRMED',
  DISMISSED = 'DISMISSED',
}
registerEnumType(ReviewStatus, { name: 'ReviewStatus' });

/** A face found in a submitted photo, matched or not. Unmatched ones are kept for review. */
@ObjectType('PhotoFace')
@Entity('photo_face')
@Index(['photoId'])
@Index(['sessionId', 'decision'])
export class PhotoFace {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Field(() => ID)
  @Column({ name: 'photo_id', type: 'uuid' })
  photoId: string;

  @Field(() => ID)
  @Column({ name: 'session_id', type: 'uuid' })
  sessionId: string;

  @Field(() => BoxType)
  @Column({ type: 'jsonb' })
  box: BoxType;

  @Field(() => Float)
  @Column({ name: 'detection_score', type: 'real' })
  detectionScore: number;

  @Field(() => Float, { description: 'Overall face quality, 0..1.' })
  @Column({ type: 'real' })
  quality: number;

  @Column({ name: 'student_id', type: 'uuid', nullable: true })
  studentId: string | null;

  /** Best candidate even when not accepted, shown to the teacher on review. */
  @Column({ name: 'candidate_student_id', type: 'uuid', nullable: true })
  candidateStudentId: string | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Calibrated probability that the match (or candidate) is this face, 0..1.',
  })
  @Column({ type: 'real', nullable: true })
  confidence: number | null;

  @Field(() => Float, { nullable: true, description: 'Embedding distance to the matched/candidate student.' })
  @Column({ type: 'real', nullable: true })
  distance: number | null;

  @Field(() => MatchDecision)
  @Column({ type: 'text' })
  decision: MatchDecision;

  @Field(() => ReviewStatus)
  @Column({ name: 'review_status', type: 'text', default: ReviewStatus.NONE })
  reviewStatus: ReviewStatus;

  /** The matcher's top candidates (best first) with their fused confidence; the API resolves students. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  candidates: { studentId: string; confidence: number }[];

  @Column({ name: 'thumbnail_key', type: 'text' })
  thumbnailKey: string;

  @Field()
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export enum PhotoStatus {
  QUEUED = 'QUEUED',
  PROCESSING = 'PROCESSING',
  DONE = 'DONE',
  FAILED = 'FAILED',
  /** Gave up after every attempt failed transiently (errorMessage says why); re-submitting retries it. */
  DEAD_LETTER = 'DEAD_LETTER',
}
registerEnumType(PhotoStatus, { name: 'PhotoStatus' });

/** Degradation modes (issue #11): what optional work a photo's analysis ran. */
export enum AnalysisMode {
  /** Everything: tiling for small faces, every embedding model, face thumbnails. */
  FULL = 'FULL',
  /** No tiling and only the primary model. */
  REDUCED = 'REDUCED',
  /** Also no thumbnails: marks only, as fast as possible. */
  MINIMAL = 'MINIMAL',
}
registerEnumType(AnalysisMode, { name: 'AnalysisMode' });

/** A class photo submitted to a session. The same bytes are accepted once per session. */
@ObjectType('PhotoAnalysis')
@Entity('submitted_photo')
@Index(['sessionId', 'contentHash'], { unique: true })
export class SubmittedPhoto {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Field(() => ID)
  @Column({ name: 'session_id', type: 'uuid' })
  sessionId: string;

  @Field({ description: 'sha256 of the uploaded bytes.' })
  @Column({ name: 'content_hash', type: 'text' })
  contentHash: string;

  @Column({ name: 'storage_key', type: 'text' })
  storageKey: string;

  @Field(() => PhotoStatus)
  @Column({ type: 'text' })
  status: PhotoStatus;

  @Field(() => String, {
    nullable: true,
    description: "Error code when FAILED or DEAD_LETTER; while QUEUED for a retry, the last attempt's error.",
  })
  @Column({ name: 'error_code', type: 'text', nullable: true })
  errorCode: string | null;

  @Field(() => String, { nullable: true, description: 'Why it failed (the reason of a dead letter).' })
  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage: string | null;

  @Field(() => Int, { nullable: true })
  @Column({ type: 'int', nullable: true })
  width: number | null;

  @Field(() => Int, { nullable: true })
  @Column({ type: 'int', nullable: true })
  height: number | null;

  @Field(() => String, { nullable: true, description: 'TensorFlow.js backend that analysed it.' })
  @Column({ type: 'text', nullable: true })
  backend: string | null;

  @Field(() => Int, { nullable: true, description: 'Inference time in the worker, ms.' })
  @Column({ name: 'processing_ms', type: 'int', nullable: true })
  processingMs: number | null;

  @Field(() => Int, { description: 'Analysis attempts started so far (retries after transient faults).' })
  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Field(() => AnalysisMode, {
    nullable: true,
    description:
      'How fully it was analysed: FULL, or REDUCED / MINIMAL when the system shed optional work under load.',
  })
  @Column({ name: 'analysis_mode', type: 'text', nullable: true })
  analysisMode: AnalysisMode | null;

  @Field()
  @CreateDateColumn({ name: 'submitted_at', type: 'timestamptz' })
  submittedAt: Date;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'processed_at', type: 'timestamptz', nullable: true })
  processedAt: Date | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

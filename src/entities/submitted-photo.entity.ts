import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export enum PhotoStatus {
  QUEUED = 'QUEUED',
  PROCESSING = 'PROCESSING',
  DONE = 'DONE',
  FAILED = 'FAILED',
}
registerEnumType(PhotoStatus, { name: 'PhotoStatus' });

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

  @Field(() => String, { nullable: true, description: 'Error code when FAILED.' })
  @Column({ name: 'error_code', type: 'text', nullable: true })
  errorCode: string | null;

  @Field(() => String, { nullable: true })
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

  @Field()
  @CreateDateColumn({ name: 'submitted_at', type: 'timestamptz' })
  submittedAt: Date;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'processed_at', type: 'timestamptz', nullable: true })
  processedAt: Date | null;
}

import { GraphQLJSON } from 'graphql-scalars';
import { Field, Float, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export enum AlertRule {
  ERROR_RATE = 'ERROR_RATE',
  PHOTO_LATENCY_P95 = 'PHOTO_LATENCY_P95',
  QUEUE_BACKLOG = 'QUEUE_BACKLOG',
  WORKER_CRASH_LOOP = 'WORKER_CRASH_LOOP',
  ABSENCE_STREAK = 'ABSENCE_STREAK',
  INTEGRATION_KEY_FAILING = 'INTEGRATION_KEY_FAILING',
  /** Photos given up on after every attempt (issue #11). */
  DEAD_LETTERS = 'DEAD_LETTERS',
}
registerEnumType(AlertRule, { name: 'AlertRule' });

export enum AlertState {
  FIRING = 'FIRING',
  RESOLVED = 'RESOLVED',
}
registerEnumType(AlertState, { name: 'AlertState' });

export enum AlertSeverity {
  WARNING = 'WARNING',
  CRITICAL = 'CRITICAL',
}
registerEnumType(AlertSeverity, { name: 'AlertSeverity' });

/**
 * One episode of a rule's condition holding: FIRING from `startedAt` until it clears (RESOLVED).
 * At most one FIRING row per fingerprint (a partial unique index), which de-duplicates alerts even
 * when two instances briefly both believe they lead.
 */
@ObjectType()
@Entity('alert')
@Index(['institutionId', 'state', 'startedAt'])
export class Alert {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Null for platform-wide alerts (error rate, latency, queue, workers). */
  @Field(() => ID, { nullable: true })
  @Column({ name: 'institution_id', type: 'uuid', nullable: true })
  institutionId: string | null;

  @Field(() => AlertRule)
  @Column({ type: 'text' })
  rule: AlertRule;

  @Field({ description: 'Rule plus subject: what de-duplicates this alert.' })
  @Column({ type: 'text' })
  fingerprint: string;

  @Field(() => String, { nullable: true, description: 'What the alert is about (student, course, key id).' })
  @Column({ type: 'text', nullable: true })
  subject: string | null;

  @Field(() => AlertState)
  @Column({ type: 'text' })
  state: AlertState;

  @Field(() => AlertSeverity)
  @Column({ type: 'text' })
  severity: AlertSeverity;

  @Field()
  @Column({ type: 'text' })
  summary: string;

  @Field(() => Float, { nullable: true, description: 'Last measured value of the condition.' })
  @Column({ type: 'double precision', nullable: true })
  value: number | null;

  @Field(() => Float, { nullable: true })
  @Column({ type: 'double precision', nullable: true })
  threshold: number | null;

  @Field(() => GraphQLJSON)
  @Column({ type: 'jsonb', default: {} })
  details: Record<string, unknown>;

  @Field()
  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt: Date;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;

  @Field()
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

import { GraphQLJSON } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Who did what to face data: enrolled, viewed, corrected, exported or deleted it. Never holds biometrics. */
@ObjectType()
@Entity('audit_event')
export class AuditEvent {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'institution_id', type: 'uuid' })
  institutionId: string;

  @Field({ description: 'user:<id>, apikey:<id> or system.' })
  @Column({ type: 'text' })
  actor: string;

  @Field({ description: 'Human-readable actor (e-mail or key name).' })
  @Column({ name: 'actor_label', type: 'text' })
  actorLabel: string;

  @Field()
  @Column({ type: 'text' })
  action: string;

  @Field()
  @Column({ name: 'target_type', type: 'text' })
  targetType: string;

  @Field(() => String, { nullable: true })
  @Column({ name: 'target_id', type: 'text', nullable: true })
  targetId: string | null;

  @Field(() => GraphQLJSON, { nullable: true })
  @Column({ type: 'jsonb', nullable: true })
  details: Record<string, unknown> | null;

  @Field()
  @CreateDateColumn({ name: 'at', type: 'timestamptz' })
  at: Date;
}

import { Field, ID, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { SameForEveryViewer } from './same-for-every-viewer';

@ObjectType()
@Entity('student')
@Index(['institutionId', 'externalId'], { unique: true })
export class Student {
  @SameForEveryViewer()
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'institution_id', type: 'uuid' })
  institutionId: string;

  @SameForEveryViewer()
  @Field({ description: "The institution's own identifier (student number), unique per institution." })
  @Column({ name: 'external_id', type: 'text' })
  externalId: string;

  @SameForEveryViewer()
  @Field()
  @Column({ type: 'text' })
  name: string;

  @SameForEveryViewer()
  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  email: string | null;

  @SameForEveryViewer()
  @Field(() => Date, {
    nullable: true,
    description: 'When biometric consent was recorded; null = withdrawn.',
  })
  @Column({ name: 'consent_given_at', type: 'timestamptz', nullable: true })
  consentGivenAt: Date | null;

  @SameForEveryViewer()
  @Field(() => String, { nullable: true, description: 'Who recorded the consent.' })
  @Column({ name: 'consent_recorded_by', type: 'text', nullable: true })
  consentRecordedBy: string | null;

  @SameForEveryViewer()
  @Field(() => String, { nullable: true, description: 'OneRoster sourcedId, when imported from an SIS.' })
  @Column({ name: 'sourced_id', type: 'text', nullable: true })
  sourcedId: string | null;

  @SameForEveryViewer()
  @Field()
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

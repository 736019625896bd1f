import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum ApiScope {
  /** Read courses, rosters and attendance. */
  ATTENDANCE_READ = 'ATTENDANCE_READ',
  /** Submit class photos to open sessions (a kiosk camera). */
  PHOTOS_SUBMIT = 'PHOTOS_SUBMIT',
}
registerEnumType(ApiScope, { name: 'ApiScope' });

/** A credential for an integration (an LMS, a kiosk camera). Only a hash of the secret is stored. */
@ObjectType()
@Entity('api_key')
export class ApiKey {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'institution_id', type: 'uuid' })
  institutionId: string;

  @Field()
  @Column({ type: 'text' })
  name: string;

  @Field({ description: 'The first characters of the key, to recognise it in lists and logs.' })
  @Column({ type: 'text' })
  prefix: string;

  @Column({ name: 'secret_hash', type: 'text' })
  secretHash: string;

  @Field(() => [ApiScope])
  @Column({ type: 'text', array: true })
  scopes: ApiScope[];

  @Field(() => ID, { nullable: true, description: 'When set, the key only reaches this course.' })
  @Column({ name: 'course_id', type: 'uuid', nullable: true })
  courseId: string | null;

  @Field()
  @Column({ name: 'created_by', type: 'text' })
  createdBy: string;

  @Field()
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}

import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum Role {
  ADMIN = 'ADMIN',
  TEACHER = 'TEACHER',
}
registerEnumType(Role, {
  name: 'Role',
  description: 'ADMIN manages an institution; TEACHER works with their own courses.',
});

@ObjectType()
@Entity('app_user')
export class User {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Field(() => ID)
  @Column({ name: 'institution_id', type: 'uuid' })
  institutionId: string;

  @Field()
  @Column({ type: 'text' })
  email: string;

  @Field()
  @Column({ type: 'text' })
  name: string;

  @Field(() => Role)
  @Column({ type: 'text' })
  role: Role;

  /** argon2id hash; never leaves the service layer. */
  @Column({ name: 'password_hash', type: 'text' })
  passwordHash: string;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt: Date | null;

  @Field(() => String, { nullable: true, description: 'OneRoster sourcedId, when imported from an SIS.' })
  @Column({ name: 'sourced_id', type: 'text', nullable: true })
  sourcedId: string | null;

  @Field()
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

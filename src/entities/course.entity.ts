import { Field, ID, ObjectType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@ObjectType()
@Entity('course')
@Index(['institutionId', 'code'], { unique: true })
export class Course {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'institution_id', type: 'uuid' })
  institutionId: string;

  @Field()
  @Column({ type: 'text' })
  code: string;

  @Field()
  @Column({ type: 'text' })
  name: string;

  @Field(() => ID, { nullable: true, description: 'The teacher who runs the course.' })
  @Column({ name: 'teacher_id', type: 'uuid', nullable: true })
  teacherId: string | null;

  @Field(() => String, { nullable: true, description: 'OneRoster sourcedId, when imported from an SIS.' })
  @Column({ name: 'sourced_id', type: 'text', nullable: true })
  sourcedId: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'First day of the term (from OneRoster academicSessions), YYYY-MM-DD.',
  })
  @Column({ name: 'term_start', type: 'date', nullable: true })
  termStart: string | null;

  @Field(() => String, { nullable: true, description: 'Last day of the term, YYYY-MM-DD.' })
  @Column({ name: 'term_end', type: 'date', nullable: true })
  termEnd: string | null;

  @Field()
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export enum SessionActionKind {
  CONFIRM_FACE = 'CONFIRM_FACE',
  DISMISS_FACES = 'DISMISS_FACES',
  MARK = 'MARK',
  MARK_REST_ABSENT = 'MARK_REST_ABSENT',
}
registerEnumType(SessionActionKind, {
  name: 'SessionActionKind',
  description: 'A teacher action on a session that can be undone.',
});

/** What a record looked like, kept so an action on it can be taken back. */
export interface RecordSnapshot {
  id: string;
  studentId: string;
  status: string;
  confidence: number | null;
  firstSeenAt: string | null;
  photoId: string | null;
  faceId: string | null;
  source: string;
  note: string | null;
}

export type SessionActionPayload =
  | {
      kind: SessionActionKind.CONFIRM_FACE;
      faceId: string;
      studentId: string;
      faceBefore: { reviewStatus: string; studentId: string | null };
      recordBefore: RecordSnapshot | null;
      recordAfter: RecordSnapshot;
    }
  | { kind: SessionActionKind.DISMISS_FACES; faces: { id: string; reviewStatus: string }[] }
  | {
      kind: SessionActionKind.MARK;
      studentId: string;
      recordBefore: RecordSnapshot | null;
      recordAfter: RecordSnapshot;
    }
  | { kind: SessionActionKind.MARK_REST_ABSENT; recordIds: string[] };

/** One entry of a session's undo log. */
@ObjectType('SessionAction')
@Entity('session_action')
@Index(['sessionId', 'createdAt'])
export class SessionAction {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Field(() => ID)
  @Column({ name: 'session_id', type: 'uuid' })
  sessionId: string;

  @Field(() => SessionActionKind)
  @Column({ type: 'text' })
  kind: SessionActionKind;

  @Field({ description: 'What was done, in words ("Confirmed Ada Lovelace").' })
  @Column({ type: 'text' })
  summary: string;

  @Column({ type: 'text' })
  actor: string;

  @Column({ type: 'jsonb' })
  payload: SessionActionPayload;

  @Field()
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'undone_at', type: 'timestamptz', nullable: true })
  undoneAt: Date | null;
}

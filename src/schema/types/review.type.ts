import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { AttendanceRecord, AttendanceStatus, MarkSource } from '../../entities/attendance-record.entity';
import { SessionAction } from '../../entities/session-action.entity';
import { RosterRowOutcome } from '../../services/roster-import.service';

registerEnumType(RosterRowOutcome, {
  name: 'RosterRowOutcome',
  description:
    'CREATED: a new student; ENROLLED: a known student added to the course; UNCHANGED: already there; SKIPPED_NO_CONSENT: not added.',
});

@ObjectType({ description: 'What one undo put back.' })
export class UndoResult {
  @Field(() => SessionAction)
  action: SessionAction;

  @Field(() => [AttendanceRecord], { description: 'Records restored to what they were.' })
  records: AttendanceRecord[];

  @Field(() => [ID], { description: 'Students whose record the undo removed: "not seen" again.' })
  clearedStudentIds: string[];
}

@ObjectType()
export class RosterImportRow {
  @Field(() => Int, { description: 'Line in the file (the header is line 1).' })
  line: number;

  @Field()
  externalId: string;

  @Field()
  name: string;

  @Field(() => RosterRowOutcome)
  outcome: RosterRowOutcome;

  @Field()
  message: string;
}

@ObjectType()
export class RosterImportResult {
  @Field({ description: 'True when nothing was written (a preview).' })
  dryRun: boolean;

  @Field(() => Int)
  created: number;

  @Field(() => Int)
  enrolled: number;

  @Field(() => Int)
  unchanged: number;

  @Field(() => Int)
  skipped: number;

  @Field(() => [RosterImportRow])
  rows: RosterImportRow[];
}

@ObjectType({ description: "Whether a student's face profile is good enough to recognise them." })
export class FaceAdviceType {
  @Field(() => Int)
  faces: number;

  @Field(() => Int, { description: 'Photos below the advised quality.' })
  weakFaces: number;

  @Field({ description: 'At least 3 clear photos.' })
  ready: boolean;

  @Field({ description: 'Advice in words for the teacher.' })
  message: string;
}

@ObjectType({ description: "One session in a student's attendance history." })
export class StudentHistoryEntry {
  @Field(() => ID)
  sessionId: string;

  @Field(() => ID)
  courseId: string;

  @Field()
  courseCode: string;

  @Field()
  openedAt: Date;

  @Field(() => AttendanceStatus)
  status: AttendanceStatus;

  @Field(() => MarkSource)
  source: MarkSource;

  @Field(() => String, { nullable: true })
  note: string | null;

  @Field(() => Date, { nullable: true })
  firstSeenAt: Date | null;
}

import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ImportStatus } from '../../entities/oneroster-import.entity';
import { Paginated } from './page.type';

registerEnumType(ImportStatus, {
  name: 'OneRosterImportStatus',
  description:
    'PREVIEWED (dry run done, nothing written) -> QUEUED -> RUNNING -> SUCCEEDED or FAILED (rolled back).',
});

@ObjectType({ description: 'What one CSV row did (or would do, in a dry run).' })
export class OneRosterRow {
  @Field()
  file: string;

  @Field(() => Int, { description: '1-based line in the file (1 = header; 0 = the file as a whole).' })
  line: number;

  @Field(() => String, { nullable: true })
  sourcedId: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'terms, courses, students, teachers, enrollments, orgs, users',
  })
  entity: string | null;

  @Field({ description: 'CREATED, UPDATED, UNCHANGED, REMOVED, SKIPPED or REFUSED' })
  action: string;

  @Field(() => String, {
    nullable: true,
    description:
      'For REFUSED: BAD_REFERENCE, MISSING_REQUIRED_COLUMN, MISSING_REQUIRED_VALUE, DUPLICATE_ID, INVALID_VALUE, CONFLICT, MALFORMED_ROW, MISSING_FILE',
  })
  reason: string | null;

  @Field(() => String, { nullable: true })
  message: string | null;
}

@ObjectType()
export class OneRosterFileResult {
  @Field()
  file: string;
  @Field(() => Int)
  rows: number;
  @Field(() => Int)
  created: number;
  @Field(() => Int)
  updated: number;
  @Field(() => Int)
  unchanged: number;
  @Field(() => Int)
  removed: number;
  @Field(() => Int)
  skipped: number;
  @Field(() => Int)
  refused: number;
}

@ObjectType()
export class OneRosterReport {
  @Field(() => GraphQLJSONObject, {
    description:
      'Counts per entity: {"created":{...},"updated":{...},"unchanged":{...},"removed":{...},"skipped":{...},"refused":[rows]}, as the CLI prints.',
  })
  summary: Record<string, unknown>;

  @Field(() => [OneRosterFileResult])
  files: OneRosterFileResult[];

  @Field(() => [OneRosterRow], { description: 'Every refused row (up to 5,000).' })
  refused: OneRosterRow[];

  @Field(() => [OneRosterRow], { description: 'Row results in file order, the first 2,000.' })
  rows: OneRosterRow[];

  @Field()
  rowsTruncated: boolean;

  @Field(() => [String])
  warnings: string[];
}

@ObjectType()
export class OneRosterImportType {
  @Field(() => ID)
  id: string;

  @Field(() => ImportStatus)
  status: ImportStatus;

  @Field(() => Float, { description: '0..1 of the real run (bytes read).' })
  progress: number;

  @Field()
  createdBy: string;

  @Field()
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  finishedAt: Date | null;

  @Field(() => String, { nullable: true })
  error: string | null;

  @Field({ description: 'A strict import writes nothing when any row is refused.' })
  strict: boolean;

  @Field({ description: 'The school attests consent through the consent column (see docs).' })
  consentColumn: boolean;

  @Field(() => OneRosterReport, { nullable: true, description: 'The dry run: what the real run will do.' })
  preview: OneRosterReport | null;

  @Field(() => OneRosterReport, {
    nullable: true,
    description: 'What the real run did (or, if FAILED strictly, would have refused).',
  })
  result: OneRosterReport | null;
}

@ObjectType()
export class OneRosterImportPage extends Paginated(OneRosterImportType) {}

@ObjectType()
export class OneRosterImportProgress {
  @Field(() => ID)
  id: string;

  @Field(() => ImportStatus)
  status: ImportStatus;

  @Field(() => Float)
  progress: number;

  @Field(() => String, { nullable: true })
  error: string | null;
}

import {
  Arg,
  Args,
  Ctx,
  FieldResolver,
  ID,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import {
  AttendanceRecord,
  type AttendanceStatus,
  type MarkSource,
} from '../entities/attendance-record.entity';
import { AttendanceSession } from '../entities/attendance-session.entity';
import { Course } from '../entities/course.entity';
import { SameForEveryViewer } from '../entities/same-for-every-viewer';
import { Student } from '../entities/student.entity';
import { EventMemo } from '../loaders/event-memo';
import { Topic, type AttendanceMarkedPayload } from '../pubsub';
import type { Context } from '../schema/context';
import { MarkAttendanceInput, StartSessionOptions } from '../schema/inputs/course.input';
import { PageArgs } from '../schema/types/page.type';
import { PhotoPage } from '../schema/types/pages.type';
import type { AttendanceService } from '../services/attendance.service';
import type { PhotoService } from '../services/photo.service';

@Resolver(() => AttendanceSession)
export class AttendanceResolver {
  constructor(
    private readonly sessions: AttendanceService,
    private readonly photoService: PhotoService,
  ) {}

  @Query(() => AttendanceSession)
  session(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<AttendanceSession> {
    return this.sessions.get(ctx.viewer, id);
  }

  @Mutation(() => AttendanceSession)
  startSession(
    @Arg('courseId', () => ID) courseId: string,
    @Arg('options', () => StartSessionOptions, { nullable: true }) options: StartSessionOptions | undefined,
    @Ctx() ctx: Context,
  ): Promise<AttendanceSession> {
    return this.sessions.start(ctx.viewer, courseId, options?.lateAfterMinutes);
  }

  @Mutation(() => AttendanceSession, {
    description: 'Closes the session; students not seen are marked ABSENT.',
  })
  closeSession(
    @Arg('sessionId', () => ID) sessionId: string,
    @Ctx() ctx: Context,
  ): Promise<AttendanceSession> {
    return this.sessions.close(ctx.viewer, sessionId);
  }

  @Mutation(() => AttendanceRecord, { description: "A teacher's mark; recognition never overrides it." })
  markAttendance(@Arg('input') input: MarkAttendanceInput, @Ctx() ctx: Context): Promise<AttendanceRecord> {
    return this.sessions.mark(ctx.viewer, input);
  }

  @FieldResolver(() => Boolean)
  isOpen(@Root() session: AttendanceSession): boolean {
    return session.closedAt === null;
  }

  @FieldResolver(() => Course)
  async course(@Root() session: AttendanceSession, @Ctx() ctx: Context): Promise<Course | null> {
    return ctx.loaders.course.load(session.courseId);
  }

  @FieldResolver(() => [AttendanceRecord])
  records(@Root() session: AttendanceSession): Promise<AttendanceRecord[]> {
    return this.sessions.records(session.id);
  }

  @FieldResolver(() => PhotoPage)
  photos(
    @Root() session: AttendanceSession,
    @Args() page: PageArgs,
    @Ctx() ctx: Context,
  ): Promise<PhotoPage> {
    return this.photoService.listBySession(ctx.viewer, session.id, page);
  }

  // Who may subscribe is decided at subscribe time; the event itself reads nothing of the viewer.
  @SameForEveryViewer()
  @Subscription(() => AttendanceRecord, {
    description: 'Each attendance record of the session as it is created or changes.',
    subscribe: subscribeToSession(Topic.AttendanceMarked),
  })
  attendanceMarked(
    @Root() event: AttendanceMarkedPayload,
    @Arg('sessionId', () => ID) _sessionId: string,
  ): AttendanceRecord {
    return Object.assign(new AttendanceRecord(), {
      [EVENT_KEY]: `${event.id}@${event.updatedAt}`,
      ...event,
      status: event.status as AttendanceStatus,
      source: event.source as MarkSource,
      firstSeenAt: event.firstSeenAt ? new Date(event.firstSeenAt) : null,
      updatedAt: new Date(event.updatedAt),
    });
  }
}

@Resolver(() => AttendanceRecord)
export class AttendanceRecordResolver {
  @SameForEveryViewer()
  @FieldResolver(() => Student)
  student(@Root() record: AttendanceRecord, @Ctx() ctx: Context): Promise<Student | null> {
    // A live event's student is loaded once for all its subscribers in this process (issue #11 fan-out).
    const key = (record as AttendanceRecord & { [EVENT_KEY]?: string })[EVENT_KEY];
    return key
      ? eventStudents.get(key, () => ctx.loaders.student.load(record.studentId))
      : ctx.loaders.student.load(record.studentId);
  }
}

/** Marks a record built from a live event, so that data shared by its subscribers is resolved once. */
const EVENT_KEY = Symbol('attendanceEvent');
const eventStudents = new EventMemo<Student | null>();

/** Subscribing checks the session exists (and is visible) first, so a bad id gets NOT_FOUND. */
export function subscribeToSession(topic: Topic) {
  return ({ args, context }: { args: Record<string, unknown>; context: unknown }) =>
    (context as Context).subscribeToSession(topic, String(args.sessionId));
}

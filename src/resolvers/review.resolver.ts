import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import { AttendanceRecord } from '../entities/attendance-record.entity';
import { AttendanceSession } from '../entities/attendance-session.entity';
import { PhotoFace } from '../entities/photo-face.entity';
import { SessionAction } from '../entities/session-action.entity';
import { Student } from '../entities/student.entity';
import type { Context } from '../schema/context';
import { PageArgs } from '../schema/types/page.type';
import { PhotoFacePage } from '../schema/types/pages.type';
import {
  FaceAdviceType,
  RosterImportResult,
  StudentHistoryEntry,
  UndoResult,
} from '../schema/types/review.type';
import type { AttendanceService } from '../services/attendance.service';
import type { EnrollmentService } from '../services/enrollment.service';
import { faceAdvice } from '../services/face-advice';
import type { PhotoReviewService } from '../services/photo-review.service';
import type { RosterImportService } from '../services/roster-import.service';
import type { SessionUndoService } from '../services/session-undo.service';

/** The session side of review: the queue, bulk dismissal, undo, the not-seen-absent shortcut. */
@Resolver(() => AttendanceSession)
export class SessionReviewResolver {
  constructor(
    private readonly review: PhotoReviewService,
    private readonly undo: SessionUndoService,
    private readonly sessions: AttendanceService,
  ) {}

  @FieldResolver(() => PhotoFacePage, {
    description: 'Faces awaiting a teacher: doubtful matches and unknowns.',
  })
  reviewQueue(
    @Root() session: AttendanceSession,
    @Args() page: PageArgs,
    @Ctx() ctx: Context,
  ): Promise<PhotoFacePage> {
    return this.review.reviewQueue(ctx.viewer, session.id, page);
  }

  @FieldResolver(() => Int, { description: 'How many faces still wait for a teacher.' })
  awaitingReview(@Root() session: AttendanceSession): Promise<number> {
    return this.review.awaitingReview(session.id);
  }

  @FieldResolver(() => SessionAction, {
    nullable: true,
    description: 'The change an undoSessionAction would take back now.',
  })
  lastAction(@Root() session: AttendanceSession, @Ctx() ctx: Context): Promise<SessionAction | null> {
    return this.undo.lastAction(ctx.viewer, session.id);
  }

  @Mutation(() => Int, {
    description:
      'Dismisses every waiting face of the session with nobody worth proposing (one undoable step); returns how many.',
  })
  dismissUnknownFaces(@Arg('sessionId', () => ID) sessionId: string, @Ctx() ctx: Context): Promise<number> {
    return this.review.dismissUnknownFaces(ctx.viewer, sessionId);
  }

  @Mutation(() => UndoResult, {
    description:
      "Undoes the session's latest review or marking action (actionId: only if it is still the latest).",
  })
  undoSessionAction(
    @Arg('sessionId', () => ID) sessionId: string,
    @Arg('actionId', () => ID, { nullable: true }) actionId: string | undefined,
    @Ctx() ctx: Context,
  ): Promise<UndoResult> {
    return this.undo.undo(ctx.viewer, sessionId, actionId);
  }

  @Mutation(() => [AttendanceRecord], {
    description:
      'Marks every student not seen yet ABSENT, before closing (undoable; a later photo still upgrades them).',
  })
  markNotSeenAbsent(
    @Arg('sessionId', () => ID) sessionId: string,
    @Ctx() ctx: Context,
  ): Promise<AttendanceRecord[]> {
    return this.sessions.markRestAbsent(ctx.viewer, sessionId);
  }
}

@Resolver(() => PhotoFace)
export class PhotoFaceReviewResolver {
  constructor(private readonly review: PhotoReviewService) {}

  @FieldResolver(() => Student, {
    nullable: true,
    description:
      'The student worth proposing to the teacher: null when the candidate is implausible or already seen in this photo ("who is this?").',
  })
  async proposedStudent(@Root() face: PhotoFace, @Ctx() ctx: Context): Promise<Student | null> {
    const proposal = this.review.proposal(face, await ctx.loaders.facesByPhoto.load(face.photoId));
    return proposal ? ctx.loaders.student.load(proposal) : null;
  }
}

@Resolver(() => Student)
export class StudentRosterResolver {
  constructor(
    private readonly imports: RosterImportService,
    private readonly enrollment: EnrollmentService,
    private readonly sessions: AttendanceService,
  ) {}

  @FieldResolver(() => [StudentHistoryEntry], {
    description: "The student's marks, newest first, in the courses the caller may read.",
  })
  history(@Root() student: Student, @Ctx() ctx: Context): Promise<StudentHistoryEntry[]> {
    return this.sessions.history(ctx.viewer, student.id);
  }

  @Mutation(() => RosterImportResult, {
    description:
      'Imports a class list (CSV with student number, name, optional e-mail, and consent columns). All or nothing; dryRun previews.',
  })
  importRoster(
    @Arg('courseId', () => ID) courseId: string,
    @Arg('csv', () => String) csv: string,
    @Arg('dryRun', () => Boolean, { nullable: true }) dryRun: boolean | undefined,
    @Ctx() ctx: Context,
  ): Promise<RosterImportResult> {
    return this.imports.importCsv(ctx.viewer, courseId, csv, dryRun ?? false);
  }

  @FieldResolver(() => FaceAdviceType, {
    description: 'Whether the face profile needs more or better photos.',
  })
  async faceAdvice(@Root() student: Student, @Ctx() ctx: Context): Promise<FaceAdviceType> {
    return faceAdvice(await this.enrollment.listFaces(ctx.viewer, student.id));
  }
}

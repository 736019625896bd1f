import { Arg, Args, Ctx, Float, ID, Int, Query, Resolver } from 'type-graphql';
import { CourseAction, requireAdmin } from '../auth/access';
import type { Context } from '../schema/context';
import {
  AnalyticsGranularity,
  AnalyticsRangeArgs,
  AtRiskStudent,
  AttendanceForecast,
  AttendanceForecastArgs,
  AttendanceTrendPoint,
  CourseAttendanceStats,
  LoadForecast,
  LoadForecastArgs,
  RecognitionQualityPoint,
  StudentAttendanceStats,
} from '../schema/types/analytics.type';
import type { AnalyticsService } from '../services/analytics.service';
import type { CourseService } from '../services/course.service';
import type { ForecastService } from '../services/forecast.service';

/** Attendance analytics and forecasts. A course's figures go to whoever may read the course; institution-wide ones to admins. */
@Resolver()
export class AnalyticsResolver {
  constructor(
    private readonly analytics: AnalyticsService,
    private readonly forecasts: ForecastService,
    private readonly courses: CourseService,
  ) {}

  @Query(() => [CourseAttendanceStats], {
    description: 'Attendance per course (one course, or every course with history).',
  })
  async attendanceByCourse(
    @Arg('courseId', () => ID, { nullable: true }) courseId: string | null,
    @Args() range: AnalyticsRangeArgs,
    @Ctx() ctx: Context,
  ): Promise<CourseAttendanceStats[]> {
    const institutionId = await this.scope(ctx, courseId);
    return this.analytics.byCourse(institutionId, { courseId, ...range });
  }

  @Query(() => [StudentAttendanceStats], {
    description: 'Attendance per student and course; narrow with courseId and/or studentId.',
  })
  async attendanceByStudent(
    @Arg('courseId', () => ID, { nullable: true }) courseId: string | null,
    @Arg('studentId', () => ID, { nullable: true }) studentId: string | null,
    @Args() range: AnalyticsRangeArgs,
    @Ctx() ctx: Context,
  ): Promise<StudentAttendanceStats[]> {
    const institutionId = await this.scope(ctx, courseId);
    return this.analytics.byStudent(institutionId, { courseId, studentId, ...range });
  }

  @Query(() => [AttendanceTrendPoint], { description: 'Attendance over time, per session or per week.' })
  async attendanceTrend(
    @Arg('courseId', () => ID, { nullable: true }) courseId: string | null,
    @Arg('granularity', () => AnalyticsGranularity, { defaultValue: AnalyticsGranularity.SESSION })
    granularity: AnalyticsGranularity,
    @Args() range: AnalyticsRangeArgs,
    @Ctx() ctx: Context,
  ): Promise<AttendanceTrendPoint[]> {
    const institutionId = await this.scope(ctx, courseId);
    return this.analytics.trend(institutionId, { courseId, ...range }, granularity);
  }

  @Query(() => [AtRiskStudent], {
    description:
      'Students whose attendance rate is below `threshold` (default AT_RISK_ATTENDANCE_RATE) or whose latest ' +
      '`streak` sessions (default AT_RISK_ABSENCE_STREAK) were all absences; worst first.',
  })
  async studentsAtRisk(
    @Arg('courseId', () => ID, { nullable: true }) courseId: string | null,
    @Arg('threshold', () => Float, { nullable: true }) threshold: number | null,
    @Arg('streak', () => Int, { nullable: true }) streak: number | null,
    @Ctx() ctx: Context,
  ): Promise<AtRiskStudent[]> {
    const institutionId = await this.scope(ctx, courseId);
    return this.analytics.atRisk(
      institutionId,
      { courseId },
      { attendanceRate: threshold ?? undefined, absenceStreak: streak ?? undefined },
    );
  }

  @Query(() => [RecognitionQualityPoint], {
    description: 'Share of attendance decided automatically vs confirmed on review vs corrected by hand.',
  })
  async recognitionQuality(
    @Arg('courseId', () => ID, { nullable: true }) courseId: string | null,
    @Arg('granularity', () => AnalyticsGranularity, { defaultValue: AnalyticsGranularity.WEEK })
    granularity: AnalyticsGranularity,
    @Args() range: AnalyticsRangeArgs,
    @Ctx() ctx: Context,
  ): Promise<RecognitionQualityPoint[]> {
    const institutionId = await this.scope(ctx, courseId);
    return this.analytics.recognitionQuality(institutionId, { courseId, ...range }, granularity);
  }

  @Query(() => AttendanceForecast, { description: "Expected attendance of a course's next sessions." })
  async attendanceForecast(
    @Args() args: AttendanceForecastArgs,
    @Ctx() ctx: Context,
  ): Promise<AttendanceForecast> {
    const institutionId = await this.scope(ctx, args.courseId);
    return this.forecasts.attendance(institutionId, args.courseId, args.sessions);
  }

  @Query(() => LoadForecast, {
    description: 'Expected photos per hour across the institution (capacity planning).',
  })
  loadForecast(@Args() args: LoadForecastArgs, @Ctx() ctx: Context): Promise<LoadForecast> {
    const { institutionId } = requireAdmin(ctx.viewer);
    return this.forecasts.load(institutionId, args);
  }

  /** Course figures: readers of the course. Institution-wide figures: admins. */
  private async scope(ctx: Context, courseId: string | null | undefined): Promise<string> {
    if (courseId) {
      const course = await this.courses.get(ctx.viewer, courseId, CourseAction.READ);
      return course.institutionId;
    }
    return requireAdmin(ctx.viewer).institutionId;
  }
}

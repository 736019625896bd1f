import { Arg, Args, Ctx, Float, ID, Int, Query, Resolver } from 'type-graphql';
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
import type { ForecastService } from '../services/forecast.service';

/** Attendance analytics and forecasts; who may see which figures is the services' decision. */
@Resolver()
export class AnalyticsResolver {
  constructor(
    private readonly analytics: AnalyticsService,
    private readonly forecasts: ForecastService,
  ) {}

  @Query(() => [CourseAttendanceStats], {
    description: 'Attendance per course (one course, or every course with history).',
  })
  async attendanceByCourse(
    @Arg('courseId', () => ID, { nullable: true }) courseId: string | null,
    @Args() range: AnalyticsRangeArgs,
    @Ctx() ctx: Context,
  ): Promise<CourseAttendanceStats[]> {
    return this.analytics.byCourse(ctx.viewer, { courseId, ...range });
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
    return this.analytics.byStudent(ctx.viewer, { courseId, studentId, ...range });
  }

  @Query(() => [AttendanceTrendPoint], { description: 'Attendance over time, per session or per week.' })
  async attendanceTrend(
    @Arg('courseId', () => ID, { nullable: true }) courseId: string | null,
    @Arg('granularity', () => AnalyticsGranularity, { defaultValue: AnalyticsGranularity.SESSION })
    granularity: AnalyticsGranularity,
    @Args() range: AnalyticsRangeArgs,
    @Ctx() ctx: Context,
  ): Promise<AttendanceTrendPoint[]> {
    return this.analytics.trend(ctx.viewer, { courseId, ...range }, granularity);
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
    return this.analytics.atRisk(
      ctx.viewer,
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
    return this.analytics.recognitionQuality(ctx.viewer, { courseId, ...range }, granularity);
  }

  @Query(() => AttendanceForecast, { description: "Expected attendance of a course's next sessions." })
  async attendanceForecast(
    @Args() args: AttendanceForecastArgs,
    @Ctx() ctx: Context,
  ): Promise<AttendanceForecast> {
    return this.forecasts.attendance(ctx.viewer, args.courseId, args.sessions);
  }

  @Query(() => LoadForecast, {
    description: 'Expected photos per hour across the institution (capacity planning).',
  })
  loadForecast(@Args() args: LoadForecastArgs, @Ctx() ctx: Context): Promise<LoadForecast> {
    return this.forecasts.load(ctx.viewer, args);
  }
}

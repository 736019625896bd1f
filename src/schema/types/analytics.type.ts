import { Max, Min } from 'class-validator';
import { ArgsType, Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { RiskReason } from '../../services/analytics.service';

export enum AnalyticsGranularity {
  SESSION = 'SESSION',
  WEEK = 'WEEK',
}
registerEnumType(AnalyticsGranularity, {
  name: 'AnalyticsGranularity',
  description: 'SESSION: one point per closed session; WEEK: per ISO week (Monday, UTC).',
});
registerEnumType(RiskReason, { name: 'RiskReason' });

const RATES =
  'attendanceRate = (present + late) / (present + late + absent), EXCUSED left out; ' +
  'punctualityRate = present / (present + late). Only closed sessions count.';

@ArgsType()
export class AnalyticsRangeArgs {
  @Field(() => Date, { nullable: true, description: 'Sessions opened at or after this.' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Sessions opened before this.' })
  to?: Date | null;
}

@ObjectType()
abstract class Stats {
  @Field(() => Int)
  sessions: number;

  @Field(() => Int)
  present: number;

  @Field(() => Int)
  late: number;

  @Field(() => Int)
  absent: number;

  @Field(() => Int)
  excused: number;

  @Field(() => Float, { nullable: true, description: 'Null without any counted record.' })
  attendanceRate: number | null;

  @Field(() => Float, { nullable: true })
  punctualityRate: number | null;
}

@ObjectType({ description: `A course's attendance. ${RATES}` })
export class CourseAttendanceStats extends Stats {
  @Field(() => ID)
  courseId: string;

  @Field()
  courseCode: string;

  @Field()
  courseName: string;
}

@ObjectType({ description: `A student's attendance in one course. ${RATES}` })
export class StudentAttendanceStats extends Stats {
  @Field(() => ID)
  studentId: string;

  @Field()
  externalId: string;

  @Field()
  studentName: string;

  @Field(() => ID)
  courseId: string;

  @Field()
  courseCode: string;
}

@ObjectType({ description: `Attendance in one period (session or week). ${RATES}` })
export class AttendanceTrendPoint extends Stats {
  @Field({ description: 'Session opening time, or the Monday 00:00 UTC starting the week.' })
  periodStart: Date;

  @Field(() => ID, { nullable: true, description: 'The session, for SESSION granularity.' })
  sessionId: string | null;
}

@ObjectType()
export class AtRiskStudent {
  @Field(() => ID)
  studentId: string;

  @Field()
  externalId: string;

  @Field()
  studentName: string;

  @Field(() => ID)
  courseId: string;

  @Field()
  courseCode: string;

  @Field(() => Int)
  sessions: number;

  @Field(() => Float, { nullable: true })
  attendanceRate: number | null;

  @Field(() => Int, { description: 'Consecutive most recent sessions absent (EXCUSED skipped).' })
  absenceStreak: number;

  @Field(() => [RiskReason])
  reasons: RiskReason[];
}

@ObjectType({
  description:
    'How attendance was decided in one period. autoMarked: recognised automatically (AUTO present/late); ' +
    'reviewConfirmed: a teacher confirmed a doubtful face; manuallyCorrected: any other teacher mark. ' +
    'Shares are of these three. faces*: matcher decisions and review outcomes of the faces found.',
})
export class RecognitionQualityPoint {
  @Field()
  periodStart: Date;

  @Field(() => ID, { nullable: true })
  sessionId: string | null;

  @Field(() => Int)
  autoMarked: number;

  @Field(() => Int)
  reviewConfirmed: number;

  @Field(() => Int)
  manuallyCorrected: number;

  @Field(() => Float, { nullable: true })
  autoShare: number | null;

  @Field(() => Float, { nullable: true })
  confirmedShare: number | null;

  @Field(() => Float, { nullable: true })
  correctedShare: number | null;

  @Field(() => Int)
  facesAccepted: number;

  @Field(() => Int)
  facesReview: number;

  @Field(() => Int)
  facesUnknown: number;

  @Field(() => Int)
  facesConfirmed: number;

  @Field(() => Int)
  facesDismissed: number;

  @Field(() => Int)
  facesPending: number;
}

@ObjectType({ description: "A method's error on held-back history." })
export class MethodAccuracy {
  @Field()
  method: string;

  @Field(() => Float, { description: 'Mean absolute error.' })
  mae: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Mean absolute percentage error, as a fraction (0.05 = 5%).',
  })
  mape: number | null;

  @Field(() => Int, { description: 'Forecasts compared with what happened.' })
  points: number;
}

@ObjectType({
  description: 'The chosen method, its backtest error (null with too little history) and the rivals.',
})
export class ForecastAccuracy {
  @Field()
  method: string;

  @Field(() => Float, { nullable: true })
  mae: number | null;

  @Field(() => Float, { nullable: true })
  mape: number | null;

  @Field(() => Int)
  evaluatedPoints: number;

  @Field(() => [MethodAccuracy])
  candidates: MethodAccuracy[];
}

@ObjectType()
export class AttendanceForecastPoint {
  @Field(() => Int, { description: '1 = the next session.' })
  step: number;

  @Field(() => Date, { nullable: true, description: 'From the median gap between past sessions.' })
  expectedDate: Date | null;

  @Field(() => Float)
  expectedRate: number;

  @Field(() => Float, { description: 'expectedRate x students enrolled now.' })
  expectedAttendees: number;
}

@ObjectType({
  description:
    "Expected attendance of a course's next sessions. Method chosen by a one-step rolling-origin backtest " +
    'over the per-session attendance rate (MEAN, NAIVE, LINEAR_TREND, EXPONENTIAL_SMOOTHING alpha 0.5); ' +
    'accuracy.mae is in rate units (0.1 = 10 points).',
})
export class AttendanceForecast {
  @Field(() => ID)
  courseId: string;

  @Field()
  method: string;

  @Field(() => Int)
  enrolled: number;

  @Field(() => Int)
  historySessions: number;

  @Field(() => [AttendanceForecastPoint])
  points: AttendanceForecastPoint[];

  @Field(() => ForecastAccuracy)
  accuracy: ForecastAccuracy;
}

@ObjectType()
export class LoadForecastPoint {
  @Field()
  hourStart: Date;

  @Field(() => Float)
  expectedPhotos: number;
}

@ObjectType({
  description:
    'Expected photos per hour (UTC) for capacity planning. Method chosen by holding back each of the last ' +
    'days (up to 7): HOUR_OF_DAY_MEAN, HOUR_OF_WEEK_MEAN or MEAN; accuracy.mae is in photos per hour.',
})
export class LoadForecast {
  @Field()
  method: string;

  @Field({ description: 'Start of the first forecast hour.' })
  asOf: Date;

  @Field(() => Int)
  lookbackDays: number;

  @Field(() => [LoadForecastPoint])
  points: LoadForecastPoint[];

  @Field(() => Float)
  peakPhotosPerHour: number;

  @Field(() => Float, { nullable: true, description: 'Mean worker time per photo in the lookback.' })
  meanProcessingMs: number | null;

  @Field(() => Float, { nullable: true })
  photosPerWorkerHour: number | null;

  @Field(() => Int, { nullable: true, description: 'Workers to carry the peak at 70% utilisation.' })
  recommendedWorkers: number | null;

  @Field(() => ForecastAccuracy)
  accuracy: ForecastAccuracy;
}

@ArgsType()
export class AttendanceForecastArgs {
  @Field(() => ID)
  courseId: string;

  @Field(() => Int, { defaultValue: 3, description: 'How many upcoming sessions, 1..50.' })
  @Min(1)
  @Max(50)
  sessions: number = 3;
}

@ArgsType()
export class LoadForecastArgs {
  @Field(() => Int, { defaultValue: 24, description: 'Hours ahead, 1..336.' })
  @Min(1)
  @Max(336)
  hours: number = 24;

  @Field(() => Int, { defaultValue: 28, description: 'Days of history, 1..366.' })
  @Min(1)
  @Max(366)
  lookbackDays: number = 28;

  @Field(() => Date, {
    nullable: true,
    description: 'Forecast from this time instead of now (what-if, reproducible).',
  })
  asOf?: Date | null;
}

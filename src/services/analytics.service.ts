import { CourseAction, requireAdmin } from '../auth/access';
import type { Viewer } from '../auth/viewer';
import type {
  AnalyticsFilter,
  AnalyticsRepository,
  CourseCounts,
  Granularity,
  QualityCounts,
  StatusCounts,
  StudentCounts,
} from '../repositories/analytics.repository';
import type { CourseService } from './course.service';
import { assertId, DomainError, ErrorCode, notFound } from './domain-error';

// Attendance analytics for dashboards: rates per course, per student and over time, students at
// risk and how recognition is doing. Definitions (also in the GraphQL descriptions):
// - attendance rate = (present + late) / (present + late + absent); EXCUSED is left out;
// - punctuality rate = present / (present + late): of the times a student came, how often on time;
// - only closed sessions count (an open one has no absences yet).

export interface AttendanceStats extends StatusCounts {
  attendanceRate: number | null;
  punctualityRate: number | null;
}

export type CourseAttendance = AttendanceStats & Omit<CourseCounts, keyof StatusCounts>;
export type StudentAttendance = AttendanceStats & Omit<StudentCounts, keyof StatusCounts>;

export interface TrendPoint extends AttendanceStats {
  periodStart: Date;
  sessionId: string | null;
}

export enum RiskReason {
  LOW_ATTENDANCE = 'LOW_ATTENDANCE',
  ABSENCE_STREAK = 'ABSENCE_STREAK',
}

export interface AtRiskStudent {
  studentId: string;
  externalId: string;
  studentName: string;
  courseId: string;
  courseCode: string;
  sessions: number;
  attendanceRate: number | null;
  absenceStreak: number;
  reasons: RiskReason[];
}

export interface QualityPoint extends QualityCounts {
  /** Shares of the attendance decisions (auto + confirmed + corrected); null when there were none. */
  autoShare: number | null;
  confirmedShare: number | null;
  correctedShare: number | null;
}

export interface RiskPolicy {
  attendanceRate: number;
  absenceStreak: number;
}

const ratio = (num: number, den: number) => (den > 0 ? num / den : null);

export function withRates<T extends StatusCounts>(c: T): T & AttendanceStats {
  return {
    ...c,
    attendanceRate: ratio(c.present + c.late, c.present + c.late + c.absent),
    punctualityRate: ratio(c.present, c.present + c.late),
  };
}

/**
 * Attendance analytics. A course's figures go to whoever may read the course; institution-wide
 * figures (no course given) to admins.
 */
export class AnalyticsService {
  constructor(
    private readonly repo: AnalyticsRepository,
    private readonly courses: CourseService,
    private readonly defaults: RiskPolicy,
  ) {}

  async byCourse(viewer: Viewer, filter: AnalyticsFilter): Promise<CourseAttendance[]> {
    const institutionId = await this.authorize(viewer, filter);
    return (await this.repo.byCourse(institutionId, filter)).map(withRates);
  }

  async byStudent(viewer: Viewer, filter: AnalyticsFilter): Promise<StudentAttendance[]> {
    const institutionId = await this.authorize(viewer, filter);
    return (await this.repo.byStudent(institutionId, filter)).map(withRates);
  }

  async trend(viewer: Viewer, filter: AnalyticsFilter, granularity: Granularity): Promise<TrendPoint[]> {
    const institutionId = await this.authorize(viewer, filter);
    return (await this.repo.overTime(institutionId, filter, granularity)).map(withRates);
  }

  /**
   * Students below the attendance-rate threshold, or whose latest sessions are a run of at least
   * `absenceStreak` absences, per course. Worst first (longest run, then lowest rate).
   */
  async atRisk(
    viewer: Viewer,
    filter: AnalyticsFilter,
    policy: Partial<RiskPolicy> = {},
  ): Promise<AtRiskStudent[]> {
    const threshold = policy.attendanceRate ?? this.defaults.attendanceRate;
    const streakAt = policy.absenceStreak ?? this.defaults.absenceStreak;
    if (threshold < 0 || threshold > 1 || streakAt < 1) {
      throw new DomainError(ErrorCode.BAD_USER_INPUT, 'threshold must be in 0..1 and streak at least 1');
    }
    const institutionId = await this.authorize(viewer, filter);
    const [students, streaks] = await Promise.all([
      this.repo.byStudent(institutionId, filter),
      this.repo.absenceStreaks(institutionId, filter, 1),
    ]);
    const streakOf = new Map(streaks.map((s) => [`${s.courseId}|${s.studentId}`, s.streak]));
    const out: AtRiskStudent[] = [];
    for (const s of students.map(withRates)) {
      const streak = streakOf.get(`${s.courseId}|${s.studentId}`) ?? 0;
      const reasons: RiskReason[] = [];
      if (s.attendanceRate !== null && s.attendanceRate < threshold) {
        reasons.push(RiskReason.LOW_ATTENDANCE);
      }
      if (streak >= streakAt) {
        reasons.push(RiskReason.ABSENCE_STREAK);
      }
      if (reasons.length > 0) {
        out.push({
          studentId: s.studentId,
          externalId: s.externalId,
          studentName: s.studentName,
          courseId: s.courseId,
          courseCode: s.courseCode,
          sessions: s.sessions,
          attendanceRate: s.attendanceRate,
          absenceStreak: streak,
          reasons,
        });
      }
    }
    return out.sort(
      (a, b) => b.absenceStreak - a.absenceStreak || (a.attendanceRate ?? 1) - (b.attendanceRate ?? 1),
    );
  }

  async recognitionQuality(
    viewer: Viewer,
    filter: AnalyticsFilter,
    granularity: Granularity,
  ): Promise<QualityPoint[]> {
    const institutionId = await this.authorize(viewer, filter);
    return (await this.repo.recognitionQuality(institutionId, filter, granularity)).map((q) => {
      const decisions = q.autoMarked + q.reviewConfirmed + q.manuallyCorrected;
      return {
        ...q,
        autoShare: ratio(q.autoMarked, decisions),
        confirmedShare: ratio(q.reviewConfirmed, decisions),
        correctedShare: ratio(q.manuallyCorrected, decisions),
      };
    });
  }

  /**
   * The institution whose figures the viewer may see for this filter. A course or student of another
   * institution does not exist, as far as this caller knows.
   */
  private async authorize(viewer: Viewer, filter: AnalyticsFilter): Promise<string> {
    if (filter.from && filter.to && filter.from >= filter.to) {
      throw new DomainError(ErrorCode.BAD_USER_INPUT, '`from` must be before `to`', { field: 'from' });
    }
    const institutionId = filter.courseId
      ? (await this.courses.get(viewer, filter.courseId, CourseAction.READ)).institutionId
      : requireAdmin(viewer).institutionId;
    if (filter.studentId) {
      assertId('Student', filter.studentId);
      if (!(await this.repo.studentExists(institutionId, filter.studentId))) {
        throw notFound('Student', filter.studentId);
      }
    }
    return institutionId;
  }
}

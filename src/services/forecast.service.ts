import { median } from 'simple-statistics';
import { CourseAction, requireAdmin } from '../auth/access';
import type { Viewer } from '../auth/viewer';
import type { AnalyticsRepository } from '../repositories/analytics.repository';
import type { CourseService } from './course.service';
import { DomainError, ErrorCode } from './domain-error';
import {
  exponentialSmoothing,
  HOUR_OF_DAY_MEAN,
  HOUR_OF_WEEK_MEAN,
  HOURLY_MEAN,
  LINEAR_TREND,
  MEAN,
  NAIVE,
  selectHourlyMethod,
  selectMethod,
  type Accuracy,
} from './forecast-methods';

const HOUR = 3_600_000;
/** Sessions needed before the first backtest origin. */
const MIN_TRAIN_SESSIONS = 3;
/** Plan workers to run at most this busy at the forecast peak. */
const TARGET_UTILIZATION = 0.7;

export interface ForecastAccuracy {
  method: string;
  mae: number | null;
  mape: number | null;
  evaluatedPoints: number;
  candidates: Accuracy[];
}

export interface AttendanceForecast {
  courseId: string;
  method: string;
  enrolled: number;
  historySessions: number;
  points: { step: number; expectedDate: Date | null; expectedRate: number; expectedAttendees: number }[];
  accuracy: ForecastAccuracy;
}

export interface LoadForecast {
  method: string;
  asOf: Date;
  lookbackDays: number;
  points: { hourStart: Date; expectedPhotos: number }[];
  peakPhotosPerHour: number;
  meanProcessingMs: number | null;
  photosPerWorkerHour: number | null;
  recommendedWorkers: number | null;
  accuracy: ForecastAccuracy;
}

const round = (v: number, digits = 4) => Math.round(v * 10 ** digits) / 10 ** digits;

/** Forecasts from history, each with its method's error on held-back history. */
export class ForecastService {
  constructor(
    private readonly repo: AnalyticsRepository,
    private readonly courses: CourseService,
  ) {}

  /**
   * Expected attendance of a course's next `sessions` sessions. The series is each closed session's
   * attendance rate; candidates (mean, last value, linear trend, exponential smoothing) are scored
   * by a one-step rolling-origin backtest and the best is used. Expected attendees = rate x the
   * current enrollment; expected dates follow the median gap between past sessions.
   */
  async attendance(viewer: Viewer, courseId: string, sessions: number): Promise<AttendanceForecast> {
    if (sessions < 1 || sessions > 50) {
      throw new DomainError(ErrorCode.BAD_USER_INPUT, 'sessions must be 1..50', { field: 'sessions' });
    }
    const { institutionId } = await this.courses.get(viewer, courseId, CourseAction.READ);
    const [series, enrolled] = await Promise.all([
      this.repo.sessionSeries(institutionId, courseId),
      this.repo.enrolledCount(institutionId, courseId),
    ]);
    const counted = series.filter((s) => s.counted > 0);
    const rates = counted.map((s) => s.attended / s.counted);
    const base = {
      courseId,
      enrolled,
      historySessions: rates.length,
    };
    if (rates.length === 0) {
      return {
        ...base,
        method: 'NONE',
        points: [],
        accuracy: { method: 'NONE', mae: null, mape: null, evaluatedPoints: 0, candidates: [] },
      };
    }
    const selection = selectMethod(
      [MEAN, NAIVE, LINEAR_TREND, exponentialSmoothing(0.5)],
      rates,
      MIN_TRAIN_SESSIONS,
    );
    const fitted = selection.method.fit(rates);
    const times = counted.map((s) => s.openedAt.getTime());
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    const gap = gaps.length > 0 ? median(gaps) : null;
    const last = times[times.length - 1]!;
    return {
      ...base,
      method: selection.method.name,
      points: Array.from({ length: sessions }, (_, i) => {
        const rate = Math.min(1, Math.max(0, fitted(i + 1)));
        return {
          step: i + 1,
          expectedDate: gap === null ? null : new Date(last + gap * (i + 1)),
          expectedRate: round(rate),
          expectedAttendees: round(rate * enrolled, 2),
        };
      }),
      accuracy: toAccuracy(selection.method.name, selection.accuracy, selection.candidates),
    };
  }

  /**
   * Expected photos per hour for the next `hours` hours (UTC), from the last `lookbackDays` days of
   * submissions. Candidates (same hour of day, same hour of week, flat mean) are scored by holding
   * back each of the last days (up to 7) in turn. Capacity: the peak divided by what one worker
   * processes in an hour (from the measured mean processing time) at 70 % utilisation.
   */
  /** Institution-wide capacity planning: admins only. */
  async load(
    viewer: Viewer,
    options: { hours: number; lookbackDays: number; asOf?: Date | null },
  ): Promise<LoadForecast> {
    const { institutionId } = requireAdmin(viewer);
    const { hours, lookbackDays } = options;
    if (hours < 1 || hours > 24 * 14) {
      throw new DomainError(ErrorCode.BAD_USER_INPUT, 'hours must be 1..336', { field: 'hours' });
    }
    if (lookbackDays < 1 || lookbackDays > 366) {
      throw new DomainError(ErrorCode.BAD_USER_INPUT, 'lookbackDays must be 1..366', {
        field: 'lookbackDays',
      });
    }
    // Whole hours only: the current, unfinished hour would read as a dip.
    const asOf = new Date(Math.floor((options.asOf ?? new Date()).getTime() / HOUR) * HOUR);
    const from = new Date(asOf.getTime() - lookbackDays * 24 * HOUR);
    const [counts, meanMs] = await Promise.all([
      this.repo.photosPerHour(institutionId, from, asOf),
      this.repo.meanProcessingMs(institutionId, from, asOf),
    ]);
    const series = new Array<number>(lookbackDays * 24).fill(0);
    for (const { hour, photos } of counts) {
      const i = Math.round((hour.getTime() - from.getTime()) / HOUR);
      if (i >= 0 && i < series.length) {
        series[i] = photos;
      }
    }
    const selection = selectHourlyMethod(
      [HOUR_OF_DAY_MEAN, HOUR_OF_WEEK_MEAN, HOURLY_MEAN],
      series,
      from,
      Math.min(7, lookbackDays - 1),
    );
    const fitted = selection.method.fit(series, from);
    const points = Array.from({ length: hours }, (_, i) => ({
      hourStart: new Date(asOf.getTime() + i * HOUR),
      expectedPhotos: round(fitted(series.length + i), 3),
    }));
    const peak = Math.max(0, ...points.map((p) => p.expectedPhotos));
    const perWorker = meanMs && meanMs > 0 ? HOUR / meanMs : null;
    return {
      method: selection.method.name,
      asOf,
      lookbackDays,
      points,
      peakPhotosPerHour: peak,
      meanProcessingMs: meanMs === null ? null : round(meanMs, 1),
      photosPerWorkerHour: perWorker === null ? null : round(perWorker, 1),
      recommendedWorkers:
        perWorker === null ? null : Math.max(1, Math.ceil(peak / (perWorker * TARGET_UTILIZATION))),
      accuracy: toAccuracy(selection.method.name, selection.accuracy, selection.candidates),
    };
  }
}

function toAccuracy(method: string, accuracy: Accuracy | null, candidates: Accuracy[]): ForecastAccuracy {
  return {
    method,
    mae: accuracy?.mae ?? null,
    mape: accuracy?.mape ?? null,
    evaluatedPoints: accuracy?.points ?? 0,
    candidates,
  };
}

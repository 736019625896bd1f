import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SystemViewer } from '../../src/auth/viewer';
import { openDatabase, type Database } from '../../src/db/data-source';
import { AnalyticsRepository } from '../../src/repositories/analytics.repository';
import { AnalyticsService, RiskReason } from '../../src/services/analytics.service';
import { CourseService } from '../../src/services/course.service';
import { ErrorCode } from '../../src/services/domain-error';
import { ForecastService } from '../../src/services/forecast.service';

const system = (institutionId: string): SystemViewer => ({ kind: 'system', institutionId });

// A seeded history (plain SQL, on PGlite or on DATABASE_URL), checked against values computed by
// hand in the comments. Everything lives in a fresh institution so other data cannot leak in.

const P = 'PRESENT';
const L = 'LATE';
const A = 'ABSENT';
const E = 'EXCUSED';

describe(AnalyticsService.name, () => {
  let db: Database;
  let sut: AnalyticsService;
  let forecasts: ForecastService;
  let institutionId: string;
  let otherInstitutionId: string;
  let courseA: string;
  let courseB: string;
  let otherCourse: string;
  const students: string[] = [];
  const sessions: string[] = [];

  const q = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    db.dataSource.query<T[]>(sql, params);
  const one = async (sql: string, params: unknown[] = []) => (await q<{ id: string }>(sql, params))[0]!.id;
  const tag = randomUUID().slice(0, 8);

  const institution = (slug: string) =>
    one(`INSERT INTO institution (slug, name) VALUES ($1, $1) RETURNING id`, [slug]);
  const course = (inst: string, code: string) =>
    one(`INSERT INTO course (institution_id, code, name) VALUES ($1, $2, $2) RETURNING id`, [inst, code]);
  const student = async (inst: string, courseId: string, externalId: string) => {
    const id = await one(
      `INSERT INTO student (institution_id, external_id, name) VALUES ($1, $2, $2) RETURNING id`,
      [inst, externalId],
    );
    await q(`INSERT INTO course_enrollment (course_id, student_id) VALUES ($1, $2)`, [courseId, id]);
    return id;
  };
  const session = (courseId: string, openedAt: string, closed = true) =>
    one(
      `INSERT INTO attendance_session (course_id, opened_at, late_after, closed_at)
       VALUES ($1, $2::timestamptz, $2::timestamptz + interval '10 minutes',
               CASE WHEN $3 THEN $2::timestamptz + interval '1 hour' END) RETURNING id`,
      [courseId, openedAt, closed],
    );
  const record = (sessionId: string, studentId: string, status: string, source = 'AUTO', faceId?: string) =>
    q(
      `INSERT INTO attendance_record (session_id, student_id, status, source, face_id) VALUES ($1, $2, $3, $4, $5)`,
      [sessionId, studentId, status, source, faceId ?? null],
    );

  beforeAll(async () => {
    db = await openDatabase({
      url: process.env.DATABASE_URL,
      pgliteDataDir: 'memory://',
      runMigrations: true,
    });
    const repo = new AnalyticsRepository(db.dataSource);
    const courses = new CourseService(db.dataSource);
    sut = new AnalyticsService(repo, courses, { attendanceRate: 0.8, absenceStreak: 3 });
    forecasts = new ForecastService(repo, courses);
    institutionId = await institution(`analytics-${tag}`);
    otherInstitutionId = await institution(`other-${tag}`);
    otherCourse = await course(otherInstitutionId, 'OTHER');

    // Course A: 4 students, 4 closed sessions over two weeks, plus an open one that must not count.
    courseA = await course(institutionId, 'A');
    for (const s of ['s1', 's2', 's3', 's4']) {
      students.push(await student(institutionId, courseA, s));
    }
    for (const at of [
      '2026-01-05T09:00:00Z', // week of Mon 5 Jan
      '2026-01-07T09:00:00Z',
      '2026-01-12T09:00:00Z', // week of Mon 12 Jan
      '2026-01-14T09:00:00Z',
    ]) {
      sessions.push(await session(courseA, at));
    }
    const open = await session(courseA, '2026-01-19T09:00:00Z', false);
    await record(open, students[3]!, P);

    // S1 decided three ways: s1 recognised (AUTO, accepted face), s2 confirmed on review (MANUAL via
    // a CONFIRMED face), s3 set by hand (MANUAL, no face); one unknown face dismissed.
    const photo = await one(
      `INSERT INTO submitted_photo (session_id, content_hash, storage_key, status) VALUES ($1, 'h-s1', 'k', 'DONE')
       RETURNING id`,
      [sessions[0]],
    );
    const face = (decision: string, review: string) =>
      one(
        `INSERT INTO photo_face (photo_id, session_id, box, detection_score, quality, decision, review_status,
                                 thumbnail_key)
         VALUES ($1, $2, '{"x":0,"y":0,"width":1,"height":1}', 0.9, 0.9, $3, $4, 't')
         RETURNING id`,
        [photo, sessions[0], decision, review],
      );
    const accepted = await face('ACCEPT', 'NONE');
    const confirmed = await face('REVIEW', 'CONFIRMED');
    await face('UNKNOWN', 'DISMISSED');

    const grid = [
      [P, P, L, A],
      [P, L, A, A],
      [P, P, E, A],
      [L, A, A, A],
    ];
    for (const [i, row] of grid.entries()) {
      for (const [j, status] of row.entries()) {
        if (i === 0 && j === 0) {
          await record(sessions[0]!, students[0]!, status, 'AUTO', accepted);
        } else if (i === 0 && j === 1) {
          await record(sessions[0]!, students[1]!, status, 'MANUAL', confirmed);
        } else if (i === 0 && j === 2) {
          await record(sessions[0]!, students[2]!, status, 'MANUAL');
        } else {
          await record(sessions[i]!, students[j]!, status);
        }
      }
    }

    // Course B: 10 students; daily sessions attended by 4, 5, 6, 7, 8 of them (a clean linear trend).
    courseB = await course(institutionId, 'B');
    const bStudents: string[] = [];
    for (let i = 0; i < 10; i++) {
      bStudents.push(await student(institutionId, courseB, `b${i}`));
    }
    for (const [day, attended] of [4, 5, 6, 7, 8].entries()) {
      const id = await session(courseB, `2026-01-0${day + 1}T09:00:00Z`);
      for (const [i, s] of bStudents.entries()) {
        await record(id, s, i < attended ? P : A);
      }
    }

    // Photos: each day from 18 to 31 Jan, 6 at 10:15 and 3 at 14:30 UTC, 500 ms of worker time each.
    await q(
      `INSERT INTO submitted_photo (session_id, content_hash, storage_key, status, processing_ms, submitted_at)
       SELECT $1, 'load-' || d || '-' || h || '-' || k, 'k', 'DONE', 500,
              timestamptz '2026-01-18T00:00:00Z' + d * interval '1 day' + (CASE WHEN h = 10 THEN interval '10 hours 15 minutes'
                                                                              ELSE interval '14 hours 30 minutes' END)
       FROM generate_series(0, 13) d, (VALUES (10), (14)) AS hours(h), generate_series(1, 6) k
       WHERE h = 10 OR k <= 3`,
      [sessions[1]],
    );
  });

  afterAll(async () => {
    // Against a shared PostgreSQL, leave nothing behind (the seeded photos have no stored files).
    if (db && institutionId) {
      await q(`DELETE FROM institution WHERE id = ANY($1::uuid[])`, [[institutionId, otherInstitutionId]]);
    }
    await db?.close();
  });

  it('computes attendance and punctuality per course', async () => {
    const [a] = await sut.byCourse(system(institutionId), { courseId: courseA });
    // P 5, L 3, A 7, E 1 over 4 closed sessions: (5 + 3) / 15 and 5 / 8.
    expect(a).toMatchObject({ courseId: courseA, sessions: 4, present: 5, late: 3, absent: 7, excused: 1 });
    expect(a!.attendanceRate).toBeCloseTo(8 / 15, 10);
    expect(a!.punctualityRate).toBeCloseTo(5 / 8, 10);
    const all = await sut.byCourse(system(institutionId), {});
    expect(all.map((c) => c.courseCode)).toEqual(['A', 'B']);
    // Course B: 30 of 50.
    expect(all[1]!.attendanceRate).toBeCloseTo(30 / 50, 10);
  });

  it('computes attendance per student', async () => {
    const rows = await sut.byStudent(system(institutionId), { courseId: courseA });
    const by = Object.fromEntries(rows.map((r) => [r.externalId, r]));
    expect(by.s1).toMatchObject({ present: 3, late: 1, absent: 0, attendanceRate: 1, punctualityRate: 0.75 });
    expect(by.s2!.attendanceRate).toBeCloseTo(3 / 4, 10);
    expect(by.s2!.punctualityRate).toBeCloseTo(2 / 3, 10);
    expect(by.s3).toMatchObject({ late: 1, absent: 2, excused: 1, punctualityRate: 0 });
    expect(by.s3!.attendanceRate).toBeCloseTo(1 / 3, 10);
    expect(by.s4).toMatchObject({ absent: 4, attendanceRate: 0, punctualityRate: null });
    const one = await sut.byStudent(system(institutionId), { studentId: students[0] });
    expect(one).toHaveLength(1);
  });

  it('computes attendance over time per session and per week', async () => {
    const perSession = await sut.trend(system(institutionId), { courseId: courseA }, 'SESSION');
    expect(perSession.map((p) => p.sessionId)).toEqual(sessions);
    expect(perSession.map((p) => p.attendanceRate)).toEqual([3 / 4, 2 / 4, 2 / 3, 1 / 4]);
    const perWeek = await sut.trend(system(institutionId), { courseId: courseA }, 'WEEK');
    expect(perWeek.map((p) => p.periodStart.toISOString())).toEqual([
      '2026-01-05T00:00:00.000Z',
      '2026-01-12T00:00:00.000Z',
    ]);
    // Week 1: P 3, L 2, A 3 -> 5/8 and 3/5. Week 2: P 2, L 1, A 4, E 1 -> 3/7 and 2/3.
    expect(perWeek[0]).toMatchObject({ sessions: 2, present: 3, late: 2, absent: 3 });
    expect(perWeek[0]!.attendanceRate).toBeCloseTo(5 / 8, 10);
    expect(perWeek[0]!.punctualityRate).toBeCloseTo(3 / 5, 10);
    expect(perWeek[1]).toMatchObject({ sessions: 2, present: 2, late: 1, absent: 4, excused: 1 });
    expect(perWeek[1]!.attendanceRate).toBeCloseTo(3 / 7, 10);
    const window = await sut.trend(
      system(institutionId),
      { courseId: courseA, from: new Date('2026-01-10T00:00:00Z') },
      'SESSION',
    );
    expect(window.map((p) => p.sessionId)).toEqual(sessions.slice(2));
  });

  it('finds students at risk by rate and by absence streak', async () => {
    const risk = await sut.atRisk(system(institutionId), { courseId: courseA });
    // s4: 4 absences in a row (rate 0); s3: A, (E skipped), A, then L -> streak 2, rate 1/3; s2: rate 3/4.
    expect(risk.map((r) => [r.externalId, r.absenceStreak, r.reasons])).toEqual([
      ['s4', 4, [RiskReason.LOW_ATTENDANCE, RiskReason.ABSENCE_STREAK]],
      ['s3', 2, [RiskReason.LOW_ATTENDANCE]],
      ['s2', 1, [RiskReason.LOW_ATTENDANCE]],
    ]);
    const strict = await sut.atRisk(
      system(institutionId),
      { courseId: courseA },
      { attendanceRate: 0.5, absenceStreak: 2 },
    );
    expect(strict.map((r) => [r.externalId, r.reasons])).toEqual([
      ['s4', [RiskReason.LOW_ATTENDANCE, RiskReason.ABSENCE_STREAK]],
      ['s3', [RiskReason.LOW_ATTENDANCE, RiskReason.ABSENCE_STREAK]],
    ]);
  });

  it('measures recognition quality over time', async () => {
    const points = await sut.recognitionQuality(system(institutionId), { courseId: courseA }, 'SESSION');
    expect(points[0]).toMatchObject({
      sessionId: sessions[0],
      autoMarked: 1,
      reviewConfirmed: 1,
      manuallyCorrected: 1,
      facesAccepted: 1,
      facesReview: 1,
      facesUnknown: 1,
      facesConfirmed: 1,
      facesDismissed: 1,
      facesPending: 0,
    });
    expect(points[0]!.autoShare).toBeCloseTo(1 / 3, 10);
    // Later sessions: every present/late mark was automatic; automatic absences are not decisions.
    expect(points.slice(1).map((p) => [p.autoMarked, p.autoShare])).toEqual([
      [2, 1],
      [2, 1],
      [1, 1],
    ]);
    const weekly = await sut.recognitionQuality(system(institutionId), { courseId: courseA }, 'WEEK');
    expect(weekly[0]).toMatchObject({ autoMarked: 3, reviewConfirmed: 1, manuallyCorrected: 1 });
    expect(weekly[0]!.autoShare).toBeCloseTo(3 / 5, 10);
  });

  it('keeps institutions apart and refuses bad filters', async () => {
    await expect(sut.byCourse(system(institutionId), { courseId: otherCourse })).rejects.toMatchObject({
      code: ErrorCode.NOT_FOUND,
    });
    expect(await sut.byCourse(system(otherInstitutionId), {})).toEqual([]);
    await expect(
      sut.trend(system(institutionId), { from: new Date('2026-02-01'), to: new Date('2026-01-01') }, 'WEEK'),
    ).rejects.toMatchObject({ code: ErrorCode.BAD_USER_INPUT });
  });

  describe(ForecastService.name, () => {
    it('forecasts attendance with the backtest-best method and reports its error', async () => {
      const f = await forecasts.attendance(system(institutionId), courseB, 3);
      // Rates 0.4 .. 0.8 lie on a line: LINEAR_TREND predicts every held-back session exactly.
      expect(f).toMatchObject({ method: 'LINEAR_TREND', enrolled: 10, historySessions: 5 });
      expect(f.accuracy.mae).toBeCloseTo(0, 10);
      expect(f.accuracy.mape).toBeCloseTo(0, 10);
      expect(f.accuracy.evaluatedPoints).toBe(2);
      // Rivals on origins 3 and 4 (actuals 0.7, 0.8): MEAN predicts 0.5, 0.55 -> MAE 0.225;
      // NAIVE 0.6, 0.7 -> 0.1 (MAPE (0.1/0.7 + 0.1/0.8) / 2); SES(0.5) 0.525, 0.6125 -> 0.18125.
      const mae = Object.fromEntries(f.accuracy.candidates.map((c) => [c.method, c.mae]));
      expect(mae.MEAN).toBeCloseTo(0.225, 10);
      expect(mae.NAIVE).toBeCloseTo(0.1, 10);
      expect(mae.EXPONENTIAL_SMOOTHING).toBeCloseTo(0.18125, 10);
      const naive = f.accuracy.candidates.find((c) => c.method === 'NAIVE')!;
      expect(naive.mape).toBeCloseTo((0.1 / 0.7 + 0.1 / 0.8) / 2, 10);
      // Next: 0.9, then 1.0 and capped at 1.0; one day apart like the history.
      expect(f.points.map((p) => p.expectedRate)).toEqual([0.9, 1, 1]);
      expect(f.points.map((p) => p.expectedAttendees)).toEqual([9, 10, 10]);
      expect(f.points.map((p) => p.expectedDate?.toISOString())).toEqual([
        '2026-01-06T09:00:00.000Z',
        '2026-01-07T09:00:00.000Z',
        '2026-01-08T09:00:00.000Z',
      ]);
    });

    it('answers without history and refuses other institutions', async () => {
      const empty = await course(institutionId, 'EMPTY');
      const f = await forecasts.attendance(system(institutionId), empty, 2);
      expect(f).toMatchObject({ method: 'NONE', points: [], historySessions: 0 });
      await expect(forecasts.attendance(system(institutionId), otherCourse, 2)).rejects.toMatchObject({
        code: ErrorCode.NOT_FOUND,
      });
    });

    it('forecasts photos per hour for capacity planning with its backtest error', async () => {
      const f = await forecasts.load(system(institutionId), {
        hours: 24,
        lookbackDays: 14,
        asOf: new Date('2026-02-01T00:20:00Z'),
      });
      // Every day is the same: the same-hour-of-day mean is exact on each of the 7 held-back days.
      expect(f).toMatchObject({ method: 'HOUR_OF_DAY_MEAN', lookbackDays: 14, peakPhotosPerHour: 6 });
      expect(f.asOf.toISOString()).toBe('2026-02-01T00:00:00.000Z');
      expect(f.accuracy).toMatchObject({ mae: 0, mape: 0, evaluatedPoints: 7 * 24 });
      expect(f.points).toHaveLength(24);
      expect(f.points[10]).toEqual({ hourStart: new Date('2026-02-01T10:00:00Z'), expectedPhotos: 6 });
      expect(f.points[14]!.expectedPhotos).toBe(3);
      expect(f.points.filter((p) => p.expectedPhotos === 0)).toHaveLength(22);
      // The flat mean (9 / 24 = 0.375 an hour) errs 5.625 + 2.625 + 22 x 0.375 = 16.5 a day: MAE 0.6875;
      // MAPE over the busy hours (5.625 / 6 + 2.625 / 3) / 2 = 0.90625.
      const mean = f.accuracy.candidates.find((c) => c.method === 'MEAN')!;
      expect(mean.mae).toBeCloseTo(0.6875, 10);
      expect(mean.mape).toBeCloseTo(0.90625, 10);
      // 500 ms a photo: 7200 photos per worker-hour; the peak of 6 needs one worker.
      expect(f).toMatchObject({ meanProcessingMs: 500, photosPerWorkerHour: 7200, recommendedWorkers: 1 });
    });
  });
});

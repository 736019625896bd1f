import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codesOf, gql, gqlOk, startTestApp, type TestApp } from '../setup/harness';
import { ADD_STUDENT, CLOSE_SESSION, CREATE_COURSE, START_SESSION } from './operations';

// The analytics and forecast queries over GraphQL, on a history made through the API itself
// (the SQL and the numbers are checked in depth in test/integration/analytics.test.ts).

const MARK = `mutation($input: MarkAttendanceInput!) { markAttendance(input: $input) { id } }`;

describe('analytics API', () => {
  let app: TestApp;
  let courseId: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    app = await startTestApp({ INFERENCE_WORKERS: '1', ALERTS_ENABLED: 'false' });
    const code = `AN-${randomUUID().slice(0, 6)}`;
    courseId = (
      await gqlOk<{ createCourse: { id: string } }>(app.api, CREATE_COURSE, {
        input: { code, name: 'Analytics' },
      })
    ).createCourse.id;
    for (const name of ['a', 'b']) {
      ids[name] = (
        await gqlOk<{ addStudent: { id: string } }>(app.api, ADD_STUDENT, {
          input: { courseId, externalId: `${code}-${name}`, name, consent: true },
        })
      ).addStudent.id;
    }
    // Four sessions: a comes to all (late once); b only to the second. Unmarked students are ABSENT on close.
    const plan: Record<string, string>[] = [
      { a: 'PRESENT' },
      { a: 'PRESENT', b: 'PRESENT' },
      { a: 'LATE' },
      { a: 'PRESENT' },
    ];
    for (const marks of plan) {
      const { startSession } = await gqlOk<{ startSession: { id: string } }>(app.api, START_SESSION, {
        courseId,
      });
      for (const [who, status] of Object.entries(marks)) {
        await gqlOk(app.api, MARK, { input: { sessionId: startSession.id, studentId: ids[who], status } });
      }
      await gqlOk(app.api, CLOSE_SESSION, { sessionId: startSession.id });
    }
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('answers attendance per course, per student and over time', async () => {
    const data = await gqlOk<{
      attendanceByCourse: {
        sessions: number;
        present: number;
        late: number;
        absent: number;
        attendanceRate: number;
        punctualityRate: number;
      }[];
      attendanceByStudent: { externalId: string; attendanceRate: number }[];
      attendanceTrend: { periodStart: string; sessionId: string; attendanceRate: number }[];
      weekly: { periodStart: string; sessionId: string | null; sessions: number }[];
    }>(
      app.api,
      `query($courseId: ID!) {
        attendanceByCourse(courseId: $courseId) { sessions present late absent attendanceRate punctualityRate }
        attendanceByStudent(courseId: $courseId) { externalId attendanceRate }
        attendanceTrend(courseId: $courseId) { periodStart sessionId attendanceRate }
        weekly: attendanceTrend(courseId: $courseId, granularity: WEEK) { periodStart sessionId sessions }
      }`,
      { courseId },
    );
    // P 4, L 1, A 3: attendance 5/8, punctuality 4/5.
    expect(data.attendanceByCourse).toEqual([
      { sessions: 4, present: 4, late: 1, absent: 3, attendanceRate: 5 / 8, punctualityRate: 4 / 5 },
    ]);
    expect(data.attendanceByStudent.map((s) => s.attendanceRate)).toEqual([1, 1 / 4]);
    expect(data.attendanceTrend.map((p) => p.attendanceRate)).toEqual([1 / 2, 1, 1 / 2, 1 / 2]);
    expect(new Date(data.attendanceTrend[0]!.periodStart).getTime()).toBeGreaterThan(0);
    expect(data.weekly.reduce((n, w) => n + w.sessions, 0)).toBe(4);
    expect(data.weekly[0]!.sessionId).toBeNull();
  });

  it('answers students at risk, recognition quality and forecasts', async () => {
    const data = await gqlOk<{
      studentsAtRisk: { externalId: string; absenceStreak: number; reasons: string[] }[];
      strict: { externalId: string; reasons: string[] }[];
      recognitionQuality: { autoMarked: number; manuallyCorrected: number; correctedShare: number }[];
      attendanceForecast: {
        method: string;
        enrolled: number;
        points: { step: number; expectedRate: number; expectedAttendees: number; expectedDate: string }[];
        accuracy: {
          method: string;
          mae: number;
          evaluatedPoints: number;
          candidates: { method: string; mae: number }[];
        };
      };
      loadForecast: {
        method: string;
        points: { expectedPhotos: number }[];
        recommendedWorkers: number | null;
      };
    }>(
      app.api,
      `query($courseId: ID!) {
        studentsAtRisk(courseId: $courseId) { externalId absenceStreak reasons }
        strict: studentsAtRisk(courseId: $courseId, threshold: 0.5, streak: 2) { externalId reasons }
        recognitionQuality(courseId: $courseId) { autoMarked manuallyCorrected correctedShare }
        attendanceForecast(courseId: $courseId, sessions: 2) {
          method enrolled points { step expectedRate expectedAttendees expectedDate }
          accuracy { method mae evaluatedPoints candidates { method mae } }
        }
        loadForecast(hours: 6, lookbackDays: 2) { method points { expectedPhotos } recommendedWorkers }
      }`,
      { courseId },
    );
    expect(data.studentsAtRisk.map((s) => [s.absenceStreak, s.reasons])).toEqual([[2, ['LOW_ATTENDANCE']]]);
    expect(data.strict.map((s) => s.reasons)).toEqual([['LOW_ATTENDANCE', 'ABSENCE_STREAK']]);
    // Every present/late mark was set by hand; the absences at close are not decisions.
    expect(data.recognitionQuality.reduce((n, q) => n + q.manuallyCorrected, 0)).toBe(5);
    expect(data.recognitionQuality.every((q) => q.autoMarked === 0 && q.correctedShare === 1)).toBe(true);
    // Rates 1/2, 1, 1/2, 1/2: held back, the last one is predicted exactly by the last value only.
    const f = data.attendanceForecast;
    expect(f).toMatchObject({ method: 'NAIVE', enrolled: 2 });
    expect(f.accuracy).toMatchObject({ method: 'NAIVE', mae: 0, evaluatedPoints: 1 });
    expect(f.accuracy.candidates.find((c) => c.method === 'MEAN')?.mae).toBeCloseTo(2 / 3 - 1 / 2, 10);
    expect(f.points.map((p) => [p.step, p.expectedRate, p.expectedAttendees])).toEqual([
      [1, 0.5, 1],
      [2, 0.5, 1],
    ]);
    expect(data.loadForecast.points).toHaveLength(6);
    expect(data.loadForecast.points.every((p) => p.expectedPhotos === 0)).toBe(true);
    expect(data.loadForecast.recommendedWorkers).toBeNull();
  });

  it('refuses anonymous callers, other institutions and bad arguments', async () => {
    const query = `query($courseId: ID!) { attendanceByCourse(courseId: $courseId) { sessions } }`;
    expect(codesOf(await gql(app.anonymous, query, { courseId }))).toEqual(['UNAUTHENTICATED']);
    const stranger = await app.adminOf(`other-${randomUUID().slice(0, 6)}`);
    expect(codesOf(await gql(stranger, query, { courseId }))).toEqual(['NOT_FOUND']);
    expect(await gqlOk(stranger, `{ attendanceByCourse { courseId } }`)).toEqual({ attendanceByCourse: [] });
    expect(
      codesOf(
        await gql(app.api, `query($c: ID!) { attendanceForecast(courseId: $c, sessions: 0) { method } }`, {
          c: courseId,
        }),
      ),
    ).toEqual(['BAD_USER_INPUT']);
  });
});

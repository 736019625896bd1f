import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localTime } from '../../src/services/timetable.service';
import { codesOf, gql, gqlOk, startTestApp, type Endpoint, type TestApp } from '../setup/harness';
import { ADD_STUDENT, CREATE_COURSE } from './operations';

// Sessions from the timetable, driven by an injected clock: a Paris slot opens on its own (once,
// even when two ticks race), LATE counts from the slot's start, and the session closes at the
// slot's end with everyone unseen ABSENT. Term dates bound the slots.

const SET = `mutation($courseId: ID!, $tz: String!, $slots: [ScheduleSlotInput!]!) {
  setCourseSchedule(courseId: $courseId, timezone: $tz, slots: $slots) { courseId timezone slots { id weekday start end lateAfterMinutes } }
}`;
const SESSIONS = `query($id: ID!) { course(id: $id) { sessions { items { id isOpen openedAt closedAt lateAfter slotId scheduledStart scheduledEnd records { status student { externalId } } } } } }`;
const MARK = `mutation($input: MarkAttendanceInput!) { markAttendance(input: $input) { status } }`;

interface Session {
  id: string;
  isOpen: boolean;
  openedAt: string;
  closedAt: string | null;
  lateAfter: string;
  slotId: string | null;
  scheduledStart: string | null;
  scheduledEnd: string | null;
  records: { status: string; student: { externalId: string } }[];
}

describe('timetable', () => {
  let app: TestApp;
  let admin: Endpoint;
  let courseId = '';
  const studentIds: string[] = [];

  const sessions = async () =>
    (await gqlOk<{ course: { sessions: { items: Session[] } } }>(admin, SESSIONS, { id: courseId })).course
      .sessions.items;

  beforeAll(async () => {
    app = await startTestApp({ TIMETABLE_ENABLED: 'false' });
    admin = await app.adminOf('lms-timetable');
    courseId = (
      await gqlOk<{ createCourse: { id: string } }>(admin, CREATE_COURSE, {
        input: { code: 'TT1', name: 'Timetabled' },
      })
    ).createCourse.id;
    for (const externalId of ['t-1', 't-2']) {
      studentIds.push(
        (
          await gqlOk<{ addStudent: { id: string } }>(admin, ADD_STUDENT, {
            input: { courseId, externalId, name: externalId, consent: true },
          })
        ).addStudent.id,
      );
    }
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('knows local time in a zone', () => {
    expect(localTime(new Date('2026-12-02T10:07:30Z'), 'Europe/Paris')).toEqual({
      date: '2026-12-02',
      weekday: 3,
      minute: 11 * 60 + 7,
    });
    expect(localTime(new Date('2026-07-01T22:30:00Z'), 'Europe/Paris')).toEqual({
      date: '2026-07-02',
      weekday: 4,
      minute: 30,
    });
  });

  it('refuses bad timetables with typed errors', async () => {
    const tz = await gql(admin, SET, { courseId, tz: 'Mars/Olympus', slots: [] });
    expect(codesOf(tz)).toEqual(['BAD_USER_INPUT']);
    const overlap = await gql(admin, SET, {
      courseId,
      tz: 'UTC',
      slots: [
        { weekday: 1, start: '09:00', end: '10:00' },
        { weekday: 1, start: '09:30', end: '11:00' },
      ],
    });
    expect(codesOf(overlap)).toEqual(['BAD_USER_INPUT']);
    const backwards = await gql(admin, SET, {
      courseId,
      tz: 'UTC',
      slots: [{ weekday: 8, start: '10:00', end: '09:00' }],
    });
    expect(codesOf(backwards)).toEqual(['BAD_USER_INPUT']);
  });

  it('opens a session at the slot (once), counts LATE from the slot start, closes it at the end', async () => {
    const set = await gqlOk<{ setCourseSchedule: { slots: { id: string; start: string; end: string }[] } }>(
      admin,
      SET,
      {
        courseId,
        tz: 'Europe/Paris',
        // Wednesdays 11:00-11:45 Paris time = 10:00-10:45 UTC in December.
        slots: [{ weekday: 3, start: '11:00', end: '11:45', lateAfterMinutes: 5 }],
      },
    );
    const slotId = set.setCourseSchedule.slots[0]!.id;
    expect(set.setCourseSchedule.slots[0]).toMatchObject({ start: '11:00', end: '11:45' });

    expect((await app.timetable.tick(new Date('2026-12-02T09:59:00Z'))).opened).toEqual([]);
    // Two instances ticking at once (the lease normally prevents it): the unique slot index holds.
    const [a, b] = await Promise.all([
      app.timetable.tick(new Date('2026-12-02T10:07:30Z')),
      app.timetable.tick(new Date('2026-12-02T10:07:30Z')),
    ]);
    expect(a.opened.length + b.opened.length).toBe(1);
    let [session] = await sessions();
    expect(session).toMatchObject({
      isOpen: true,
      slotId,
      scheduledStart: '2026-12-02T10:00:00.000Z',
      scheduledEnd: '2026-12-02T10:45:00.000Z',
      openedAt: '2026-12-02T10:07:30.000Z',
      // From the slot's start, not from when the session opened.
      lateAfter: '2026-12-02T10:05:00.000Z',
    });
    await gqlOk(admin, MARK, {
      input: { sessionId: session!.id, studentId: studentIds[0], status: 'PRESENT' },
    });
    expect(await app.timetable.tick(new Date('2026-12-02T10:30:00Z'))).toEqual({ opened: [], closed: [] });

    const end = await app.timetable.tick(new Date('2026-12-02T10:45:00Z'));
    expect(end.closed).toEqual([session!.id]);
    [session] = await sessions();
    expect(session?.isOpen).toBe(false);
    expect(session?.records.map((r) => `${r.student.externalId}:${r.status}`).sort()).toEqual([
      't-1:PRESENT',
      't-2:ABSENT',
    ]);
    expect((await app.timetable.tick(new Date('2026-12-02T10:44:00Z'))).opened).toEqual([]);
  });

  it('opens no session outside the term dates', async () => {
    await app.dataSource.query(`UPDATE course SET term_end = '2026-12-05' WHERE id = $1`, [courseId]);
    expect((await app.timetable.tick(new Date('2026-12-09T10:10:00Z'))).opened).toEqual([]);
    await app.dataSource.query(`UPDATE course SET term_end = NULL WHERE id = $1`, [courseId]);
    expect((await app.timetable.tick(new Date('2026-12-09T10:10:00Z'))).opened).toHaveLength(1);
    expect((await app.timetable.tick(new Date('2026-12-09T10:50:00Z'))).closed).toHaveLength(1);
  });
});

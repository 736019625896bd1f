import type { DataSource } from 'typeorm';
import type { Leadership } from '../alerts/leader';
import { CourseAction } from '../auth/access';
import type { Viewer } from '../auth/viewer';
import { AttendanceSession } from '../entities/attendance-session.entity';
import { CourseScheduleSlot } from '../entities/course-schedule-slot.entity';
import type { Logger } from '../observability/logger';
import { Topic, type AppPubSub } from '../pubsub';
import { toSessionEvent, type AttendanceService } from './attendance.service';
import type { CourseService } from './course.service';
import { DomainError, ErrorCode } from './domain-error';

export interface SlotInput {
  /** ISO weekday, 1 = Monday. */
  weekday: number;
  /** "HH:MM", local to the timetable's time zone. */
  start: string;
  end: string;
  lateAfterMinutes?: number | null;
}

export interface CourseSchedule {
  courseId: string;
  timezone: string | null;
  termStart: string | null;
  termEnd: string | null;
  slots: CourseScheduleSlot[];
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;
const minutesOf = (t: string) => (t === '24:00' ? 1440 : Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5)));
export const formatMinutes = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** The wall-clock date, ISO weekday and minute of the day at `now` in `timezone`. */
export function localTime(now: Date, timezone: string): { date: string; weekday: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    weekday: 'short',
    hourCycle: 'h23',
  }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    date: `${get('year')}-${get('month')}-${get('day')}`,
    weekday: WEEKDAYS[get('weekday')] ?? 0,
    minute: Number(get('hour')) * 60 + Number(get('minute')),
  };
}

/**
 * Course timetables: weekly slots in a time zone, bounded by the course's term dates. On each tick
 * (one instance at a time, by the Redis lease), sessions open for slots under way and close when
 * their slot ends; a session's LATE threshold counts from the slot's start, not from when it opened.
 * The unique (slot, start) index makes a double open impossible even if two instances tick at once.
 */
export class TimetableService {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private readonly log: Logger;

  constructor(
    private readonly dataSource: DataSource,
    private readonly courses: CourseService,
    private readonly sessions: AttendanceService,
    private readonly pubsub: AppPubSub,
    private readonly leadership: Leadership,
    private readonly defaultLateAfterMinutes: number,
    logger: Logger,
  ) {
    this.log = logger.child({ module: TimetableService.name });
  }

  async set(viewer: Viewer, courseId: string, timezone: string, slots: SlotInput[]): Promise<CourseSchedule> {
    const course = await this.courses.get(viewer, courseId, CourseAction.MANAGE);
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    } catch {
      throw new DomainError(ErrorCode.BAD_USER_INPUT, `Unknown time zone ${timezone}`, { field: 'timezone' });
    }
    const rows = slots.map((s, index) => {
      if (!Number.isInteger(s.weekday) || s.weekday < 1 || s.weekday > 7) {
        throw new DomainError(ErrorCode.BAD_USER_INPUT, 'weekday is 1 (Monday) to 7 (Sunday)', {
          field: 'slots',
          index,
        });
      }
      if (!HHMM.test(s.start) || !HHMM.test(s.end) || minutesOf(s.end) <= minutesOf(s.start)) {
        throw new DomainError(ErrorCode.BAD_USER_INPUT, 'start and end are HH:MM, end after start', {
          field: 'slots',
          index,
        });
      }
      if (
        s.lateAfterMinutes !== null &&
        s.lateAfterMinutes !== undefined &&
        (!Number.isInteger(s.lateAfterMinutes) || s.lateAfterMinutes < 0)
      ) {
        throw new DomainError(ErrorCode.BAD_USER_INPUT, 'lateAfterMinutes is a whole number of minutes', {
          field: 'slots',
          index,
        });
      }
      return {
        weekday: s.weekday,
        startMinute: minutesOf(s.start),
        endMinute: minutesOf(s.end),
        lateAfterMinutes: s.lateAfterMinutes ?? null,
      };
    });
    const sorted = [...rows].sort((a, b) => a.weekday - b.weekday || a.startMinute - b.startMinute);
    for (let i = 1; i < sorted.length; i += 1) {
      const a = sorted[i - 1]!;
      const b = sorted[i]!;
      if (a.weekday === b.weekday && b.startMinute < a.endMinute) {
        throw new DomainError(ErrorCode.BAD_USER_INPUT, 'Slots of one day must not overlap', {
          field: 'slots',
        });
      }
    }
    await this.dataSource.transaction(async (m) => {
      await m.delete(CourseScheduleSlot, { courseId: course.id });
      if (rows.length > 0) {
        await m.insert(
          CourseScheduleSlot,
          rows.map((r) => ({ ...r, courseId: course.id, timezone })),
        );
      }
    });
    return this.get(viewer, course.id);
  }

  async get(viewer: Viewer, courseId: string): Promise<CourseSchedule> {
    const course = await this.courses.get(viewer, courseId);
    const slots = await this.dataSource
      .getRepository(CourseScheduleSlot)
      .find({ where: { courseId: course.id }, order: { weekday: 'ASC', startMinute: 'ASC' } });
    return {
      courseId: course.id,
      timezone: slots[0]?.timezone ?? null,
      termStart: course.termStart,
      termEnd: course.termEnd,
      slots,
    };
  }

  start(intervalMs: number): void {
    const run = () => {
      this.running ??= this.leadership
        .acquire()
        .then(async (leading) => {
          if (leading) {
            await this.tick(new Date());
          }
        })
        .catch((error: unknown) => this.log.error({ err: error }, 'timetable tick failed'))
        .finally(() => (this.running = null));
    };
    this.timer = setInterval(run, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) {
      clearInterval(this.timer);
    }
    await this.running;
    await this.leadership.close();
  }

  /** Opens the sessions of slots under way at `now` and closes those whose slot has ended. */
  async tick(now: Date): Promise<{ opened: string[]; closed: string[] }> {
    const opened: string[] = [];
    const closed: string[] = [];
    const slots = await this.dataSource.query<
      {
        id: string;
        course_id: string;
        weekday: number;
        start_minute: number;
        end_minute: number;
        timezone: string;
        late_after_minutes: number | null;
        term_start: string | null;
        term_end: string | null;
      }[]
    >(
      `SELECT s.id, s.course_id, s.weekday, s.start_minute, s.end_minute, s.timezone, s.late_after_minutes,
              to_char(c.term_start, 'YYYY-MM-DD') AS term_start, to_char(c.term_end, 'YYYY-MM-DD') AS term_end
         FROM course_schedule_slot s JOIN course c ON c.id = s.course_id`,
    );
    const minuteStart = Math.floor(now.getTime() / 60_000) * 60_000;
    for (const slot of slots) {
      const local = localTime(now, slot.timezone);
      if (
        local.weekday !== slot.weekday ||
        local.minute < slot.start_minute ||
        local.minute >= slot.end_minute ||
        (slot.term_start && local.date < slot.term_start) ||
        (slot.term_end && local.date > slot.term_end)
      ) {
        continue;
      }
      // Local minutes and UTC minutes share boundaries (offsets are whole minutes).
      const scheduledStart = new Date(minuteStart - (local.minute - slot.start_minute) * 60_000);
      const scheduledEnd = new Date(
        scheduledStart.getTime() + (slot.end_minute - slot.start_minute) * 60_000,
      );
      const late = slot.late_after_minutes ?? this.defaultLateAfterMinutes;
      const inserted = await this.dataSource.query<{ id: string }[]>(
        `INSERT INTO attendance_session (course_id, opened_at, late_after, slot_id, scheduled_start, scheduled_end)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (slot_id, scheduled_start) WHERE slot_id IS NOT NULL DO NOTHING RETURNING id`,
        [
          slot.course_id,
          now,
          new Date(scheduledStart.getTime() + late * 60_000),
          slot.id,
          scheduledStart,
          scheduledEnd,
        ],
      );
      const id = inserted[0]?.id;
      if (id) {
        const session = await this.dataSource.getRepository(AttendanceSession).findOneByOrFail({ id });
        opened.push(id);
        await this.pubsub.emit(Topic.SessionChanged, session.courseId, toSessionEvent(session));
      }
    }
    const due = await this.dataSource.query<{ id: string; institution_id: string }[]>(
      `SELECT s.id, c.institution_id FROM attendance_session s JOIN course c ON c.id = s.course_id
        WHERE s.slot_id IS NOT NULL AND s.closed_at IS NULL AND s.scheduled_end <= $1`,
      [now],
    );
    for (const s of due) {
      try {
        await this.sessions.close({ kind: 'system', institutionId: s.institution_id }, s.id);
        closed.push(s.id);
      } catch (error) {
        // Closed by hand (or by another instance) in the meantime.
        if (!(error instanceof DomainError && error.code === ErrorCode.SESSION_CLOSED)) {
          throw error;
        }
      }
    }
    if (opened.length || closed.length) {
      this.log.info({ opened: opened.length, closed: closed.length }, 'timetable sessions');
    }
    return { opened, closed };
  }
}

'use client';

import { useMemo, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { ErrorNote, Loading } from '@/components/States';
import type { CourseScheduleQuery as ScheduleData } from '@/gql/graphql';
import { describeError, isCombinedError } from '@/lib/errors';
import { CourseScheduleQuery, SetCourseScheduleMutation } from './operations';

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

interface Draft {
  key: number;
  weekday: number;
  start: string;
  end: string;
  late: string;
}

// Term dates are calendar days (YYYY-MM-DD): formatted at UTC so no browser time zone shifts them.
const calendarDay = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });
const formatDay = (day: string | null | undefined): string =>
  day ? calendarDay.format(new Date(`${day}T00:00:00Z`)) : '—';

let nextKey = 1;
const toDraft = (s: ScheduleData['courseSchedule']['slots'][number]): Draft => ({
  key: nextKey++,
  weekday: s.weekday,
  start: s.start,
  end: s.end,
  late: s.lateAfterMinutes === null || s.lateAfterMinutes === undefined ? '' : String(s.lateAfterMinutes),
});

const browserZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** The zones the browser knows, with the saved one kept even if this browser lacks it. */
function zonesWith(current: string): string[] {
  const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return all.includes(current) ? all : [current, ...all];
}

/**
 * Which slot the server refused and why, in words: setCourseSchedule answers BAD_USER_INPUT with
 * `field` (slots | timezone) and, for one slot, its `index` in the list sent.
 */
function scheduleProblem(error: unknown): { index: number | null; text: string } | null {
  if (!error) {
    return null;
  }
  const first = isCombinedError(error) ? error.graphQLErrors[0] : undefined;
  const ext = first?.extensions ?? {};
  if (ext.code !== 'BAD_USER_INPUT') {
    return { index: null, text: describeError(error) };
  }
  const index = typeof ext.index === 'number' ? ext.index : null;
  const message = first?.message ?? '';
  if (ext.field === 'timezone') {
    return { index: null, text: 'This time zone is not known to the server. Choose one from the list.' };
  }
  let text = 'This timetable cannot be saved.';
  if (/overlap/i.test(message)) {
    text = 'Two slots on the same day overlap. Change the times so one ends before the next starts.';
  } else if (/end after start/i.test(message)) {
    text = 'Give a start and an end time, the end after the start.';
  } else if (/weekday/i.test(message)) {
    text = 'Choose a day of the week.';
  } else if (/late/i.test(message)) {
    text = '“Late after” is a whole number of minutes (0 or more).';
  }
  return { index, text: index === null ? text : `Slot ${index + 1}: ${text}` };
}

/**
 * The course's weekly timetable: sessions open at each slot's start and close at its end, inside the
 * term dates (which come from the school system through OneRoster).
 */
export function Timetable({ courseId }: { courseId: string }) {
  const [{ data, fetching, error }, refetch] = useQuery({
    query: CourseScheduleQuery,
    variables: { courseId },
  });
  const schedule = data?.courseSchedule;
  if (!schedule) {
    return (
      <section className="card" aria-labelledby="timetable">
        <h2 id="timetable">Timetable</h2>
        {error ? (
          <ErrorNote error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
        ) : (
          fetching && <Loading label="Loading the timetable…" />
        )}
      </section>
    );
  }
  return <TimetableEditor courseId={courseId} schedule={schedule} />;
}

/** Edits a copy of the loaded timetable; saving replaces every slot at once (setCourseSchedule). */
function TimetableEditor({
  courseId,
  schedule,
}: {
  courseId: string;
  schedule: ScheduleData['courseSchedule'];
}) {
  const [saved, save] = useMutation(SetCourseScheduleMutation);
  const [drafts, setDrafts] = useState<Draft[]>(() => schedule.slots.map(toDraft));
  const [timezone, setTimezone] = useState<string>(() => schedule.timezone ?? browserZone());
  const [done, setDone] = useState(false);
  const zones = useMemo(() => zonesWith(timezone), [timezone]);
  const problem = scheduleProblem(saved.error);

  const change = (key: number, patch: Partial<Draft>) => {
    setDone(false);
    setDrafts(drafts.map((d) => (d.key === key ? { ...d, ...patch } : d)));
  };
  const add = () => {
    setDone(false);
    const last = drafts[drafts.length - 1];
    setDrafts([
      ...drafts,
      {
        key: nextKey++,
        weekday: last ? Math.min(last.weekday + 1, 7) : 1,
        start: '08:30',
        end: '09:30',
        late: '',
      },
    ]);
  };
  const submit = async () => {
    setDone(false);
    const result = await save({
      courseId,
      timezone,
      slots: drafts.map((d) => ({
        weekday: d.weekday,
        start: d.start,
        end: d.end,
        lateAfterMinutes: d.late.trim() === '' ? null : Number(d.late),
      })),
    });
    if (result.data) {
      setDrafts(result.data.setCourseSchedule.slots.map(toDraft));
      setTimezone(result.data.setCourseSchedule.timezone ?? timezone);
      setDone(true);
    }
  };

  return (
    <section className="card stack" aria-labelledby="timetable" data-testid="timetable">
      <h2 id="timetable" style={{ margin: 0 }}>
        Timetable
      </h2>
      <p className="small muted" style={{ margin: 0 }}>
        A session opens on its own at each slot&apos;s start and closes at its end (students not seen are
        marked absent then).
      </p>
      <p className="small" style={{ margin: 0 }} data-testid="term-dates">
        <strong>Term:</strong>{' '}
        {schedule.termStart || schedule.termEnd ? (
          <>
            {formatDay(schedule.termStart)} to {formatDay(schedule.termEnd)}{' '}
            <span className="muted">(from the school system; no session opens outside it)</span>
          </>
        ) : (
          <span className="muted">no term dates: the slots apply every week.</span>
        )}
      </p>
      <div className="field">
        <label htmlFor="timetable-zone">Time zone of the times</label>
        <select
          id="timetable-zone"
          value={timezone}
          onChange={(e) => {
            setDone(false);
            setTimezone(e.target.value);
          }}
        >
          {zones.map((z) => (
            <option key={z} value={z}>
              {z.replaceAll('_', ' ')}
            </option>
          ))}
        </select>
      </div>
      {drafts.length === 0 ? (
        <p className="muted" style={{ margin: 0 }}>
          No weekly slots: sessions are started by hand.
        </p>
      ) : (
        <ol className="slots" aria-label="Weekly slots">
          {drafts.map((d, i) => (
            <li
              key={d.key}
              className={problem?.index === i ? 'slot invalid' : 'slot'}
              data-testid="slot"
              aria-invalid={problem?.index === i || undefined}
            >
              <div className="field slot-day">
                <label htmlFor={`slot-${d.key}-day`}>Day</label>
                <select
                  id={`slot-${d.key}-day`}
                  value={d.weekday}
                  onChange={(e) => change(d.key, { weekday: Number(e.target.value) })}
                >
                  {WEEKDAYS.map((name, day) => (
                    <option key={name} value={day + 1}>
                      {name}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field slot-start">
                <label htmlFor={`slot-${d.key}-start`}>Starts</label>
                <input
                  id={`slot-${d.key}-start`}
                  type="time"
                  required
                  value={d.start}
                  onChange={(e) => change(d.key, { start: e.target.value })}
                />
              </div>
              <div className="field slot-end">
                <label htmlFor={`slot-${d.key}-end`}>Ends</label>
                <input
                  id={`slot-${d.key}-end`}
                  type="time"
                  required
                  value={d.end}
                  onChange={(e) => change(d.key, { end: e.target.value })}
                />
              </div>
              <div className="field slot-late">
                <label htmlFor={`slot-${d.key}-late`}>Late after (min)</label>
                <input
                  id={`slot-${d.key}-late`}
                  type="number"
                  min={0}
                  step={1}
                  inputMode="numeric"
                  placeholder="default"
                  value={d.late}
                  onChange={(e) => change(d.key, { late: e.target.value })}
                />
              </div>
              <button
                type="button"
                className="button danger secondary small slot-remove"
                aria-label={`Remove slot ${i + 1} (${WEEKDAYS[d.weekday - 1] ?? ''} ${d.start})`}
                onClick={() => {
                  setDone(false);
                  setDrafts(drafts.filter((x) => x.key !== d.key));
                }}
              >
                Remove
              </button>
            </li>
          ))}
        </ol>
      )}
      {problem && (
        <div className="notice error" role="alert" data-testid="timetable-error">
          {problem.text}
        </div>
      )}
      {done && (
        <p className="notice ok" role="status" style={{ margin: 0 }}>
          Timetable saved: {drafts.length} weekly slot{drafts.length === 1 ? '' : 's'}.
        </p>
      )}
      <div className="row">
        <button type="button" className="button secondary" onClick={add}>
          Add a slot
        </button>
        <button type="button" className="button" disabled={saved.fetching} onClick={() => void submit()}>
          {saved.fetching ? 'Saving…' : 'Save timetable'}
        </button>
      </div>
    </section>
  );
}

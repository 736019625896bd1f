'use client';

import { Suspense, useMemo } from 'react';
import { useQuery } from 'urql';
import { AttendanceChart, type ChartRow } from '@/components/AttendanceChart';
import { CourseAnalytics } from '@/components/CourseAnalytics';
import { PageTitle } from '@/components/PageTitle';
import { Empty, ErrorNote, Loading } from '@/components/States';
import type { AttendanceStatus, ReportQuery } from '@/gql/graphql';
import { downloadCsv, toCsv } from '@/lib/csv';
import Link from 'next/link';
import {
  formatDate,
  formatDateTime,
  formatPercent,
  spreadsheetTime,
  STATUS_LABEL,
  STATUSES,
} from '@/lib/format';
import { ReportQuery as Report } from './operations';
import { useParam } from '@/lib/use-param';

type Course = ReportQuery['course'];
type Counts = Record<AttendanceStatus | 'NONE', number>;

const emptyCounts = (): Counts => ({ PRESENT: 0, LATE: 0, EXCUSED: 0, ABSENT: 0, NONE: 0 });

/** Attended = present or late; the rate leaves excused absences out of the denominator. */
function rate(c: Counts): number | null {
  const counted = c.PRESENT + c.LATE + c.ABSENT;
  return counted === 0 ? null : (c.PRESENT + c.LATE) / counted;
}

function buildReport(course: Course) {
  const students = [...course.students.items].sort((a, b) => a.name.localeCompare(b.name));
  const sessions = [...course.sessions.items].sort((a, b) => Date.parse(a.openedAt) - Date.parse(b.openedAt));
  const perSession = sessions.map((s) => {
    const byStudent = new Map(s.records.map((r) => [r.studentId, r]));
    const counts = emptyCounts();
    for (const st of students) {
      counts[byStudent.get(st.id)?.status ?? 'NONE']++;
    }
    return { session: s, byStudent, counts };
  });
  const perStudent = students.map((st) => {
    const counts = emptyCounts();
    for (const ps of perSession) {
      counts[ps.byStudent.get(st.id)?.status ?? 'NONE']++;
    }
    return { student: st, counts };
  });
  return { students, perSession, perStudent };
}

const SOURCE_CSV: Record<string, string> = {
  AUTO: 'recognised',
  CONFIRMED: 'confirmed by teacher',
  MANUAL: 'set by teacher',
};

/** A spreadsheet-friendly export: local times without seconds, statuses and sources in words. */
export function exportCsv(course: Course, report: ReturnType<typeof buildReport>) {
  const header = [
    'Course',
    'Session opened',
    'Session closed',
    'Student number',
    'Student name',
    'Status',
    'How',
    'Confidence %',
    'First seen',
    'Note',
  ];
  const rows = report.perSession.flatMap(({ session, byStudent }) =>
    report.students.map((st) => {
      const r = byStudent.get(st.id);
      return [
        course.code,
        spreadsheetTime(session.openedAt),
        spreadsheetTime(session.closedAt),
        st.externalId,
        st.name,
        r ? STATUS_LABEL[r.status] : 'Not recorded',
        r ? (r.status === 'ABSENT' && r.source === 'AUTO' ? 'not seen' : (SOURCE_CSV[r.source] ?? '')) : '',
        r?.confidence === null || r?.confidence === undefined ? '' : Math.round(r.confidence * 100),
        spreadsheetTime(r?.firstSeenAt),
        r?.note,
      ];
    }),
  );
  downloadCsv(
    `attendance-${course.code}-${spreadsheetTime(new Date().toISOString()).slice(0, 10)}.csv`,
    toCsv(header, rows),
  );
}

function ReportsPage() {
  const courseId = useParam('course');
  const [{ data, fetching, error }, refetch] = useQuery({
    query: Report,
    variables: { courseId },
    pause: !courseId,
  });
  const report = useMemo(() => (data ? buildReport(data.course) : null), [data]);

  if (!courseId) {
    return <ErrorNote error="No course was chosen." />;
  }
  if (error && !data) {
    return <ErrorNote error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  }
  if (!data || !report) {
    return fetching ? <Loading label="Loading the report…" /> : null;
  }
  const course = data.course;
  const chartRows: ChartRow[] = report.perSession.map(({ session, counts }) => ({
    label: formatDate(session.openedAt),
    ...counts,
  }));

  return (
    <>
      <PageTitle
        title={`Reports · ${course.code}`}
        crumbs={[
          { href: '/courses/', label: 'Courses' },
          { href: `/course/?id=${course.id}`, label: `${course.code} · ${course.name}` },
        ]}
        actions={
          <>
            <button
              type="button"
              className="button secondary"
              disabled={report.perSession.length === 0}
              onClick={() => window.print()}
            >
              Print register
            </button>
            <button
              type="button"
              className="button"
              disabled={report.perSession.length === 0}
              onClick={() => exportCsv(course, report)}
            >
              Export for Excel (CSV)
            </button>
          </>
        }
        subtitle="Attendance rate counts present and late against absent; excused absences are left out."
      />
      {report.perSession.length === 0 ? (
        <div className="card">
          <Empty title="No sessions yet">
            <p>Reports appear after the first attendance session.</p>
          </Empty>
        </div>
      ) : (
        <div className="stack">
          <section className="card" aria-labelledby="chart">
            <h2 id="chart">Attendance over time</h2>
            <AttendanceChart rows={chartRows} />
          </section>
          <section className="card" aria-labelledby="per-session">
            <h2 id="per-session">Per session</h2>
            <div className="table-wrap" tabIndex={0}>
              <table data-testid="per-session">
                <thead>
                  <tr>
                    <th>Session</th>
                    {STATUSES.map((s) => (
                      <th key={s} className="num">
                        {STATUS_LABEL[s]}
                      </th>
                    ))}
                    <th className="num">Not recorded</th>
                    <th className="num">Rate</th>
                  </tr>
                </thead>
                <tbody>
                  {[...report.perSession].reverse().map(({ session, counts }) => (
                    <tr key={session.id}>
                      <td>
                        <Link href={`/session/?id=${session.id}`}>{formatDateTime(session.openedAt)}</Link>{' '}
                        {session.isOpen && <span className="badge ok">open</span>}
                      </td>
                      {STATUSES.map((s) => (
                        <td key={s} className="num">
                          {counts[s]}
                        </td>
                      ))}
                      <td className="num">{counts.NONE}</td>
                      <td className="num">{formatPercent(rate(counts))}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          <section className="card" aria-labelledby="register">
            <h2 id="register">Register</h2>
            <p className="small muted">P present · L late · E excused · A absent · — not recorded</p>
            <div className="table-wrap" tabIndex={0}>
              <table data-testid="register" className="register">
                <thead>
                  <tr>
                    <th>Student</th>
                    {report.perSession.map(({ session }) => (
                      <th key={session.id} className="num">
                        {formatDate(session.openedAt)}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {report.students.map((st) => (
                    <tr key={st.id}>
                      <td>{st.name}</td>
                      {report.perSession.map(({ session, byStudent }) => {
                        const status = byStudent.get(st.id)?.status;
                        return (
                          <td
                            key={session.id}
                            className="num"
                            title={status ? STATUS_LABEL[status] : 'Not recorded'}
                          >
                            {status ? STATUS_LABEL[status][0] : '—'}
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          <section className="card" aria-labelledby="per-student">
            <h2 id="per-student">Per student</h2>
            <div className="table-wrap" tabIndex={0}>
              <table data-testid="per-student">
                <thead>
                  <tr>
                    <th>Student</th>
                    {STATUSES.map((s) => (
                      <th key={s} className="num">
                        {STATUS_LABEL[s]}
                      </th>
                    ))}
                    <th className="num">Rate</th>
                  </tr>
                </thead>
                <tbody>
                  {report.perStudent.map(({ student, counts }) => {
                    const r = rate(counts);
                    return (
                      <tr key={student.id}>
                        <td>
                          <Link href={`/student/?id=${student.id}&course=${course.id}`}>{student.name}</Link>{' '}
                          <span className="muted small">{student.externalId}</span>
                        </td>
                        {STATUSES.map((s) => (
                          <td key={s} className="num">
                            {counts[s]}
                          </td>
                        ))}
                        <td className="num">
                          {r !== null && r < 0.8 ? (
                            <span className="badge bad">{formatPercent(r)}</span>
                          ) : (
                            formatPercent(r)
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </section>
        </div>
      )}
      <h2 className="section-title">Analytics</h2>
      <CourseAnalytics courseId={course.id} />
    </>
  );
}

export default function Page() {
  return (
    <Suspense fallback={<Loading />}>
      <ReportsPage />
    </Suspense>
  );
}

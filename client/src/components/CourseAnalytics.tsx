'use client';

import Link from 'next/link';
import { useQuery } from 'urql';
import type { RiskReason } from '@/gql/graphql';
import { formatDate, formatPercent } from '@/lib/format';
import { CourseAnalyticsQuery } from './course-analytics-operations';
import { Empty, ErrorNote, Loading } from './States';

const FORECAST_SESSIONS = 3;

const METHOD_LABEL: Record<string, string> = {
  MEAN: 'average of past sessions',
  NAIVE: 'same as the last session',
  LINEAR_TREND: 'linear trend',
  EXPONENTIAL_SMOOTHING: 'exponential smoothing',
};

const REASON_LABEL: Record<RiskReason, string> = {
  LOW_ATTENDANCE: 'low attendance',
  ABSENCE_STREAK: 'absence streak',
};

const methodWords = (method: string) => METHOD_LABEL[method] ?? method.toLowerCase().replace(/_/g, ' ');
const points = (mae: number | null | undefined) =>
  mae === null || mae === undefined ? '—' : `${(mae * 100).toFixed(1)} points`;
const percent1 = (v: number | null | undefined) =>
  v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`;

/** Server-side analytics of one course: totals, students at risk, forecast and recognition quality. */
export function CourseAnalytics({ courseId }: { courseId: string }) {
  const [{ data, fetching, error }, refetch] = useQuery({
    query: CourseAnalyticsQuery,
    variables: { courseId, forecastSessions: FORECAST_SESSIONS },
    requestPolicy: 'cache-and-network',
  });

  if (error && !data) {
    return (
      <section className="card" aria-labelledby="analytics">
        <h2 id="analytics">Analytics</h2>
        <ErrorNote error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      </section>
    );
  }
  if (!data) {
    return fetching ? <Loading label="Loading the analytics…" /> : null;
  }
  const stats = data.attendanceByCourse.find((s) => s.courseId === courseId);
  const forecast = data.attendanceForecast;
  const atRisk = data.studentsAtRisk.filter((s) => s.courseId === courseId);
  const quality = [...data.recognitionQuality].sort(
    (a, b) => Date.parse(b.periodStart) - Date.parse(a.periodStart),
  );

  return (
    <div className="stack" data-testid="course-analytics">
      <div className="grid-2">
        <section className="card stack" aria-labelledby="totals" data-testid="course-totals">
          <h2 id="totals" style={{ margin: 0 }}>
            Course attendance
          </h2>
          {!stats || stats.sessions === 0 ? (
            <Empty title="No closed sessions yet">
              <p>Totals count closed sessions only.</p>
            </Empty>
          ) : (
            <dl className="stats">
              <div>
                <dt>Attendance rate</dt>
                <dd data-testid="course-rate">{formatPercent(stats.attendanceRate)}</dd>
              </div>
              <div>
                <dt>Punctuality</dt>
                <dd>{formatPercent(stats.punctualityRate)}</dd>
              </div>
              <div>
                <dt>Closed sessions</dt>
                <dd>{stats.sessions}</dd>
              </div>
              <div>
                <dt>Present · late · excused · absent</dt>
                <dd>
                  {stats.present} · {stats.late} · {stats.excused} · {stats.absent}
                </dd>
              </div>
            </dl>
          )}
        </section>
        <section className="card stack" aria-labelledby="forecast" data-testid="forecast">
          <h2 id="forecast" style={{ margin: 0 }}>
            Forecast
          </h2>
          {forecast.points.length === 0 ? (
            <Empty title="Not enough history">
              <p>A forecast needs at least one closed session.</p>
            </Empty>
          ) : (
            <>
              <p className="small" style={{ margin: 0 }} data-testid="forecast-method">
                Method: <strong>{methodWords(forecast.method)}</strong>{' '}
                <code className="muted">{forecast.method}</code>, chosen on {forecast.historySessions} past
                session{forecast.historySessions === 1 ? '' : 's'}. Measured error:{' '}
                {forecast.accuracy.mae === null ? (
                  <span className="muted">not measurable yet (too little history)</span>
                ) : (
                  <>
                    MAE <strong>{points(forecast.accuracy.mae)}</strong>, MAPE{' '}
                    <strong>{percent1(forecast.accuracy.mape)}</strong> over{' '}
                    {forecast.accuracy.evaluatedPoints} backtest point
                    {forecast.accuracy.evaluatedPoints === 1 ? '' : 's'}
                  </>
                )}
                .
              </p>
              <div className="table-wrap" tabIndex={0}>
                <table>
                  <thead>
                    <tr>
                      <th>Next session</th>
                      <th>Expected on</th>
                      <th className="num">Rate</th>
                      <th className="num">Attendees (of {forecast.enrolled})</th>
                    </tr>
                  </thead>
                  <tbody>
                    {forecast.points.map((p) => (
                      <tr key={p.step}>
                        <td>{p.step === 1 ? 'next' : `+${p.step}`}</td>
                        <td>{p.expectedDate ? formatDate(p.expectedDate) : '—'}</td>
                        <td className="num">{formatPercent(p.expectedRate)}</td>
                        <td className="num">{p.expectedAttendees.toFixed(1)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {forecast.accuracy.candidates.length > 1 && (
                <details className="small">
                  <summary>Methods compared</summary>
                  <table>
                    <thead>
                      <tr>
                        <th>Method</th>
                        <th className="num">MAE</th>
                        <th className="num">MAPE</th>
                        <th className="num">Points</th>
                      </tr>
                    </thead>
                    <tbody>
                      {forecast.accuracy.candidates.map((c) => (
                        <tr key={c.method}>
                          <td>
                            {methodWords(c.method)}{' '}
                            {c.method === forecast.method && <span className="badge ok">chosen</span>}
                          </td>
                          <td className="num">{points(c.mae)}</td>
                          <td className="num">{percent1(c.mape)}</td>
                          <td className="num">{c.points}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </details>
              )}
            </>
          )}
        </section>
      </div>
      <section className="card stack" aria-labelledby="at-risk" data-testid="at-risk">
        <h2 id="at-risk" style={{ margin: 0 }}>
          Students at risk <span className="muted">({atRisk.length})</span>
        </h2>
        {atRisk.length === 0 ? (
          <Empty title="No student at risk">
            <p>Students appear here when their attendance drops or they miss several sessions in a row.</p>
          </Empty>
        ) : (
          <div className="table-wrap" tabIndex={0}>
            <table>
              <thead>
                <tr>
                  <th>Student</th>
                  <th>Why</th>
                  <th className="num">Attendance</th>
                  <th className="num">Absent in a row</th>
                  <th className="num">Sessions</th>
                </tr>
              </thead>
              <tbody>
                {atRisk.map((s) => (
                  <tr key={s.studentId}>
                    <td>
                      <Link href={`/student/?id=${s.studentId}&course=${courseId}`}>{s.studentName}</Link>{' '}
                      <span className="muted small">{s.externalId}</span>
                    </td>
                    <td>
                      {s.reasons.map((r) => (
                        <span key={r} className="badge bad" style={{ marginRight: '0.3rem' }}>
                          {REASON_LABEL[r]}
                        </span>
                      ))}
                    </td>
                    <td className="num">{formatPercent(s.attendanceRate)}</td>
                    <td className="num">{s.absenceStreak}</td>
                    <td className="num">{s.sessions}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section className="card stack" aria-labelledby="recognition" data-testid="recognition-quality">
        <h2 id="recognition" style={{ margin: 0 }}>
          Recognition quality
        </h2>
        <p className="muted small" style={{ margin: 0 }}>
          How attendance was decided: recognised automatically, confirmed on review, or corrected by hand.
        </p>
        {quality.length === 0 ? (
          <Empty title="No sessions yet" />
        ) : (
          <div className="table-wrap" tabIndex={0}>
            <table>
              <thead>
                <tr>
                  <th>Session</th>
                  <th className="num">Automatic</th>
                  <th className="num">Confirmed</th>
                  <th className="num">Corrected</th>
                  <th className="num">Faces accepted</th>
                  <th className="num">To review</th>
                  <th className="num">Unknown</th>
                  <th className="num">Dismissed</th>
                  <th className="num">Pending</th>
                </tr>
              </thead>
              <tbody>
                {quality.map((q) => (
                  <tr key={q.sessionId ?? q.periodStart}>
                    <td>{formatDate(q.periodStart)}</td>
                    <td className="num">
                      {q.autoMarked} <span className="muted small">{formatPercent(q.autoShare)}</span>
                    </td>
                    <td className="num">
                      {q.reviewConfirmed}{' '}
                      <span className="muted small">{formatPercent(q.confirmedShare)}</span>
                    </td>
                    <td className="num">
                      {q.manuallyCorrected}{' '}
                      <span className="muted small">{formatPercent(q.correctedShare)}</span>
                    </td>
                    <td className="num">{q.facesAccepted}</td>
                    <td className="num">{q.facesReview}</td>
                    <td className="num">{q.facesUnknown}</td>
                    <td className="num">{q.facesDismissed}</td>
                    <td className="num">{q.facesPending}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}

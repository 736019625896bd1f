'use client';

import Link from 'next/link';
import { useQuery } from 'urql';
import { Empty } from '@/components/States';
import { formatDateTime, formatTime, howWords, STATUS_LABEL } from '@/lib/format';
import { StudentHistoryQuery } from './operations';

/** Every session the student was marked in, newest first, each linked to its session page. */
export function History({ studentId }: { studentId: string }) {
  const [{ data }] = useQuery({ query: StudentHistoryQuery, variables: { id: studentId } });
  const rows = data?.student.history ?? [];
  const advice = data?.student.faceAdvice;
  return (
    <section className="card stack" aria-labelledby="history" style={{ marginBottom: '1.25rem' }}>
      <h2 id="history" style={{ margin: 0 }}>
        Attendance history
      </h2>
      {advice && !advice.ready && (
        <p className="notice warn" style={{ margin: 0 }} data-testid="face-hint">
          {advice.message}
        </p>
      )}
      {rows.length === 0 ? (
        <Empty title="No sessions yet" />
      ) : (
        <ul className="roll" data-testid="history">
          {rows.map((r) => (
            <li key={r.sessionId}>
              <div className="who">
                <Link href={`/session/?id=${r.sessionId}`}>
                  {r.courseCode} · {formatDateTime(r.openedAt)}
                </Link>
              </div>
              <span className={`badge ${r.status}`}>{STATUS_LABEL[r.status]}</span>
              <div className="evidence">
                {[
                  howWords(r.status, r.source),
                  r.firstSeenAt && r.status !== 'ABSENT' ? `seen ${formatTime(r.firstSeenAt)}` : '',
                  r.note ? `“${r.note}”` : '',
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

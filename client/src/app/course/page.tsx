'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { Suspense, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { PageTitle } from '@/components/PageTitle';
import { Empty, ErrorNote, Loading } from '@/components/States';
import { formatDateTime } from '@/lib/format';
import { AddStudentMutation, CourseClassQuery, CourseQuery, StartSessionMutation } from './operations';
import { useParam } from '@/lib/use-param';
import { AttendanceExport } from './AttendanceExport';
import { BulkEnrollment } from './BulkEnrollment';
import { ClassListImport } from './ClassListImport';
import { Timetable } from './Timetable';

function AddStudent({ courseId, onAdded }: { courseId: string; onAdded: () => void }) {
  const [externalId, setExternalId] = useState('');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [consent, setConsent] = useState(false);
  const [localError, setLocalError] = useState<string | null>(null);
  const [added, setAdded] = useState<string | null>(null);
  const [{ fetching, error }, add] = useMutation(AddStudentMutation);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setAdded(null);
    if (!consent) {
      setLocalError('Record the biometric consent of the student (or guardian) before adding them.');
      return;
    }
    setLocalError(null);
    const result = await add({
      input: {
        courseId,
        externalId: externalId.trim(),
        name: name.trim(),
        email: email.trim() || null,
        consent,
      },
    });
    if (result.data) {
      setAdded(result.data.addStudent.name);
      setExternalId('');
      setName('');
      setEmail('');
      setConsent(false);
      onAdded();
    }
  };

  return (
    <form className="stack" onSubmit={(e) => void submit(e)} aria-label="Add one student">
      <div className="field">
        <label htmlFor="student-external-id">Student number</label>
        <input
          id="student-external-id"
          type="text"
          required
          value={externalId}
          onChange={(e) => setExternalId(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="student-name">Full name</label>
        <input
          id="student-name"
          type="text"
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="student-email">E-mail (optional)</label>
        <input id="student-email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
      </div>
      <div className="checkbox">
        <input
          id="student-consent"
          type="checkbox"
          checked={consent}
          onChange={(e) => setConsent(e.target.checked)}
        />
        <label htmlFor="student-consent">
          The student (or their guardian) consented to the processing of their face for attendance.
        </label>
      </div>
      <ErrorNote error={localError ?? error} />
      {added && (
        <p className="notice ok" role="status">
          {added} was added. Open their page to enroll face photos.
        </p>
      )}
      <div>
        <button className="button" type="submit" disabled={fetching}>
          {fetching ? 'Adding…' : 'Add student'}
        </button>
      </div>
    </form>
  );
}

function CoursePage() {
  const id = useParam('id');
  const router = useRouter();
  const [{ data, fetching, error }, refetch] = useQuery({
    query: CourseQuery,
    variables: { id },
    pause: !id,
  });
  const [started, startSession] = useMutation(StartSessionMutation);
  const [klass, refetchClass] = useQuery({ query: CourseClassQuery, variables: { id }, pause: !id });
  const reload = () => {
    refetch({ requestPolicy: 'network-only' });
    refetchClass({ requestPolicy: 'network-only' });
  };

  if (!id) {
    return <ErrorNote error="No course was chosen. Go back to the list of courses." />;
  }
  if (error && !data) {
    return <ErrorNote error={error} onRetry={reload} />;
  }
  if (!data) {
    return fetching ? <Loading label="Loading the course…" /> : null;
  }
  const course = data.course;
  const students = klass.data?.course.students.items ?? [];
  const sessions = course.sessions.items;
  const openSession = sessions.find((s) => s.isOpen);

  const start = async () => {
    const result = await startSession({ courseId: course.id });
    if (result.data) {
      router.push(`/session/?id=${result.data.startSession.id}`);
    }
  };

  return (
    <>
      <PageTitle
        title={`${course.code} · ${course.name}`}
        crumbs={[{ href: '/courses/', label: 'Courses' }]}
        actions={
          <>
            <Link className="button secondary" href={`/reports/?course=${course.id}`}>
              Reports
            </Link>
            <button className="button" type="button" onClick={() => void start()} disabled={started.fetching}>
              {started.fetching ? 'Starting…' : 'Start session'}
            </button>
          </>
        }
        subtitle={
          openSession ? (
            <>
              A session is open since {formatDateTime(openSession.openedAt)}.{' '}
              <Link href={`/session/?id=${openSession.id}`}>Go to the open session</Link>
            </>
          ) : undefined
        }
      />
      <ErrorNote error={started.error} />
      <div className="stack">
        <section className="card" aria-labelledby="students">
          <h2 id="students">
            Students{' '}
            <span className="muted">({klass.data?.course.students.total ?? course.students.total})</span>
          </h2>
          {students.length === 0 ? (
            <Empty title="No students yet">
              <p>Import the class list below, then add a few face photos of each student.</p>
            </Empty>
          ) : (
            <ul className="roll" aria-label="Students" data-testid="students">
              {students.map((student) => (
                <li key={student.id} data-testid="student-row" data-ready={student.faceAdvice.ready}>
                  <div className="who">
                    <Link href={`/student/?id=${student.id}&course=${course.id}`}>{student.name}</Link>{' '}
                    <span className="muted small">{student.externalId}</span>
                  </div>
                  <span className={student.faceAdvice.ready ? 'badge ok' : 'badge warn'}>
                    {student.faceAdvice.faces} photo{student.faceAdvice.faces === 1 ? '' : 's'}
                  </span>
                  {!student.faceAdvice.ready && (
                    <div className="evidence" data-testid="face-hint">
                      {student.consentGivenAt
                        ? student.faceAdvice.message
                        : 'No biometric consent: faces cannot be added.'}
                    </div>
                  )}
                </li>
              ))}
            </ul>
          )}
        </section>
        <div className="grid-2">
          <ClassListImport courseId={course.id} onImported={reload} />
          <BulkEnrollment students={students} onChanged={reload} />
        </div>
        <section className="card" aria-labelledby="sessions">
          <h2 id="sessions">
            Sessions <span className="muted">({course.sessions.total})</span>
          </h2>
          {sessions.length === 0 ? (
            <Empty title="No sessions yet">
              <p>Start a session when class begins, then take a class photo.</p>
            </Empty>
          ) : (
            <div className="table-wrap" tabIndex={0}>
              <table>
                <thead>
                  <tr>
                    <th>Opened</th>
                    <th>Status</th>
                    <th className="num">Present or late</th>
                    <th className="num">Absent</th>
                  </tr>
                </thead>
                <tbody>
                  {sessions.map((session) => {
                    const here = session.records.filter((r) => r.status === 'PRESENT' || r.status === 'LATE');
                    const absent = session.records.filter((r) => r.status === 'ABSENT');
                    return (
                      <tr key={session.id}>
                        <td>
                          <Link href={`/session/?id=${session.id}`}>{formatDateTime(session.openedAt)}</Link>
                        </td>
                        <td>
                          {session.isOpen ? (
                            <span className="badge ok">open</span>
                          ) : (
                            <span className="badge">closed {formatDateTime(session.closedAt)}</span>
                          )}
                        </td>
                        <td className="num">{here.length}</td>
                        <td className="num">{session.isOpen ? '—' : absent.length}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </section>
        <div className="grid-2 wide-left">
          <Timetable courseId={course.id} />
          <AttendanceExport courseId={course.id} courseCode={course.code} />
        </div>
        <details className="card">
          <summary>Add one student by hand</summary>
          <AddStudent courseId={course.id} onAdded={reload} />
        </details>
      </div>
    </>
  );
}

export default function Page() {
  return (
    <Suspense fallback={<Loading />}>
      <CoursePage />
    </Suspense>
  );
}

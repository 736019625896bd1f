'use client';

import Link from 'next/link';
import { Suspense, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { useMutation, useQuery, useSubscription } from 'urql';
import { ConfirmButton } from '@/components/ConfirmButton';
import { PageTitle } from '@/components/PageTitle';
import { PhotoBoxes } from '@/components/PhotoBoxes';
import { Empty, ErrorNote, Loading } from '@/components/States';
import { UndoBar } from '@/components/UndoBar';
import type { AttendanceStatus, PhotoFieldsFragment, RecordFieldsFragment } from '@/gql/graphql';
import { mediaUrl } from '@/lib/config';
import { describeCode, describeError } from '@/lib/errors';
import {
  confidenceWords,
  EXCUSE_REASONS,
  formatDateTime,
  formatTime,
  nextStatus,
  howWords,
  STATUS_LABEL,
} from '@/lib/format';
import { localPhotoUrl, rememberLocalPhoto } from '@/lib/local-photos';
import {
  AttendanceMarkedSubscription,
  CloseSessionMutation,
  MarkAttendanceMutation,
  MarkNotSeenAbsentMutation,
  PhotoProcessedSubscription,
  SessionPhotoImagesQuery,
  SessionQuery,
  SessionSafetyQuery,
  SubmitPhotoMutation,
} from './operations';
import { uploadMutation } from '@/lib/upload';
import { useParam } from '@/lib/use-param';

interface Upload {
  key: string;
  file: File;
  url: string;
  progress: number;
  state: 'waiting' | 'uploading' | 'processing' | 'done' | 'error';
  error?: string;
  photoId?: string;
}

const UPLOAD_CONCURRENCY = 2;
const STATUS_RANK: Record<PhotoFieldsFragment['status'], number> = {
  QUEUED: 0,
  PROCESSING: 1,
  DONE: 2,
  FAILED: 2,
  DEAD_LETTER: 2,
};

let uploadSeq = 0;

function newer<T extends { updatedAt: string }>(a: T | undefined, b: T): T {
  return a && Date.parse(a.updatedAt) > Date.parse(b.updatedAt) ? a : b;
}

function evidence(record: RecordFieldsFragment | undefined): string {
  if (!record) {
    return 'Not seen yet';
  }
  const parts: string[] = [howWords(record.status, record.source)];
  if (record.firstSeenAt && record.status !== 'ABSENT') {
    parts.push(`seen ${formatTime(record.firstSeenAt)}`);
  }
  if (record.source === 'AUTO' && record.confidence !== null && record.confidence !== undefined) {
    parts.push(confidenceWords(record.confidence).split(':')[0]!.toLowerCase());
  }
  if (record.note) {
    parts.push(`“${record.note}”`);
  }
  return parts.filter(Boolean).join(' · ');
}

/** One student: a status button that cycles on each tap, and excuse reasons when excused. */
function RollRow({
  sessionId,
  student,
  record,
  onChanged,
}: {
  sessionId: string;
  student: { id: string; name: string; externalId: string };
  record?: RecordFieldsFragment;
  onChanged: () => void;
}) {
  const [{ fetching, error }, mark] = useMutation(MarkAttendanceMutation);
  const status = record?.status;
  const save = async (next: AttendanceStatus, note: string | null) => {
    const result = await mark({ input: { sessionId, studentId: student.id, status: next, note } });
    if (result.data) {
      onChanged();
    }
  };
  const next = nextStatus(status);
  return (
    <li data-testid="attendance-row" data-student={student.name} data-status={status ?? 'NONE'}>
      <div className="who">
        <Link href={`/student/?id=${student.id}`}>{student.name}</Link>{' '}
        <span className="muted small">{student.externalId}</span>
      </div>
      <button
        type="button"
        className={`status-button ${status ?? 'NONE'}`}
        disabled={fetching}
        onClick={() => void save(next, status === 'EXCUSED' ? null : (record?.note ?? null))}
        aria-label={`${student.name}: ${status ? STATUS_LABEL[status] : 'not seen'}. Tap for ${STATUS_LABEL[next].toLowerCase()}`}
      >
        {status ? STATUS_LABEL[status] : 'Not seen'}
      </button>
      <div className="evidence">{evidence(record)}</div>
      {status === 'EXCUSED' && (
        <div className="reason" role="group" aria-label={`Reason for ${student.name}`}>
          {EXCUSE_REASONS.map((reason) => (
            <button
              key={reason}
              type="button"
              className="chip"
              aria-pressed={record?.note === reason}
              disabled={fetching}
              onClick={() => void save('EXCUSED', record?.note === reason ? null : reason)}
            >
              {reason}
            </button>
          ))}
        </div>
      )}
      {error && (
        <div className="evidence" role="alert" style={{ color: 'var(--danger)' }}>
          {describeError(error)}
        </div>
      )}
    </li>
  );
}

function SessionPage() {
  const id = useParam('id');
  const [{ data, fetching, error }, refetch] = useQuery({
    query: SessionQuery,
    variables: { id },
    pause: !id,
  });
  const [safety, refetchSafety] = useQuery({ query: SessionSafetyQuery, variables: { id }, pause: !id });
  const [version, setVersion] = useState(0);
  const reload = () => {
    refetch({ requestPolicy: 'network-only' });
    refetchSafety({ requestPolicy: 'network-only' });
  };
  const changed = () => {
    setVersion((v) => v + 1);
    refetchSafety({ requestPolicy: 'network-only' });
  };

  const [live] = useSubscription(
    { query: AttendanceMarkedSubscription, variables: { sessionId: id }, pause: !id },
    (prev: Record<string, RecordFieldsFragment> | undefined, event) => ({
      ...prev,
      [event.attendanceMarked.studentId]: newer(
        prev?.[event.attendanceMarked.studentId],
        event.attendanceMarked,
      ),
    }),
  );
  const [livePhotos] = useSubscription(
    { query: PhotoProcessedSubscription, variables: { sessionId: id }, pause: !id },
    (prev: Record<string, PhotoFieldsFragment> | undefined, event) => ({
      ...prev,
      [event.photoProcessed.id]: event.photoProcessed,
    }),
  );
  const [closed, closeSession] = useMutation(CloseSessionMutation);
  const [absent, markAbsent] = useMutation(MarkNotSeenAbsentMutation);
  const [uploads, setUploads] = useState<Upload[]>([]);
  // An undo that removed a record: live copies up to that version are ignored.
  const [tombstones, setTombstones] = useState<Record<string, string>>({});
  const running = useRef(0);

  const records = useMemo(() => {
    const map = new Map<string, RecordFieldsFragment>();
    const keep = (r: RecordFieldsFragment) => {
      const gone = tombstones[r.studentId];
      if (!gone || Date.parse(r.updatedAt) > Date.parse(gone)) {
        map.set(r.studentId, newer(map.get(r.studentId), r));
      }
    };
    (data?.session.records ?? []).forEach(keep);
    Object.values(live.data ?? {}).forEach(keep);
    return map;
  }, [data, live.data, tombstones]);

  const photos = useMemo(() => {
    const map = new Map<string, PhotoFieldsFragment>();
    for (const p of data?.session.photos.items ?? []) {
      map.set(p.id, p);
    }
    for (const p of Object.values(livePhotos.data ?? {})) {
      const known = map.get(p.id);
      if (!known || STATUS_RANK[p.status] >= STATUS_RANK[known.status]) {
        map.set(p.id, p);
      }
    }
    return [...map.values()].sort((a, b) => Date.parse(b.submittedAt) - Date.parse(a.submittedAt));
  }, [data, livePhotos.data]);

  const donePhotos = photos.filter((p) => p.status !== 'QUEUED' && p.status !== 'PROCESSING').length;
  const [images, refetchImages] = useQuery({
    query: SessionPhotoImagesQuery,
    variables: { id },
    pause: !id || photos.length === 0,
  });
  const imageById = useMemo(
    () => new Map((images.data?.session.photos.items ?? []).map((p) => [p.id, p.imageUrl ?? undefined])),
    [images.data],
  );

  // A photo finished (here or on another device): fetch the review count and any new image URL.
  const seenDone = useRef(0);
  useEffect(() => {
    if (donePhotos > seenDone.current) {
      seenDone.current = donePhotos;
      refetch({ requestPolicy: 'network-only' });
      refetchSafety({ requestPolicy: 'network-only' });
      refetchImages({ requestPolicy: 'network-only' });
    }
  }, [donePhotos, refetch, refetchSafety, refetchImages]);

  const patch = (key: string, change: Partial<Upload>) =>
    setUploads((list) => list.map((u) => (u.key === key ? { ...u, ...change } : u)));

  const queueRef = useRef<Upload[]>([]);
  const pump = () => {
    const queue = queueRef.current;
    while (running.current < UPLOAD_CONCURRENCY && queue.length > 0) {
      const next = queue.shift()!;
      running.current++;
      patch(next.key, { state: 'uploading' });
      uploadMutation(
        SubmitPhotoMutation,
        { sessionId: id },
        { photo: next.file },
        {
          onProgress: (fraction) =>
            patch(next.key, fraction >= 1 ? { progress: 1, state: 'processing' } : { progress: fraction }),
        },
      )
        .then((result) => {
          rememberLocalPhoto(result.submitPhoto.id, next.url);
          patch(next.key, { state: 'done', photoId: result.submitPhoto.id, progress: 1 });
          reload();
        })
        .catch((e: unknown) => patch(next.key, { state: 'error', error: describeError(e) }))
        .finally(() => {
          running.current--;
          pump();
        });
    }
  };

  const addFiles = (files: File[]) => {
    const added = files.map<Upload>((file) => ({
      key: `u${++uploadSeq}`,
      file,
      url: URL.createObjectURL(file),
      progress: 0,
      state: 'waiting',
    }));
    const notImages = added.filter((u) => u.file.type && !u.file.type.startsWith('image/'));
    for (const u of notImages) {
      u.state = 'error';
      u.error = 'This file is not a photo. Use a JPEG or PNG picture.';
    }
    setUploads((list) => [...added, ...list]);
    queueRef.current.push(...added.filter((u) => u.state === 'waiting'));
    pump();
  };

  if (!id) {
    return <ErrorNote error="No session was chosen." />;
  }
  if (error && !data) {
    return <ErrorNote error={error} onRetry={reload} />;
  }
  if (!data) {
    return fetching ? <Loading label="Loading the session…" /> : null;
  }
  const session = data.session;
  const course = session.course;
  const students = [...course.students.items].sort((a, b) => a.name.localeCompare(b.name));
  const counts = { PRESENT: 0, LATE: 0, EXCUSED: 0, ABSENT: 0 } satisfies Record<AttendanceStatus, number>;
  for (const r of records.values()) {
    counts[r.status]++;
  }
  const notSeen = students.filter((s) => !records.has(s.id)).length;
  const uploadByPhoto = new Map(uploads.filter((u) => u.photoId).map((u) => [u.photoId!, u]));
  const inFlight = uploads.filter((u) => !u.photoId || !photos.some((p) => p.id === u.photoId));
  const waiting = safety.data?.session.awaitingReview ?? session.reviewQueue.total;

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    addFiles([...event.dataTransfer.files]);
  };

  return (
    <>
      <PageTitle
        title={`${course.code} · ${formatDateTime(session.openedAt)}`}
        crumbs={[
          { href: '/courses/', label: 'Courses' },
          { href: `/course/?id=${course.id}`, label: `${course.code} · ${course.name}` },
        ]}
        subtitle={
          session.isOpen ? (
            <>
              <span className="badge ok">open</span> Arrivals after {formatTime(session.lateAfter)} are marked
              late.
            </>
          ) : (
            <>
              <span className="badge">closed</span> Closed {formatDateTime(session.closedAt)}; students not
              seen were marked absent.
            </>
          )
        }
      />
      {session.isOpen && (
        <section
          className="card stack no-print"
          aria-label="Class photos"
          onDragOver={(e) => e.preventDefault()}
          onDrop={onDrop}
          style={{ marginBottom: '1rem' }}
        >
          <div className="capture-bar">
            <label className="button file-button">
              <input
                type="file"
                accept="image/*"
                capture="environment"
                data-testid="camera-input"
                onChange={(e) => {
                  addFiles([...(e.target.files ?? [])]);
                  e.target.value = '';
                }}
              />
              Take class photo
            </label>
            <label className="button secondary file-button">
              <input
                type="file"
                accept="image/*"
                multiple
                data-testid="upload-input"
                onChange={(e) => {
                  addFiles([...(e.target.files ?? [])]);
                  e.target.value = '';
                }}
              />
              Upload photos
            </label>
            <Link className="button secondary" href={`/review/?session=${session.id}`}>
              Review faces{' '}
              <span className={waiting > 0 ? 'badge warn' : 'badge'} data-testid="review-count">
                {waiting}
              </span>
            </Link>
          </div>
          {inFlight.length > 0 && (
            <ul
              className="stack"
              style={{ listStyle: 'none', margin: 0, padding: 0, gap: '0.5rem' }}
              aria-label="Uploads"
            >
              {inFlight.map((u) => (
                <li key={u.key} className="stack" style={{ gap: '0.25rem' }} data-testid="upload">
                  <div className="spread small">
                    <span style={{ overflowWrap: 'anywhere' }}>{u.file.name}</span>
                    <span
                      className={u.state === 'error' ? 'badge bad' : 'muted'}
                      role={u.state === 'error' ? 'alert' : undefined}
                    >
                      {u.state === 'waiting' && 'Waiting'}
                      {u.state === 'uploading' && `Sending ${Math.round(u.progress * 100)}%`}
                      {u.state === 'processing' && 'Finding faces…'}
                      {u.state === 'done' && 'Done'}
                      {u.state === 'error' && u.error}
                    </span>
                  </div>
                  {u.state !== 'error' && (
                    <progress
                      max={1}
                      value={u.state === 'processing' || u.state === 'done' ? undefined : u.progress}
                      aria-label={`Progress of ${u.file.name}`}
                    />
                  )}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
      <UndoBar
        sessionId={session.id}
        version={version}
        onUndone={(result) => {
          const stones: Record<string, string> = {};
          for (const studentId of result.clearedStudentIds) {
            stones[studentId] = records.get(studentId)?.updatedAt ?? new Date(0).toISOString();
          }
          setTombstones((t) => ({ ...t, ...stones }));
          reload();
        }}
      />
      <div className="session-layout">
        <section className="card stack attendance-panel" aria-labelledby="attendance">
          <div className="spread">
            <h2 id="attendance" style={{ margin: 0 }}>
              Attendance
            </h2>
            <span className="small muted">Tap a status to change it</span>
          </div>
          <p
            className="row small"
            style={{ margin: 0, gap: '0.4rem' }}
            aria-live="polite"
            data-testid="attendance-summary"
          >
            <span className="badge PRESENT">{counts.PRESENT} present</span>
            <span className="badge LATE">{counts.LATE} late</span>
            <span className="badge EXCUSED">{counts.EXCUSED} excused</span>
            <span className="badge ABSENT">{counts.ABSENT} absent</span>
            <span className="badge">{notSeen} not seen</span>
          </p>
          {live.error && (
            <ErrorNote error="Live updates stopped. Reload the page to see the latest attendance." />
          )}
          {students.length === 0 ? (
            <Empty title="No students in this course">
              <p>
                <Link href={`/course/?id=${course.id}`}>Import the class list</Link> first.
              </p>
            </Empty>
          ) : (
            <ul className="roll" aria-label="Students">
              {students.map((student) => (
                <RollRow
                  key={student.id}
                  sessionId={session.id}
                  student={student}
                  record={records.get(student.id)}
                  onChanged={changed}
                />
              ))}
            </ul>
          )}
          <div className="row no-print">
            {notSeen > 0 && (
              <button
                type="button"
                className="button secondary"
                disabled={absent.fetching}
                onClick={() => void markAbsent({ sessionId: session.id }).then(changed)}
              >
                Mark {notSeen} not seen absent
              </button>
            )}
            {session.isOpen && (
              <ConfirmButton
                className="button danger secondary"
                title="Close session"
                message={
                  <>
                    {waiting > 0 && (
                      <p className="notice warn" data-testid="close-waiting">
                        {waiting} face{waiting === 1 ? '' : 's'} still wait{waiting === 1 ? 's' : ''} for
                        review. <Link href={`/review/?session=${session.id}`}>Review them first</Link>, or
                        close anyway.
                      </p>
                    )}
                    <p>Students not seen yet will be marked absent. No more photos can be added.</p>
                  </>
                }
                confirmLabel="Close session"
                danger
                disabled={closed.fetching}
                onConfirm={() => void closeSession({ sessionId: session.id }).then(reload)}
              >
                Close session
              </ConfirmButton>
            )}
            <Link className="button secondary" href={`/reports/?course=${course.id}`}>
              Reports
            </Link>
          </div>
          <ErrorNote error={closed.error ?? absent.error} />
        </section>
        <section className="stack" aria-labelledby="photos">
          <h2 id="photos" style={{ margin: 0 }}>
            Class photos <span className="muted">({photos.length})</span>
          </h2>
          {photos.length === 0 && inFlight.length === 0 && (
            <div className="card">
              <Empty title="No class photos yet">
                <p>Tap “Take class photo”; names appear as faces are recognised.</p>
              </Empty>
            </div>
          )}
          {photos.map((photo) => {
            const signed = imageById.get(photo.id);
            const src =
              localPhotoUrl(photo.id) ??
              uploadByPhoto.get(photo.id)?.url ??
              (signed ? mediaUrl(signed) : null);
            const recognised = photo.faces.filter((f) => f.student).length;
            const toCheck = photo.faces.filter((f) => !f.student && f.reviewStatus === 'PENDING').length;
            return (
              <article
                key={photo.id}
                className="card stack"
                style={{ padding: '0.75rem' }}
                data-testid="photo"
                data-status={photo.status}
              >
                {photo.status === 'DONE' && photo.width && photo.height ? (
                  <PhotoBoxes
                    src={src}
                    width={photo.width}
                    height={photo.height}
                    faces={photo.faces}
                    alt={`Class photo taken ${formatTime(photo.submittedAt)}`}
                  />
                ) : photo.status === 'FAILED' || photo.status === 'DEAD_LETTER' ? (
                  <p className="notice error" role="alert">
                    {photo.status === 'DEAD_LETTER'
                      ? 'Rollcall tried several times and could not analyse this photo. Send it again, or mark attendance by hand.'
                      : `This photo could not be analysed: ${describeCode(photo.errorCode)}`}
                  </p>
                ) : (
                  <p className="muted" role="status">
                    <span className="spinner" aria-hidden="true" />{' '}
                    {photo.status === 'QUEUED' ? 'Waiting its turn…' : 'Finding faces…'}
                  </p>
                )}
                <div className="small muted">
                  {formatTime(photo.submittedAt)} ·{' '}
                  {photo.status === 'DONE'
                    ? `${photo.faces.length} face${photo.faces.length === 1 ? '' : 's'}, ${recognised} recognised${toCheck ? `, ${toCheck} to check` : ''}`
                    : photo.status === 'FAILED' || photo.status === 'DEAD_LETTER'
                      ? 'not analysed'
                      : 'being analysed'}
                </div>
              </article>
            );
          })}
        </section>
      </div>
    </>
  );
}

export default function Page() {
  return (
    <Suspense fallback={<Loading />}>
      <SessionPage />
    </Suspense>
  );
}

'use client';

import Link from 'next/link';
import { Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { useMutation, useQuery, useSubscription } from 'urql';
import { ConfirmButton } from '@/components/ConfirmButton';
import { Dropzone } from '@/components/Dropzone';
import { PageTitle } from '@/components/PageTitle';
import { PhotoBoxes } from '@/components/PhotoBoxes';
import { Empty, ErrorNote, Loading } from '@/components/States';
import type { AttendanceStatus, PhotoFieldsFragment, RecordFieldsFragment } from '@/gql/graphql';
import { mediaUrl } from '@/lib/config';
import { describeCode, describeError } from '@/lib/errors';
import { formatDateTime, formatPercent, formatTime, STATUS_LABEL, STATUSES } from '@/lib/format';
import { localPhotoUrl, rememberLocalPhoto } from '@/lib/local-photos';
import {
  AttendanceMarkedSubscription,
  CloseSessionMutation,
  MarkAttendanceMutation,
  PhotoProcessedSubscription,
  SessionPhotoImagesQuery,
  SessionQuery,
  SubmitPhotoMutation,
} from '@/lib/operations';
import { uploadMutation } from '@/lib/upload';
import { useCapabilities } from '@/lib/use-capabilities';
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
};

let uploadSeq = 0;

function newer<T extends { updatedAt: string }>(a: T | undefined, b: T): T {
  return a && Date.parse(a.updatedAt) > Date.parse(b.updatedAt) ? a : b;
}

function MarkForm({
  sessionId,
  student,
  record,
  disabled,
  onDone,
}: {
  sessionId: string;
  student: { id: string; name: string };
  record?: RecordFieldsFragment;
  disabled: boolean;
  onDone: () => void;
}) {
  const [open, setOpen] = useState(false);
  const [status, setStatus] = useState<AttendanceStatus>(record?.status ?? 'PRESENT');
  const [note, setNote] = useState(record?.note ?? '');
  const [{ fetching, error }, mark] = useMutation(MarkAttendanceMutation);

  if (!open) {
    return (
      <button
        type="button"
        className="button secondary small"
        disabled={disabled}
        onClick={() => setOpen(true)}
        aria-label={`Mark ${student.name}`}
      >
        Mark…
      </button>
    );
  }
  const save = async () => {
    const result = await mark({
      input: { sessionId, studentId: student.id, status, note: note.trim() || null },
    });
    if (result.data) {
      setOpen(false);
      onDone();
    }
  };
  return (
    <form
      className="stack"
      style={{ gap: '0.4rem', minWidth: 220 }}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
      aria-label={`Mark ${student.name}`}
    >
      <select
        aria-label="Status"
        value={status}
        onChange={(e) => setStatus(e.target.value as AttendanceStatus)}
      >
        {STATUSES.map((s) => (
          <option key={s} value={s}>
            {STATUS_LABEL[s]}
          </option>
        ))}
      </select>
      <input
        type="text"
        aria-label="Reason or note"
        placeholder="Reason or note (optional)"
        value={note}
        onChange={(e) => setNote(e.target.value)}
      />
      <ErrorNote error={error} />
      <div className="row" style={{ gap: '0.4rem' }}>
        <button type="submit" className="button small" disabled={fetching}>
          {fetching ? 'Saving…' : 'Save'}
        </button>
        <button type="button" className="button secondary small" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function SessionPage() {
  const id = useParam('id');
  const caps = useCapabilities();
  const [{ data, fetching, error }, refetch] = useQuery({
    query: SessionQuery,
    variables: { id },
    pause: !id,
  });
  const reload = () => refetch({ requestPolicy: 'network-only' });

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
  const [uploads, setUploads] = useState<Upload[]>([]);
  const running = useRef(0);

  // Merge what the query returned with what the subscriptions pushed since.
  const records = useMemo(() => {
    const map = new Map<string, RecordFieldsFragment>();
    for (const r of data?.session.records ?? []) {
      map.set(r.studentId, r);
    }
    for (const r of Object.values(live.data ?? {})) {
      map.set(r.studentId, newer(map.get(r.studentId), r));
    }
    return map;
  }, [data, live.data]);

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

  const donePhotos = photos.filter((p) => p.status === 'DONE' || p.status === 'FAILED').length;
  const [images, refetchImages] = useQuery({
    query: SessionPhotoImagesQuery,
    variables: { id },
    pause: !id || !caps.photoImages || photos.length === 0,
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
      if (caps.photoImages) {
        refetchImages({ requestPolicy: 'network-only' });
      }
    }
  }, [donePhotos, refetch, refetchImages, caps.photoImages]);

  const patch = (key: string, change: Partial<Upload>) =>
    setUploads((list) => list.map((u) => (u.key === key ? { ...u, ...change } : u)));

  const pump = (queue: Upload[]) => {
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
          pump(queue);
        });
    }
  };

  const queueRef = useRef<Upload[]>([]);
  const addFiles = (files: File[]) => {
    const added = files.map<Upload>((file) => ({
      key: `u${++uploadSeq}`,
      file,
      url: URL.createObjectURL(file),
      progress: 0,
      state: 'waiting',
    }));
    setUploads((list) => [...added, ...list]);
    queueRef.current.push(...added);
    pump(queueRef.current);
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
  const review = session.reviewQueue.total;

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
        actions={
          <>
            <Link className="button secondary" href={`/review/?session=${session.id}`}>
              Review faces{' '}
              <span className={review > 0 ? 'badge warn' : 'badge'} data-testid="review-count">
                {review}
              </span>
            </Link>
            {session.isOpen && (
              <ConfirmButton
                className="button danger secondary"
                title="Close session"
                message="Students not seen yet will be marked absent. No more photos can be added."
                confirmLabel="Close session"
                danger
                disabled={closed.fetching}
                onConfirm={() => void closeSession({ sessionId: session.id }).then(reload)}
              >
                Close session
              </ConfirmButton>
            )}
          </>
        }
      />
      <ErrorNote error={closed.error} />
      <div className="grid-2">
        <div className="stack">
          {session.isOpen && (
            <Dropzone
              label="Drop class photos here"
              hint="Several at once is fine; each face found is matched to the class list."
              onFiles={addFiles}
            />
          )}
          {inFlight.length > 0 && (
            <ul className="card stack" style={{ listStyle: 'none', margin: 0 }} aria-label="Uploads">
              {inFlight.map((u) => (
                <li key={u.key} className="stack" style={{ gap: '0.25rem' }} data-testid="upload">
                  <div className="spread small">
                    <span style={{ overflowWrap: 'anywhere' }}>{u.file.name}</span>
                    <span className={u.state === 'error' ? 'badge bad' : 'muted'}>
                      {u.state === 'waiting' && 'Waiting'}
                      {u.state === 'uploading' && `Uploading ${Math.round(u.progress * 100)}%`}
                      {u.state === 'processing' && 'Finding faces…'}
                      {u.state === 'done' && 'Done'}
                      {u.state === 'error' && u.error}
                    </span>
                  </div>
                  {u.state !== 'error' && (
                    <progress
                      max={1}
                      value={u.state === 'processing' || u.state === 'done' ? undefined : u.progress}
                      aria-label={`Upload of ${u.file.name}`}
                    />
                  )}
                </li>
              ))}
            </ul>
          )}
          <section className="stack" aria-labelledby="photos">
            <h2 id="photos">
              Class photos <span className="muted">({photos.length})</span>
            </h2>
            {photos.length === 0 && inFlight.length === 0 && (
              <div className="card">
                <Empty title="No class photos yet">
                  <p>Take a photo of the class and drop it above; names appear as faces are recognised.</p>
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
                  ) : photo.status === 'FAILED' ? (
                    <p className="notice error" role="alert">
                      This photo could not be analysed: {describeCode(photo.errorCode)}
                    </p>
                  ) : (
                    <p className="muted" role="status">
                      <span className="spinner" aria-hidden="true" /> Finding faces…
                    </p>
                  )}
                  <div className="small muted">
                    {formatTime(photo.submittedAt)} · {photo.faces.length} face
                    {photo.faces.length === 1 ? '' : 's'}, {recognised} recognised
                  </div>
                </article>
              );
            })}
          </section>
        </div>
        <section className="card stack" aria-labelledby="attendance">
          <h2 id="attendance">Attendance</h2>
          <p className="row small" style={{ margin: 0 }} aria-live="polite" data-testid="attendance-summary">
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
            <Empty title="No students in this course" />
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>Student</th>
                    <th>Status</th>
                    <th className="num">Confidence</th>
                    <th>Seen</th>
                    <th>
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {students.map((student) => {
                    const record = records.get(student.id);
                    return (
                      <tr
                        key={student.id}
                        data-testid="attendance-row"
                        data-student={student.name}
                        data-status={record?.status ?? 'NONE'}
                      >
                        <td>
                          {student.name}
                          <div className="muted small">{student.externalId}</div>
                        </td>
                        <td>
                          {record ? (
                            <>
                              <span className={`badge ${record.status}`}>{STATUS_LABEL[record.status]}</span>
                              {record.source === 'MANUAL' && (
                                <div className="muted small">set by teacher</div>
                              )}
                              {record.note && <div className="muted small">“{record.note}”</div>}
                            </>
                          ) : (
                            <span className="badge">Not seen</span>
                          )}
                        </td>
                        <td className="num">{formatPercent(record?.confidence)}</td>
                        <td>{formatTime(record?.firstSeenAt)}</td>
                        <td>
                          <MarkForm
                            key={record?.updatedAt ?? 'none'}
                            sessionId={session.id}
                            student={student}
                            record={record}
                            disabled={false}
                            onDone={reload}
                          />
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
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

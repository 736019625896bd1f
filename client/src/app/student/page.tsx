'use client';

import { useRouter } from 'next/navigation';
import { Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { useClient, useMutation, useQuery } from 'urql';
import { ConfirmButton } from '@/components/ConfirmButton';
import { Dropzone } from '@/components/Dropzone';
import { FaceCrop } from '@/components/FaceCrop';
import { PageTitle } from '@/components/PageTitle';
import { Empty, ErrorNote, Loading } from '@/components/States';
import { WebcamCapture } from '@/components/WebcamCapture';
import type { AssessFaceMutation as AssessFaceData, QualityIssue } from '@/gql/graphql';
import { mediaUrl } from '@/lib/config';
import { ApiError, describeCode, describeError } from '@/lib/errors';
import { downloadJson } from '@/lib/download';
import { formatDate, formatPercent } from '@/lib/format';
import { localSampleUrl, rememberLocalSample } from '@/lib/local-photos';
import {
  AssessFaceMutation,
  DeleteFaceMutation,
  DeleteStudentMutation,
  EnrollFacesMutation,
  GiveConsentMutation,
  StudentDataExportQuery,
  StudentFaceImagesQuery,
  StudentQuery,
  WithdrawConsentMutation,
} from './operations';
import { uploadMutation } from '@/lib/upload';
import { useParam } from '@/lib/use-param';
import { History } from './History';

type Verdict =
  | { state: 'checking' }
  | { state: 'assessed'; result: AssessFaceData['assessFace'] }
  | { state: 'error'; message: string };

interface Pending {
  key: string;
  file: File;
  url: string;
  verdict: Verdict;
  saveError?: string;
}

let pendingSeq = 0;

const ISSUES: Record<QualityIssue, string> = {
  TOO_SMALL: 'face too small',
  BLURRY: 'blurred',
  POSE: 'face turned away',
  UNDEREXPOSED: 'too dark',
  OVEREXPOSED: 'too bright',
  LOW_DETECTION_SCORE: 'face hard to make out',
};

const issueWords = (issue: QualityIssue): string => ISSUES[issue];

function isAcceptable(p: Pending): boolean {
  return p.verdict.state === 'assessed' && p.verdict.result.ok;
}

function VerdictText({ verdict }: { verdict: Verdict }) {
  switch (verdict.state) {
    case 'checking':
      return (
        <span className="muted small" role="status">
          <span className="spinner" aria-hidden="true" /> Checking the face…
        </span>
      );
    case 'error':
      return <span className="badge bad">{verdict.message}</span>;
    case 'assessed':
      return verdict.result.ok ? (
        <span className="badge ok">Good photo · quality {formatPercent(verdict.result.quality)}</span>
      ) : (
        <span className="small" style={{ color: 'var(--danger)' }}>
          <strong>{describeCode(verdict.result.code)}</strong>
          {verdict.result.issues.length > 0 && <> ({verdict.result.issues.map(issueWords).join(', ')})</>}
        </span>
      );
  }
}

function Enroll({ studentId, onEnrolled }: { studentId: string; onEnrolled: () => void }) {
  const [pending, setPending] = useState<Pending[]>([]);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<number | null>(null);
  const urls = useRef<string[]>([]);

  useEffect(() => () => urls.current.forEach((url) => URL.revokeObjectURL(url)), []);

  const update = (key: string, patch: Partial<Pending>) =>
    setPending((list) => list.map((p) => (p.key === key ? { ...p, ...patch } : p)));

  const add = (files: File[]) => {
    setSaved(null);
    const added = files.map((file) => {
      const url = URL.createObjectURL(file);
      urls.current.push(url);
      const verdict: Verdict = { state: 'checking' };
      return { key: `p${++pendingSeq}`, file, url, verdict };
    });
    setPending((list) => [...list, ...added]);
    void (async () => {
      for (const p of added) {
        try {
          const data = await uploadMutation(AssessFaceMutation, {}, { photo: p.file });
          update(p.key, { verdict: { state: 'assessed', result: data.assessFace } });
        } catch (e) {
          update(p.key, { verdict: { state: 'error', message: describeError(e) } });
        }
      }
    })();
  };

  const toSave = pending.filter(isAcceptable);

  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      const data = await uploadMutation(
        EnrollFacesMutation,
        { studentId },
        { photos: toSave.map((p) => p.file) },
      );
      data.enrollFaces.forEach((sample, i) => {
        const source = toSave[i];
        if (source) {
          rememberLocalSample(sample.id, source.url);
        }
      });
      const done = new Set(toSave.map((p) => p.key));
      setPending((list) => list.filter((p) => !done.has(p.key)));
      setSaved(data.enrollFaces.length);
      onEnrolled();
    } catch (e) {
      const index = e instanceof ApiError ? e.extensions.photoIndex : undefined;
      const culprit = typeof index === 'number' ? toSave[index] : undefined;
      if (culprit) {
        update(culprit.key, { saveError: describeError(e) });
        setError(`${culprit.file.name}: ${describeError(e)} Remove it and save again.`);
      } else {
        setError(e);
      }
    } finally {
      setSaving(false);
    }
  };

  return (
    <section className="card stack" aria-labelledby="enroll">
      <h2 id="enroll">Add face photos</h2>
      <p className="muted small" style={{ margin: 0 }}>
        Use 3 to 5 clear photos of the student alone, facing the camera, in different light. Each photo is
        checked before it is saved.
      </p>
      <Dropzone label="Drop face photos here" hint="JPEG or PNG, one person per photo" onFiles={add} />
      <WebcamCapture onCapture={(file) => add([file])} />
      {pending.length > 0 && (
        <ul className="stack" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="Photos to add">
          {pending.map((p) => (
            <li key={p.key} className="row" style={{ alignItems: 'flex-start' }}>
              {/* eslint-disable-next-line @next/next/no-img-element -- local preview */}
              <img
                src={p.url}
                alt={`Preview of ${p.file.name}`}
                width={72}
                height={72}
                style={{ objectFit: 'cover', borderRadius: 6 }}
              />
              <div className="stack" style={{ gap: '0.2rem', flex: 1, minWidth: 0 }}>
                <span className="small" style={{ overflowWrap: 'anywhere' }}>
                  {p.file.name}
                </span>
                <VerdictText verdict={p.verdict} />
                {p.saveError && <span className="badge bad">{p.saveError}</span>}
              </div>
              <button
                type="button"
                className="button secondary small"
                onClick={() => setPending((list) => list.filter((x) => x.key !== p.key))}
                aria-label={`Remove ${p.file.name}`}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <ErrorNote error={error} />
      {saved !== null && (
        <p className="notice ok" role="status">
          {saved} face photo{saved === 1 ? '' : 's'} added.
        </p>
      )}
      {pending.length > 0 && (
        <div className="row">
          <button
            type="button"
            className="button"
            disabled={saving || toSave.length === 0 || pending.some((p) => p.verdict.state === 'checking')}
            onClick={() => void save()}
          >
            {saving ? 'Saving…' : `Save ${toSave.length} photo${toSave.length === 1 ? '' : 's'}`}
          </button>
          {toSave.length < pending.length && (
            <span className="muted small">Photos that failed the check are not saved.</span>
          )}
        </div>
      )}
    </section>
  );
}

function Privacy({
  student,
  onChanged,
}: {
  student: { id: string; name: string; externalId: string; consentGivenAt?: string | null; faces: unknown[] };
  onChanged: () => void;
}) {
  const client = useClient();
  const [withdrawn, withdraw] = useMutation(WithdrawConsentMutation);
  const [given, give] = useMutation(GiveConsentMutation);
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const consent = Boolean(student.consentGivenAt);

  const withdrawNow = async () => {
    setDone(null);
    const result = await withdraw({ studentId: student.id });
    if (result.data) {
      setDone('Consent withdrawn. Every face photo and embedding of this student was deleted.');
      onChanged();
    }
  };

  const giveAgain = async () => {
    setDone(null);
    const result = await give({ studentId: student.id });
    if (result.data) {
      setDone('Consent recorded. Add new face photos so Rollcall can recognise the student again.');
      onChanged();
    }
  };

  const exportData = async () => {
    setExporting(true);
    setExportError(null);
    try {
      const result = await client
        .query(StudentDataExportQuery, { studentId: student.id }, { requestPolicy: 'network-only' })
        .toPromise();
      if (result.error || !result.data) {
        setExportError(result.error ?? 'The export came back empty. Please try again.');
        return;
      }
      const data = result.data.studentDataExport;
      // Absolute links, so the file still points at the photos outside the dashboard (they expire).
      const faces = data.faces.map((f) => ({
        ...f,
        imageUrl: new URL(mediaUrl(f.imageUrl), window.location.href).toString(),
      }));
      downloadJson(`student-${student.externalId}-${data.exportedAt.slice(0, 10)}.json`, { ...data, faces });
    } finally {
      setExporting(false);
    }
  };

  return (
    <section className="card stack" aria-labelledby="privacy" style={{ marginTop: '1.25rem' }}>
      <h2 id="privacy">Consent and personal data</h2>
      <ErrorNote error={withdrawn.error ?? given.error} />
      {done && (
        <p className="notice ok" role="status">
          {done}
        </p>
      )}
      <div className="grid-2">
        <div className="stack" style={{ gap: '0.5rem' }}>
          <h3 style={{ margin: 0 }}>Biometric consent</h3>
          {consent ? (
            <>
              <p className="muted small" style={{ margin: 0 }}>
                Recorded {formatDate(student.consentGivenAt)}. When the student (or their guardian) withdraws
                it, Rollcall deletes their face data at once; attendance records are kept.
              </p>
              <div>
                <ConfirmButton
                  className="button danger secondary"
                  title="Withdraw consent"
                  message={
                    <>
                      <p>
                        Withdraw the biometric consent of <strong>{student.name}</strong> (
                        {student.externalId})?
                      </p>
                      <p>
                        All {student.faces.length} face photo{student.faces.length === 1 ? '' : 's'} and the
                        embeddings learnt from them are <strong>deleted now</strong>, and {student.name} is no
                        longer recognised in class photos. Attendance records are kept. This cannot be undone:
                        after consent is given again, new photos are needed.
                      </p>
                    </>
                  }
                  confirmLabel="Withdraw and delete faces"
                  danger
                  disabled={withdrawn.fetching}
                  onConfirm={() => void withdrawNow()}
                >
                  {withdrawn.fetching ? 'Withdrawing…' : 'Withdraw consent…'}
                </ConfirmButton>
              </div>
            </>
          ) : (
            <>
              <p className="small" style={{ margin: 0 }}>
                <span className="badge bad">withdrawn</span> No face data is kept or used for {student.name}.
              </p>
              <div>
                <ConfirmButton
                  className="button secondary"
                  title="Record consent"
                  message={`Confirm that ${student.name} (or their guardian) consented again to the processing of their face for attendance.`}
                  confirmLabel="Record consent"
                  disabled={given.fetching}
                  onConfirm={() => void giveAgain()}
                >
                  {given.fetching ? 'Recording…' : 'Record consent again…'}
                </ConfirmButton>
              </div>
            </>
          )}
        </div>
        <div className="stack" style={{ gap: '0.5rem' }}>
          <h3 style={{ margin: 0 }}>Data export</h3>
          <p className="muted small" style={{ margin: 0 }}>
            Everything Rollcall keeps about {student.name} (profile, attendance records, face photos with
            download links that expire), as a JSON file for a subject-access request.
          </p>
          <ErrorNote error={exportError} />
          <div>
            <button
              type="button"
              className="button secondary"
              disabled={exporting}
              onClick={() => void exportData()}
            >
              {exporting ? 'Preparing…' : 'Download data (JSON)'}
            </button>
          </div>
        </div>
      </div>
    </section>
  );
}

function StudentPage() {
  const id = useParam('id');
  const courseId = useParam('course');
  const router = useRouter();
  const [{ data, fetching, error }, refetch] = useQuery({
    query: StudentQuery,
    variables: { id },
    pause: !id,
  });
  const [images, refetchImages] = useQuery({
    query: StudentFaceImagesQuery,
    variables: { id },
    pause: !id,
  });
  const [deletedFace, deleteFace] = useMutation(DeleteFaceMutation);
  const [deletedStudent, deleteStudent] = useMutation(DeleteStudentMutation);

  const imageById = useMemo(
    () => new Map((images.data?.student.faces ?? []).map((f) => [f.id, f.imageUrl ?? undefined])),
    [images.data],
  );

  const reload = () => {
    refetch({ requestPolicy: 'network-only' });
    refetchImages({ requestPolicy: 'network-only' });
  };

  if (!id) {
    return <ErrorNote error="No student was chosen." />;
  }
  if (error && !data) {
    return <ErrorNote error={error} onRetry={reload} />;
  }
  if (!data) {
    return fetching ? <Loading label="Loading the student…" /> : null;
  }
  const student = data.student;
  const back = courseId ? `/course/?id=${courseId}` : '/courses/';

  const removeStudent = async () => {
    const result = await deleteStudent({ id: student.id });
    if (result.data?.deleteStudent) {
      router.replace(back);
    }
  };

  return (
    <>
      <PageTitle
        title={student.name}
        crumbs={[
          { href: '/courses/', label: 'Courses' },
          ...(courseId ? [{ href: back, label: 'Course' }] : []),
        ]}
        subtitle={
          <>
            Student number {student.externalId}
            {student.email && <> · {student.email}</>} ·{' '}
            {student.consentGivenAt ? (
              <>
                consent recorded {formatDate(student.consentGivenAt)}
                {student.consentRecordedBy && <> by {student.consentRecordedBy}</>}
              </>
            ) : (
              <span className="badge bad">no consent: faces cannot be used</span>
            )}
          </>
        }
      />
      <div className="grid-2">
        <section className="card stack" aria-labelledby="faces">
          <h2 id="faces">
            Enrolled faces <span className="muted">({student.faces.length})</span>
          </h2>
          <ErrorNote error={deletedFace.error} />
          {student.faces.length === 0 ? (
            <Empty title="No face photos yet">
              <p>Add a few photos so Rollcall can recognise {student.name} in class photos.</p>
            </Empty>
          ) : (
            <ul
              style={{
                listStyle: 'none',
                padding: 0,
                margin: 0,
                display: 'grid',
                gridTemplateColumns: 'repeat(auto-fill, minmax(130px, 1fr))',
                gap: '1rem',
              }}
              aria-label="Enrolled faces"
            >
              {student.faces.map((face, i) => {
                const signed = imageById.get(face.id);
                return (
                  <li key={face.id} className="stack" style={{ gap: '0.35rem' }}>
                    <FaceCrop
                      cropUrl={signed ? mediaUrl(signed) : localSampleUrl(face.id)}
                      label={`${student.name}, face ${i + 1}`}
                      size={130}
                    />
                    <span className="small">
                      Quality {formatPercent(face.quality)}{' '}
                      {face.source === 'CONFIRMED' && <span className="badge info">from class</span>}
                    </span>
                    <ConfirmButton
                      className="button danger secondary small"
                      title={`Delete face ${i + 1}`}
                      message="This face photo and what Rollcall learnt from it will be deleted."
                      confirmLabel="Delete"
                      danger
                      onConfirm={() => void deleteFace({ id: face.id }).then(reload)}
                    >
                      Delete
                    </ConfirmButton>
                  </li>
                );
              })}
            </ul>
          )}
        </section>
        {student.consentGivenAt ? (
          <Enroll studentId={student.id} onEnrolled={reload} />
        ) : (
          <section className="card stack" aria-labelledby="enroll">
            <h2 id="enroll">Add face photos</h2>
            <p className="notice warn" style={{ margin: 0 }}>
              Biometric consent is withdrawn. Record consent again below before adding face photos.
            </p>
          </section>
        )}
      </div>
      <History studentId={student.id} />
      <Privacy student={student} onChanged={reload} />
      <section className="card stack" aria-labelledby="danger" style={{ marginTop: '1.25rem' }}>
        <h2 id="danger">Delete this student</h2>
        <p className="muted" style={{ margin: 0 }}>
          Deletes {student.name} with all their photos, faces and attendance records. This cannot be undone.
        </p>
        <ErrorNote error={deletedStudent.error} />
        <div>
          <ConfirmButton
            className="button danger"
            title="Delete student"
            message={`Delete ${student.name} (${student.externalId}) and all their face data?`}
            confirmLabel="Delete student"
            danger
            disabled={deletedStudent.fetching}
            onConfirm={() => void removeStudent()}
          >
            Delete student…
          </ConfirmButton>
        </div>
      </section>
    </>
  );
}

export default function Page() {
  return (
    <Suspense fallback={<Loading />}>
      <StudentPage />
    </Suspense>
  );
}

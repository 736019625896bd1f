'use client';

import Link from 'next/link';
import { Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { FaceCrop } from '@/components/FaceCrop';
import { FaceInPhoto } from '@/components/FaceInPhoto';
import { PageTitle } from '@/components/PageTitle';
import { Empty, ErrorNote, Loading } from '@/components/States';
import { UndoBar } from '@/components/UndoBar';
import type { ReviewDecisionsQuery as ReviewData } from '@/gql/graphql';
import { mediaUrl } from '@/lib/config';
import { describeError } from '@/lib/errors';
import { confidenceWords, formatDateTime, formatPercent, STATUS_LABEL } from '@/lib/format';
import { localPhotoUrl } from '@/lib/local-photos';
import {
  ConfirmFaceMutation,
  DismissFaceMutation,
  DismissUnknownFacesMutation,
  ReviewDecisionImagesQuery,
  ReviewDecisionsQuery,
} from './operations';
import { useParam } from '@/lib/use-param';

type Session = ReviewData['session'];
type Item = Session['reviewQueue']['items'][number];
type Student = Session['course']['students']['items'][number];

interface Images {
  face: Map<string, string>;
  photo: Map<string, string>;
  sample: Map<string, string>;
}

/** One decision: the face in the class photo beside the enrolled face of the proposed student. */
function ReviewCard({
  item,
  students,
  present,
  photoSize,
  images,
  active,
  onResolved,
}: {
  item: Item;
  students: Student[];
  present: Map<string, string>;
  photoSize?: { width: number; height: number };
  images: Images;
  active: boolean;
  onResolved: (message: string) => void;
}) {
  const [other, setOther] = useState('');
  const [showScore, setShowScore] = useState(false);
  const [confirmed, confirm] = useMutation(ConfirmFaceMutation);
  const [dismissed, dismiss] = useMutation(DismissFaceMutation);
  const select = useRef<HTMLSelectElement>(null);
  const busy = confirmed.fetching || dismissed.fetching;
  const proposal = item.proposedStudent;
  const bestSample = proposal ? [...proposal.faces].sort((a, b) => b.quality - a.quality)[0] : undefined;
  const photoUrl = localPhotoUrl(item.photoId) ?? images.photo.get(item.photoId);
  const proposalStatus = proposal ? present.get(proposal.id) : undefined;

  const confirmAs = async (studentId?: string) => {
    const result = await confirm({ faceId: item.id, studentId: studentId ?? null });
    if (result.data) {
      onResolved(`Marked ${result.data.confirmFace.student?.name ?? 'the student'} present from this face.`);
    }
  };
  const doDismiss = async () => {
    const result = await dismiss({ faceId: item.id });
    if (result.data) {
      onResolved('Face set aside as not a student.');
    }
  };

  // Keyboard shortcuts act on the first card: Y yes, N pick another student, D dismiss.
  useEffect(() => {
    if (!active) {
      return;
    }
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (busy || event.metaKey || event.ctrlKey || event.altKey) {
        return;
      }
      if (target && ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName)) {
        return;
      }
      const key = event.key.toLowerCase();
      if (key === 'y' && proposal) {
        event.preventDefault();
        void confirmAs();
      } else if (key === 'n') {
        event.preventDefault();
        select.current?.focus();
      } else if (key === 'd') {
        event.preventDefault();
        void doDismiss();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  return (
    <li
      className="card review-card"
      data-testid="review-item"
      data-proposal={proposal?.name ?? ''}
      aria-label={proposal ? `Is this ${proposal.name}?` : 'Who is this?'}
    >
      <figure>
        <FaceInPhoto
          photoUrl={photoUrl}
          photoSize={photoSize}
          box={item.box}
          cropUrl={images.face.get(item.id)}
          label="The face, highlighted in the class photo"
        />
        <figcaption className="small muted">In the class photo</figcaption>
      </figure>
      <figure>
        {proposal ? (
          <div className="face-frame">
            <FaceCrop
              cropUrl={bestSample ? images.sample.get(bestSample.id) : undefined}
              label={`Enrolled photo of ${proposal.name}`}
              size={400}
            />
          </div>
        ) : (
          <div className="face-frame" role="img" aria-label="No likely student">
            <span
              style={{
                display: 'grid',
                placeItems: 'center',
                height: '100%',
                fontSize: '3rem',
                color: '#5b6473',
              }}
            >
              ?
            </span>
          </div>
        )}
        <figcaption className="small muted">
          {proposal ? `Enrolled: ${proposal.name}` : 'No likely student'}
        </figcaption>
      </figure>
      <div className="decision stack" style={{ gap: '0.6rem' }}>
        <h3 style={{ margin: 0 }}>{proposal ? `Is this ${proposal.name}?` : 'Who is this?'}</h3>
        {proposal && (
          <p className="small" style={{ margin: 0 }}>
            {confidenceWords(item.confidence)}{' '}
            <button
              type="button"
              className="chip"
              aria-expanded={showScore}
              onClick={() => setShowScore((v) => !v)}
            >
              {showScore ? `Score ${formatPercent(item.confidence)}` : 'Show score'}
            </button>
          </p>
        )}
        {proposalStatus && (
          <p className="small notice ok" style={{ margin: 0 }}>
            {proposal!.name} is already marked{' '}
            {STATUS_LABEL[proposalStatus as keyof typeof STATUS_LABEL].toLowerCase()} from another photo.
          </p>
        )}
        <div className="decision-buttons">
          {proposal && (
            <button type="button" className="button" disabled={busy} onClick={() => void confirmAs()}>
              Yes, {proposal.name} {active && <kbd aria-hidden="true">Y</kbd>}
            </button>
          )}
          <button type="button" className="button secondary" disabled={busy} onClick={() => void doDismiss()}>
            Not a student {active && <kbd aria-hidden="true">D</kbd>}
          </button>
        </div>
        <div className="row" style={{ gap: '0.5rem' }}>
          <select
            ref={select}
            aria-label={proposal ? 'No, it is another student' : 'It is…'}
            value={other}
            onChange={(e) => setOther(e.target.value)}
            style={{ flex: '1 1 12rem', minWidth: 0 }}
          >
            <option value="">{proposal ? 'No, it is…' : 'It is…'}</option>
            {students
              .filter((s) => s.id !== proposal?.id)
              .map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name} ({s.externalId}){present.has(s.id) ? ' · already marked' : ''}
                </option>
              ))}
          </select>
          <button
            type="button"
            className="button secondary"
            disabled={busy || !other}
            onClick={() => void confirmAs(other)}
          >
            Confirm
          </button>
        </div>
        {(confirmed.error ?? dismissed.error) && (
          <p className="notice error" role="alert" style={{ margin: 0 }}>
            {describeError(confirmed.error ?? dismissed.error)}
          </p>
        )}
      </div>
    </li>
  );
}

function ReviewPage() {
  const sessionId = useParam('session');
  const [{ data, fetching, error }, refetch] = useQuery({
    query: ReviewDecisionsQuery,
    variables: { sessionId },
    pause: !sessionId,
  });
  const [imageData, refetchImages] = useQuery({
    query: ReviewDecisionImagesQuery,
    variables: { sessionId },
    pause: !sessionId,
  });
  const [message, setMessage] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const [dismissedAll, dismissUnknown] = useMutation(DismissUnknownFacesMutation);
  const reload = () => {
    refetch({ requestPolicy: 'network-only' });
    refetchImages({ requestPolicy: 'network-only' });
  };

  const images = useMemo<Images>(() => {
    const s = imageData.data?.session;
    const face = new Map<string, string>();
    const photo = new Map<string, string>();
    const sample = new Map<string, string>();
    for (const p of s?.photos.items ?? []) {
      if (p.imageUrl) {
        photo.set(p.id, mediaUrl(p.imageUrl));
      }
    }
    for (const f of s?.reviewQueue.items ?? []) {
      if (f.imageUrl) {
        face.set(f.id, mediaUrl(f.imageUrl));
      }
      for (const sf of f.proposedStudent?.faces ?? []) {
        if (sf.imageUrl) {
          sample.set(sf.id, mediaUrl(sf.imageUrl));
        }
      }
    }
    return { face, photo, sample };
  }, [imageData.data]);

  if (!sessionId) {
    return <ErrorNote error="No session was chosen." />;
  }
  if (error && !data) {
    return <ErrorNote error={error} onRetry={reload} />;
  }
  if (!data) {
    return fetching ? <Loading label="Loading faces to review…" /> : null;
  }
  const session = data.session;
  const sizes = new Map(
    session.photos.items
      .filter((p) => p.width && p.height)
      .map((p) => [p.id, { width: p.width!, height: p.height! }]),
  );
  const present = new Map(
    session.records
      .filter((r) => r.status === 'PRESENT' || r.status === 'LATE')
      .map((r) => [r.studentId, r.status]),
  );
  const items = session.reviewQueue.items;
  // Faces whose proposed student is already present elsewhere are folded away: they rarely matter.
  const main = items.filter((i) => !(i.proposedStudent && present.has(i.proposedStudent.id)));
  const folded = items.filter((i) => i.proposedStudent && present.has(i.proposedStudent.id));
  const unknown = items.filter((i) => !i.proposedStudent).length;
  const resolved = (text: string) => {
    setMessage(text);
    setVersion((v) => v + 1);
    reload();
  };
  const card = (item: Item, active: boolean) => (
    <ReviewCard
      key={item.id}
      item={item}
      students={session.course.students.items}
      present={present}
      photoSize={sizes.get(item.photoId)}
      images={images}
      active={active}
      onResolved={resolved}
    />
  );

  return (
    <>
      <PageTitle
        title="Review faces"
        crumbs={[
          { href: '/courses/', label: 'Courses' },
          {
            href: `/course/?id=${session.course.id}`,
            label: `${session.course.code} · ${session.course.name}`,
          },
          { href: `/session/?id=${session.id}`, label: `Session ${formatDateTime(session.openedAt)}` },
        ]}
        subtitle={
          <>
            Faces Rollcall was not sure about. Confirming marks the student and teaches Rollcall; every choice
            can be undone.
            <span className="small hide-touch">
              {' '}
              Keys: Y yes, N another student, D not a student, U undo.
            </span>
          </>
        }
      />
      <div className="row no-print" style={{ marginBottom: '0.75rem' }}>
        <Link className="button secondary" href={`/session/?id=${session.id}`}>
          Back to the session
        </Link>
        {unknown > 0 && (
          <button
            type="button"
            className="button secondary"
            disabled={dismissedAll.fetching}
            onClick={() =>
              void dismissUnknown({ sessionId: session.id }).then((r) => {
                if (r.data) {
                  resolved(
                    `${r.data.dismissUnknownFaces} unknown face${r.data.dismissUnknownFaces === 1 ? '' : 's'} set aside.`,
                  );
                }
              })
            }
          >
            Dismiss all unknown faces ({unknown})
          </button>
        )}
      </div>
      <ErrorNote error={dismissedAll.error} />
      {message && (
        <p className="notice ok" role="status" data-testid="review-message">
          {message}
        </p>
      )}
      <UndoBar
        sessionId={session.id}
        version={version}
        onUndone={(r) => resolved(`Undone: ${r.action.summary}.`)}
      />
      {items.length === 0 ? (
        <div className="card">
          <Empty title="Nothing to review">
            <p>
              Every face in this session is resolved.{' '}
              <Link href={`/session/?id=${session.id}`}>Back to the session</Link>
            </p>
          </Empty>
        </div>
      ) : (
        <>
          {main.length > 0 && (
            <ul
              className="stack"
              style={{ listStyle: 'none', padding: 0, margin: 0 }}
              aria-label="Faces to review"
            >
              {main.map((item, i) => card(item, i === 0))}
            </ul>
          )}
          {folded.length > 0 && (
            <details className="card" style={{ marginTop: '1rem' }} data-testid="folded">
              <summary>
                {folded.length} face{folded.length === 1 ? '' : 's'} of students already present
              </summary>
              <ul className="stack" style={{ listStyle: 'none', padding: 0, margin: '1rem 0 0' }}>
                {folded.map((item, i) => card(item, main.length === 0 && i === 0))}
              </ul>
            </details>
          )}
        </>
      )}
    </>
  );
}

export default function Page() {
  return (
    <Suspense fallback={<Loading />}>
      <ReviewPage />
    </Suspense>
  );
}

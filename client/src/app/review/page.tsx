'use client';

import Link from 'next/link';
import { Suspense, useMemo, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { FaceCrop } from '@/components/FaceCrop';
import { PageTitle } from '@/components/PageTitle';
import { Empty, ErrorNote, Loading } from '@/components/States';
import type { ReviewQueueQuery } from '@/gql/graphql';
import { mediaUrl } from '@/lib/config';
import { formatDateTime, formatPercent } from '@/lib/format';
import { localPhotoUrl } from '@/lib/local-photos';
import {
  ConfirmFaceMutation,
  DismissFaceMutation,
  ReviewImagesQuery,
  ReviewQueueQuery as Queue,
} from '@/lib/operations';
import { useCapabilities } from '@/lib/use-capabilities';
import { useParam } from '@/lib/use-param';

type Item = ReviewQueueQuery['session']['reviewQueue']['items'][number];
type Student = ReviewQueueQuery['session']['course']['students']['items'][number];

interface Images {
  face: Map<string, string>;
  photo: Map<string, string>;
  sample: Map<string, string>;
}

function ReviewCard({
  item,
  students,
  photoSize,
  images,
  onResolved,
}: {
  item: Item;
  students: Student[];
  photoSize?: { width: number; height: number };
  images: Images;
  onResolved: (message: string) => void;
}) {
  const [other, setOther] = useState('');
  const [confirmed, confirm] = useMutation(ConfirmFaceMutation);
  const [dismissed, dismiss] = useMutation(DismissFaceMutation);
  const busy = confirmed.fetching || dismissed.fetching;
  const candidate = item.candidate;
  const bestSample = candidate ? [...candidate.faces].sort((a, b) => b.quality - a.quality)[0] : undefined;
  const photoUrl = localPhotoUrl(item.photoId) ?? images.photo.get(item.photoId);

  const confirmAs = async (studentId?: string) => {
    const result = await confirm({ faceId: item.id, studentId: studentId ?? null });
    if (result.data) {
      onResolved(`Confirmed as ${result.data.confirmFace.student?.name ?? 'the student'}.`);
    }
  };
  const doDismiss = async () => {
    const result = await dismiss({ faceId: item.id });
    if (result.data) {
      onResolved('Face dismissed.');
    }
  };

  return (
    <li
      className="card stack"
      data-testid="review-item"
      aria-label={candidate ? `Is this ${candidate.name}?` : 'Unknown face'}
    >
      <div className="row" style={{ alignItems: 'flex-start', gap: '1.25rem' }}>
        <figure className="stack" style={{ margin: 0, gap: '0.3rem' }}>
          <FaceCrop
            cropUrl={images.face.get(item.id)}
            photoUrl={photoUrl}
            photoSize={photoSize}
            box={item.box}
            label="Face from the class photo"
          />
          <figcaption className="small muted">In the class photo</figcaption>
        </figure>
        <figure className="stack" style={{ margin: 0, gap: '0.3rem' }}>
          {candidate ? (
            <FaceCrop
              cropUrl={bestSample ? images.sample.get(bestSample.id) : undefined}
              label={`Enrolled face of ${candidate.name}`}
            />
          ) : (
            <FaceCrop label="?" />
          )}
          <figcaption className="small muted">
            {candidate ? `Enrolled: ${candidate.name}` : 'No likely match'}
          </figcaption>
        </figure>
        <div className="stack" style={{ flex: 1, minWidth: 220, gap: '0.6rem' }}>
          <h3 style={{ margin: 0 }}>
            {candidate ? (
              <>
                Is this {candidate.name}?{' '}
                <span className="badge warn">{formatPercent(item.confidence)} sure</span>
              </>
            ) : (
              'Who is this?'
            )}
          </h3>
          {candidate && (
            <div>
              <button type="button" className="button" disabled={busy} onClick={() => void confirmAs()}>
                Yes, it is {candidate.name}
              </button>
            </div>
          )}
          <div className="row" style={{ gap: '0.5rem' }}>
            <select aria-label="Another student" value={other} onChange={(e) => setOther(e.target.value)}>
              <option value="">{candidate ? 'No, it is…' : 'It is…'}</option>
              {students
                .filter((s) => s.id !== candidate?.id)
                .map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name} ({s.externalId})
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
          <div>
            <button
              type="button"
              className="button danger secondary"
              disabled={busy}
              onClick={() => void doDismiss()}
            >
              Dismiss (not a student)
            </button>
          </div>
          <ErrorNote error={confirmed.error ?? dismissed.error} />
        </div>
      </div>
    </li>
  );
}

function ReviewPage() {
  const sessionId = useParam('session');
  const caps = useCapabilities();
  const [{ data, fetching, error }, refetch] = useQuery({
    query: Queue,
    variables: { sessionId },
    pause: !sessionId,
  });
  const wantImages = caps.faceImages || caps.photoImages || caps.sampleImages;
  const [imageData] = useQuery({
    query: ReviewImagesQuery,
    variables: { sessionId },
    pause: !sessionId || !wantImages,
  });
  const [message, setMessage] = useState<string | null>(null);

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
      for (const sf of f.candidate?.faces ?? []) {
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
    return <ErrorNote error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
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
  const items = session.reviewQueue.items;

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
        subtitle="Faces Rollcall was not sure about. Confirming teaches it; dismiss strangers and posters."
      />
      {message && (
        <p className="notice ok" role="status">
          {message}
        </p>
      )}
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
        <ul
          className="stack"
          style={{ listStyle: 'none', padding: 0, margin: 0 }}
          aria-label="Faces to review"
        >
          {items.map((item) => (
            <ReviewCard
              key={item.id}
              item={item}
              students={session.course.students.items}
              photoSize={sizes.get(item.photoId)}
              images={images}
              onResolved={(text) => {
                setMessage(text);
                refetch({ requestPolicy: 'network-only' });
              }}
            />
          ))}
        </ul>
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

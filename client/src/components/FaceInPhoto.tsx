'use client';

import type { BoxFieldsFragment } from '@/gql/graphql';

/**
 * The face where it sits in the class photo: a generous region around it, with the face outlined,
 * so the teacher sees the person's clothes and neighbours, not just a crop.
 */
export function FaceInPhoto({
  photoUrl,
  photoSize,
  box,
  cropUrl,
  label,
}: {
  photoUrl?: string | null;
  photoSize?: { width: number; height: number } | null;
  box: BoxFieldsFragment;
  cropUrl?: string | null;
  label: string;
}) {
  if (!photoUrl || !photoSize) {
    return (
      <div className="face-frame" role="img" aria-label={label}>
        {cropUrl && (
          // eslint-disable-next-line @next/next/no-img-element -- signed URLs, static export
          <img src={cropUrl} alt="" style={{ width: '100%', height: '100%', objectFit: 'cover' }} />
        )}
      </div>
    );
  }
  // A square of three face widths around the face, kept inside the photo.
  const side = Math.min(Math.max(box.width, box.height) * 3, photoSize.width, photoSize.height);
  const left = Math.max(0, Math.min(photoSize.width - side, box.x + box.width / 2 - side / 2));
  const top = Math.max(0, Math.min(photoSize.height - side, box.y + box.height / 2 - side / 2));
  const pct = (v: number) => `${(v / side) * 100}%`;
  return (
    <div
      className="face-frame"
      role="img"
      aria-label={label}
      style={{
        backgroundImage: `url("${photoUrl}")`,
        backgroundRepeat: 'no-repeat',
        backgroundSize: `${(photoSize.width / side) * 100}% ${(photoSize.height / side) * 100}%`,
        backgroundPosition: `${photoSize.width === side ? 0 : (left / (photoSize.width - side)) * 100}% ${
          photoSize.height === side ? 0 : (top / (photoSize.height - side)) * 100
        }%`,
      }}
    >
      <span
        aria-hidden="true"
        style={{
          position: 'absolute',
          left: pct(box.x - left),
          top: pct(box.y - top),
          width: pct(box.width),
          height: pct(box.height),
          border: '3px solid #4da3ff',
          borderRadius: 4,
          boxShadow: '0 0 0 2px rgb(0 0 0 / 50%), 0 0 0 999px rgb(0 0 0 / 30%)',
        }}
      />
    </div>
  );
}

'use client';

import type { BoxFieldsFragment } from '@/gql/graphql';
import { initials } from '@/lib/format';

/**
 * A square face thumbnail: a ready crop URL when the server gives one, else the face's box cut out of
 * the whole photo with CSS, else the person's initials.
 */
export function FaceCrop({
  cropUrl,
  photoUrl,
  photoSize,
  box,
  size = 160,
  label,
}: {
  cropUrl?: string | null;
  photoUrl?: string | null;
  photoSize?: { width: number; height: number } | null;
  box?: BoxFieldsFragment | null;
  size?: number;
  label: string;
}) {
  const frame = {
    width: size,
    height: size,
    borderRadius: 8,
    overflow: 'hidden',
    background: '#e6e9ee',
    flex: 'none',
  } as const;
  if (cropUrl) {
    return (
      // eslint-disable-next-line @next/next/no-img-element -- signed URLs, static export
      <img src={cropUrl} alt={label} width={size} height={size} style={{ ...frame, objectFit: 'cover' }} />
    );
  }
  if (photoUrl && photoSize && box) {
    // Pad the box a little so the whole head shows, and keep it square.
    const side = Math.max(box.width, box.height) * 1.3;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    const scale = size / side;
    return (
      <div
        role="img"
        aria-label={label}
        style={{
          ...frame,
          backgroundImage: `url("${photoUrl}")`,
          backgroundRepeat: 'no-repeat',
          backgroundSize: `${photoSize.width * scale}px ${photoSize.height * scale}px`,
          backgroundPosition: `${-(cx - side / 2) * scale}px ${-(cy - side / 2) * scale}px`,
        }}
      />
    );
  }
  return (
    <div
      role="img"
      aria-label={label}
      style={{
        ...frame,
        display: 'grid',
        placeItems: 'center',
        fontSize: size / 3,
        color: '#5b6473',
        fontWeight: 700,
      }}
    >
      {initials(label) || '?'}
    </div>
  );
}

'use client';

import type { BoxFieldsFragment, MatchDecision } from '@/gql/graphql';
import { formatPercent } from '@/lib/format';
import styles from './PhotoBoxes.module.css';

export interface PhotoBoxFace {
  id: string;
  box: BoxFieldsFragment;
  decision: MatchDecision;
  confidence?: number | null;
  student?: { name: string } | null;
  candidate?: { name: string } | null;
  reviewStatus?: string;
}

const COLORS: Record<MatchDecision, string> = {
  ACCEPT: '#2fbf5b',
  REVIEW: '#f2b824',
  UNKNOWN: '#c2c7d0',
};

export function faceLabel(face: PhotoBoxFace): string {
  if (face.student) {
    return `${face.student.name} ${formatPercent(face.confidence)}`;
  }
  if (face.decision === 'REVIEW' && face.candidate) {
    return `${face.candidate.name}? ${formatPercent(face.confidence)}`;
  }
  return 'Unknown';
}

/**
 * A class photo with a box around every face and the matched name and confidence on it. Boxes are in
 * pixels of the upright original, so the SVG overlay uses the photo's own width and height as its
 * viewBox and scales with the image.
 */
export function PhotoBoxes({
  src,
  width,
  height,
  faces,
  alt,
}: {
  src?: string | null;
  width: number;
  height: number;
  faces: PhotoBoxFace[];
  alt: string;
}) {
  const stroke = Math.max(2, Math.round(Math.max(width, height) / 400));
  const fontSize = Math.max(12, Math.round(Math.max(width, height) / 45));
  return (
    <figure className={styles.frame} style={{ aspectRatio: `${width} / ${height}`, margin: 0 }}>
      {src ? (
        // eslint-disable-next-line @next/next/no-img-element -- signed URLs and object URLs, static export
        <img className={styles.image} src={src} alt={alt} />
      ) : (
        <div className={styles.placeholder}>The image is kept on the device that took it.</div>
      )}
      <svg
        className={styles.overlay}
        viewBox={`0 0 ${width} ${height}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`${faces.length} face${faces.length === 1 ? '' : 's'}: ${faces.map(faceLabel).join(', ')}`}
      >
        {faces.map((face) => {
          const color = face.student ? COLORS.ACCEPT : COLORS[face.decision];
          const label = faceLabel(face);
          const above = face.box.y > fontSize * 1.4;
          return (
            <g key={face.id} data-face-label={label}>
              <rect
                x={face.box.x}
                y={face.box.y}
                width={face.box.width}
                height={face.box.height}
                fill="none"
                stroke={color}
                strokeWidth={stroke}
                strokeDasharray={
                  face.decision === 'ACCEPT' || face.student ? undefined : `${stroke * 3} ${stroke * 2}`
                }
              />
              <text
                className={styles.label}
                x={face.box.x}
                y={above ? face.box.y - fontSize * 0.35 : face.box.y + face.box.height + fontSize}
                fill={color}
                fontSize={fontSize}
                strokeWidth={fontSize / 6}
              >
                {label}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

'use client';

import { useLayoutEffect, useRef, useState } from 'react';
import type { BoxFieldsFragment, MatchDecision } from '@/gql/graphql';
import { shortName } from '@/lib/format';
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

type Kind = 'known' | 'doubt' | 'unknown';

function kindOf(face: PhotoBoxFace): Kind {
  if (face.student) {
    return 'known';
  }
  return face.decision === 'REVIEW' && face.reviewStatus !== 'DISMISSED' ? 'doubt' : 'unknown';
}

export function faceLabel(face: PhotoBoxFace): string {
  if (face.student) {
    return face.student.name;
  }
  if (face.reviewStatus === 'DISMISSED') {
    return 'Not a student';
  }
  if (face.decision === 'REVIEW') {
    return 'To check';
  }
  return 'Unknown';
}

function shortLabel(face: PhotoBoxFace): string {
  return face.student ? shortName(face.student.name) : faceLabel(face);
}

interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

const overlaps = (a: Rect, b: Rect) =>
  a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/**
 * Places each label near its face without covering another label: above the box, else below, else
 * pushed down until it is clear. Works in rendered pixels, with the labels' measured sizes.
 */
export function placeLabels(
  boxes: Rect[],
  sizes: { w: number; h: number }[],
  frame: { w: number; h: number },
) {
  const placed: Rect[] = [];
  const order = boxes.map((_, i) => i).sort((a, b) => boxes[a]!.y - boxes[b]!.y || boxes[a]!.x - boxes[b]!.x);
  const result: Rect[] = new Array<Rect>(boxes.length);
  const clampX = (x: number, w: number) => Math.max(0, Math.min(frame.w - w, x));
  const clampY = (y: number, h: number) => Math.max(0, Math.min(frame.h - h, y));
  for (const i of order) {
    const b = boxes[i]!;
    const { w, h } = sizes[i]!;
    const x = clampX(b.x + b.w / 2 - w / 2, w);
    const tries: Rect[] = [
      { x, y: clampY(b.y - h - 2, h), w, h },
      { x, y: clampY(b.y + b.h + 2, h), w, h },
    ];
    for (let step = 1; step <= 12; step++) {
      tries.push({ x, y: clampY(b.y + b.h + 2 + step * (h + 2), h), w, h });
      tries.push({ x: clampX(x + step * (w / 2 + 2), w), y: clampY(b.y - h - 2, h), w, h });
      tries.push({ x: clampX(x - step * (w / 2 + 2), w), y: clampY(b.y - h - 2, h), w, h });
    }
    const spot = tries.find((t) => !placed.some((p) => overlaps(p, t))) ?? tries[0]!;
    placed.push(spot);
    result[i] = spot;
  }
  return result;
}

/**
 * A class photo with a box around every face and a readable name tag (solid background) beside it.
 * Boxes are in pixels of the upright original; the overlay scales with the image, and tags are laid
 * out again whenever the rendered size changes so they never sit on top of each other.
 */
export function PhotoBoxes({
  src,
  width,
  height,
  faces,
  alt,
  highlight,
}: {
  src?: string | null;
  width: number;
  height: number;
  faces: PhotoBoxFace[];
  alt: string;
  highlight?: string;
}) {
  const frame = useRef<HTMLDivElement>(null);
  const labels = useRef<(HTMLSpanElement | null)[]>([]);
  const [spots, setSpots] = useState<Rect[] | null>(null);
  const [frameWidth, setFrameWidth] = useState(0);

  useLayoutEffect(() => {
    const el = frame.current;
    if (!el) {
      return;
    }
    const observer = new ResizeObserver(() => setFrameWidth(el.clientWidth));
    observer.observe(el);
    setFrameWidth(el.clientWidth);
    return () => observer.disconnect();
  }, []);

  useLayoutEffect(() => {
    if (!frameWidth) {
      return;
    }
    const scale = frameWidth / width;
    const boxes = faces.map((f) => ({
      x: f.box.x * scale,
      y: f.box.y * scale,
      w: f.box.width * scale,
      h: f.box.height * scale,
    }));
    const sizes = faces.map((_, i) => ({
      w: labels.current[i]?.offsetWidth ?? 60,
      h: labels.current[i]?.offsetHeight ?? 20,
    }));
    setSpots(placeLabels(boxes, sizes, { w: frameWidth, h: height * scale }));
  }, [faces, frameWidth, width, height]);

  const pct = (v: number, of: number) => `${(v / of) * 100}%`;
  return (
    <figure className={styles.figure}>
      <div ref={frame} className={styles.frame} style={{ aspectRatio: `${width} / ${height}` }}>
        {src ? (
          // eslint-disable-next-line @next/next/no-img-element -- signed URLs and object URLs, static export
          <img className={styles.image} src={src} alt={alt} />
        ) : (
          <div className={styles.placeholder}>The image is kept on the device that took it.</div>
        )}
        {faces.map((face) => (
          <div
            key={`box-${face.id}`}
            className={`${styles.box} ${styles[kindOf(face)]} ${highlight === face.id ? styles.highlight : ''}`}
            style={{
              left: pct(face.box.x, width),
              top: pct(face.box.y, height),
              width: pct(face.box.width, width),
              height: pct(face.box.height, height),
            }}
            aria-hidden="true"
          />
        ))}
        {faces.map((face, i) => {
          const spot = spots?.[i];
          return (
            <span
              key={`label-${face.id}`}
              ref={(el) => {
                labels.current[i] = el;
              }}
              className={`${styles.label} ${styles[kindOf(face)]}`}
              data-face-label={faceLabel(face)}
              style={
                spot ? { left: spot.x, top: spot.y } : { left: 0, top: 0, visibility: 'hidden' as const }
              }
              aria-hidden="true"
            >
              {shortLabel(face)}
            </span>
          );
        })}
      </div>
      <figcaption className="visually-hidden">
        {`${faces.length} face${faces.length === 1 ? '' : 's'}: ${faces.map(faceLabel).join(', ')}`}
      </figcaption>
    </figure>
  );
}

import { describe, expect, it } from 'vitest';
import {
  alignedInput,
  applySimilarity,
  ARCFACE_TEMPLATE,
  estimateSimilarity,
  fivePoints,
} from '../../src/inference/align';

describe('5-point alignment', () => {
  it('recovers a rotation, scale and shift exactly', () => {
    const angle = 0.3;
    const truth = { a: 1.7 * Math.cos(angle), b: 1.7 * Math.sin(angle), tx: 12, ty: -5 };
    const from = [
      { x: 10, y: 20 },
      { x: 40, y: 22 },
      { x: 25, y: 35 },
      { x: 14, y: 50 },
      { x: 37, y: 49 },
    ];
    const to = from.map((p) => applySimilarity(truth, p));
    const t = estimateSimilarity(from, to);
    expect(t.a).toBeCloseTo(truth.a, 9);
    expect(t.b).toBeCloseTo(truth.b, 9);
    expect(t.tx).toBeCloseTo(truth.tx, 9);
    expect(t.ty).toBeCloseTo(truth.ty, 9);
  });

  it('takes eye centres, nose tip and mouth corners from the 68 points', () => {
    const pts = Array.from({ length: 68 }, (_, i) => ({ x: i, y: 2 * i }));
    const five = fivePoints(pts);
    expect(five[0]).toEqual({ x: 38.5, y: 77 }); // mean of 36..41
    expect(five[1]).toEqual({ x: 44.5, y: 89 }); // mean of 42..47
    expect(five.slice(2)).toEqual([pts[30], pts[48], pts[54]]);
    expect(() => fivePoints(pts.slice(0, 5))).toThrow(/68 landmarks/);
  });

  it('samples the face so its landmarks land on the template, in BGR, scaled to about -1..1', () => {
    // A 200x200 image, red everywhere, with landmarks placed where the template would be at 1.5x
    // scale plus an offset: the aligned crop must be the red channel in the B-G-R third plane.
    const width = 200;
    const height = 200;
    const data = new Uint8Array(width * height * 3);
    for (let i = 0; i < width * height; i++) {
      data[i * 3] = 255;
    }
    const landmarks = Array.from({ length: 68 }, () => ({ x: 0, y: 0 }));
    const placed = ARCFACE_TEMPLATE.map((p) => ({ x: p.x * 1.5 + 20, y: p.y * 1.5 + 10 }));
    // Put every point of each eye on its centre so the eye mean is exact.
    landmarks.fill(placed[0]!, 36, 42);
    landmarks.fill(placed[1]!, 42, 48);
    landmarks[30] = placed[2]!;
    landmarks[48] = placed[3]!;
    landmarks[54] = placed[4]!;
    const t = estimateSimilarity(fivePoints(landmarks), ARCFACE_TEMPLATE);
    expect(t.a).toBeCloseTo(1 / 1.5, 6);
    const input = alignedInput({ data, width, height }, landmarks);
    expect(input).toHaveLength(3 * 112 * 112);
    const plane = 112 * 112;
    const centre = 56 * 112 + 56;
    expect(input[2 * plane + centre]).toBeCloseTo((255 - 127.5) / 128, 5); // R is the third plane
    expect(input[centre]).toBeCloseTo(-127.5 / 128, 5); // B
  });
});

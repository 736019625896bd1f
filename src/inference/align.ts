import type { Point } from './quality';

// Face alignment for embedding models trained on ArcFace-style crops: five landmarks (eye centres,
// nose tip, mouth corners) mapped by a least-squares similarity transform onto the standard
// 112x112 template, then the crop sampled bilinearly. Pure arithmetic on the decoded RGB buffer.

/** The ArcFace / InsightFace 5-point template for a 112x112 crop (x, y). */
export const ARCFACE_TEMPLATE: readonly Point[] = [
  { x: 38.2946, y: 51.6963 },
  { x: 73.5318, y: 51.5014 },
  { x: 56.0252, y: 71.7366 },
  { x: 41.5493, y: 92.3655 },
  { x: 70.7299, y: 92.2041 },
];

const mean = (ps: Point[]): Point => ({
  x: ps.reduce((s, p) => s + p.x, 0) / ps.length,
  y: ps.reduce((s, p) => s + p.y, 0) / ps.length,
});

/** Eye centres (in image order: left of the picture first), nose tip, mouth corners from the 68 iBUG points. */
export function fivePoints(landmarks68: Point[]): Point[] {
  if (landmarks68.length !== 68) {
    throw new Error(`expected 68 landmarks, got ${landmarks68.length}`);
  }
  return [
    mean(landmarks68.slice(36, 42)),
    mean(landmarks68.slice(42, 48)),
    landmarks68[30]!,
    landmarks68[48]!,
    landmarks68[54]!,
  ];
}

/** x' = a x - b y + tx, y' = b x + a y + ty: rotation, uniform scale and shift, no shear. */
export interface Similarity {
  a: number;
  b: number;
  tx: number;
  ty: number;
}

/** Least-squares similarity from `from` onto `to` (Umeyama's solution without reflection). */
export function estimateSimilarity(from: readonly Point[], to: readonly Point[]): Similarity {
  const mf = mean([...from]);
  const mt = mean([...to]);
  let num1 = 0;
  let num2 = 0;
  let den = 0;
  from.forEach((p, i) => {
    const fx = p.x - mf.x;
    const fy = p.y - mf.y;
    const tx = to[i]!.x - mt.x;
    const ty = to[i]!.y - mt.y;
    num1 += fx * tx + fy * ty;
    num2 += fx * ty - fy * tx;
    den += fx * fx + fy * fy;
  });
  const a = num1 / (den || 1);
  const b = num2 / (den || 1);
  return { a, b, tx: mt.x - (a * mf.x - b * mf.y), ty: mt.y - (b * mf.x + a * mf.y) };
}

export function applySimilarity(t: Similarity, p: Point): Point {
  return { x: t.a * p.x - t.b * p.y + t.tx, y: t.b * p.x + t.a * p.y + t.ty };
}

export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * The aligned face as the network input: planar float32, channels in BGR order (as the
 * InsightFace-style training read images with OpenCV), each value (x - 127.5) / 128. Pixels that
 * fall outside the image read as mid-grey (0 after normalisation).
 */
export function alignedInput(image: RgbImage, landmarks68: Point[], size = 112): Float32Array {
  const scale = size / 112;
  const template = ARCFACE_TEMPLATE.map((p) => ({ x: p.x * scale, y: p.y * scale }));
  const t = estimateSimilarity(fivePoints(landmarks68), template);
  // Invert: for every output pixel, where to read in the image.
  const det = t.a * t.a + t.b * t.b || 1;
  const ia = t.a / det;
  const ib = -t.b / det;
  const out = new Float32Array(3 * size * size);
  const plane = size * size;
  const { data, width, height } = image;
  for (let v = 0; v < size; v++) {
    for (let u = 0; u < size; u++) {
      const dx = u - t.tx;
      const dy = v - t.ty;
      const x = ia * dx - ib * dy;
      const y = ib * dx + ia * dy;
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const fx = x - x0;
      const fy = y - y0;
      const o = v * size + u;
      for (let c = 0; c < 3; c++) {
        const sample = (xx: number, yy: number) =>
          xx < 0 || yy < 0 || xx >= width || yy >= height ? 127.5 : data[(yy * width + xx) * 3 + c]!;
        const value =
          sample(x0, y0) * (1 - fx) * (1 - fy) +
          sample(x0 + 1, y0) * fx * (1 - fy) +
          sample(x0, y0 + 1) * (1 - fx) * fy +
          sample(x0 + 1, y0 + 1) * fx * fy;
        // RGB in, BGR out.
        out[(2 - c) * plane + o] = (value - 127.5) / 128;
      }
    }
  }
  return out;
}

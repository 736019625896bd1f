import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { assessQuality, brightness, pose, sharpness, type Point } from '../../src/inference/quality';
import { face } from '../setup/harness';

const SIZE = 64;
async function grey(image: Buffer, blur?: number): Promise<Uint8Array> {
  let pipeline = sharp(image).resize(SIZE, SIZE, { fit: 'fill' }).greyscale();
  if (blur) {
    pipeline = pipeline.blur(blur);
  }
  return new Uint8Array(await pipeline.raw().toBuffer());
}

// A frontal face's landmarks, roughly: jaw 0-16, brows 17-26, nose 27-35, eyes 36-47, mouth 48-67.
function frontal(): Point[] {
  const pts: Point[] = [];
  for (let i = 0; i <= 16; i++) {
    pts.push({ x: 10 + i * 5, y: 40 + Math.sin((i / 16) * Math.PI) * 40 });
  }
  for (let i = 17; i <= 26; i++) {
    pts.push({ x: 15 + (i - 17) * 7, y: 30 });
  }
  for (let i = 27; i <= 35; i++) {
    pts.push({ x: 50, y: 35 + (i - 27) * 3 });
  }
  pts[30] = { x: 50, y: 55 };
  for (let i = 36; i <= 41; i++) {
    pts.push({ x: 30 + (i - 36), y: 40 });
  }
  for (let i = 42; i <= 47; i++) {
    pts.push({ x: 65 + (i - 42), y: 40 });
  }
  for (let i = 48; i <= 67; i++) {
    pts.push({ x: 40 + ((i - 48) % 10) * 2, y: 70 });
  }
  return pts;
}

describe('face quality', () => {
  it('scores a blurred face as less sharp than the original', async () => {
    const photo = await face('people/colin_powell/1.jpg');
    const sharpScore = sharpness(await grey(photo), SIZE);
    const blurred = sharpness(await grey(photo, 3), SIZE);
    expect(blurred).toBeLessThan(sharpScore / 2);
  });

  it('measures exposure', async () => {
    const photo = await face('people/colin_powell/1.jpg');
    const dark = await sharp(photo).linear(0.2, 0).toBuffer();
    expect(brightness(await grey(dark))).toBeLessThan(brightness(await grey(photo)));
  });

  it('reads a frontal pose as frontal, and mirrors yaw and roll', () => {
    const straight = pose(frontal());
    expect(Math.abs(straight.yaw)).toBeLessThan(5);
    expect(Math.abs(straight.roll)).toBeLessThan(5);
    const turned = frontal();
    turned[30] = { x: 70, y: 55 };
    const right = pose(turned);
    const left = pose(turned.map((p) => ({ x: 100 - p.x, y: p.y })).map((p, i, all) => all[mirror(i)] ?? p));
    expect(right.yaw).toBeGreaterThan(20);
    expect(left.yaw).toBeLessThan(-20);
  });

  it('flags small, blurred and turned faces', () => {
    const good = {
      sizePx: 120,
      sharpness: 0.5,
      brightness: 0.5,
      detectionScore: 0.99,
      pose: { yaw: 0, pitch: 0, roll: 0 },
    };
    expect(assessQuality(good).issues).toEqual([]);
    expect(assessQuality({ ...good, sizePx: 20 }).issues).toContain('TOO_SMALL');
    expect(assessQuality({ ...good, sharpness: 0.01 }).issues).toContain('BLURRY');
    expect(assessQuality({ ...good, pose: { yaw: 60, pitch: 0, roll: 0 } }).issues).toContain('POSE');
    expect(assessQuality({ ...good, sizePx: 20 }).score).toBeLessThan(assessQuality(good).score);
  });
});

/** Index of the landmark that a horizontal mirror swaps with i (jaw, brows, eyes swap sides). */
function mirror(i: number): number {
  if (i <= 16) {
    return 16 - i;
  }
  if (i >= 17 && i <= 26) {
    return 43 - i;
  }
  if (i >= 36 && i <= 41) {
    return i + 6;
  }
  if (i >= 42 && i <= 47) {
    return i - 6;
  }
  return i;
}

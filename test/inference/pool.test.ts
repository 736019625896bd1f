import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createInferenceEngine,
  FACE_API_MODEL,
  InferenceError,
  MOBILEFACENET_MODEL,
  type InferenceEngine,
} from '../../src/inference';
import { euclidean } from '../../src/inference/matcher';
import { face } from '../setup/harness';

// The real worker pool on real photos (small ones, to keep the suite fast).

describe('inference pool', () => {
  let engine: InferenceEngine;

  beforeAll(async () => {
    engine = createInferenceEngine({
      workers: 2,
      maxPixels: 20_000_000,
      maxDimension: 1920,
      minDetectionScore: 0.4,
      minFaceSize: 20,
    });
    await engine.ready();
  });
  afterAll(async () => {
    await engine?.close();
  });

  it('runs on the WASM backend here and finds every face of a group photo', async () => {
    expect(engine.backend).toBe('wasm');
    expect(engine.models).toEqual([FACE_API_MODEL, MOBILEFACENET_MODEL]);
    const analysis = await engine.analyze(await face('groups/bbt3.jpg'));
    expect(analysis.models).toEqual(engine.models);
    expect(analysis.faces).toHaveLength(5);
    // A photo can be asked to run with fewer models (degradation under load).
    const light = await engine.analyze(await face('groups/bbt3.jpg'), { models: [FACE_API_MODEL] });
    expect(light.models).toEqual([FACE_API_MODEL]);
    expect(light.faces.every((f) => Object.keys(f.embeddings).join() === FACE_API_MODEL)).toBe(true);
    for (const f of analysis.faces) {
      expect(f.embeddings[FACE_API_MODEL]!).toHaveLength(128);
      expect(Math.hypot(...f.embeddings[FACE_API_MODEL]!)).toBeCloseTo(1, 5);
      expect(f.box.x).toBeGreaterThanOrEqual(0);
      expect(f.box.x + f.box.width).toBeLessThanOrEqual(analysis.width + 1);
      expect(f.thumbnail[0]).toBe(0xff); // a JPEG
    }
    // Left to right.
    expect(analysis.faces.map((f) => f.box.x)).toEqual(
      [...analysis.faces.map((f) => f.box.x)].sort((a, b) => a - b),
    );
  });

  it('puts two photos of one person closer than photos of two people', async () => {
    const [a1, a2, b1] = await Promise.all(
      ['people/tony_blair/1.jpg', 'people/tony_blair/3.jpg', 'people/colin_powell/1.jpg'].map(async (p) =>
        engine.analyze(await face(p), { maxFaces: 1 }),
      ),
    );
    const d = (x: typeof a1, y: typeof a1) =>
      euclidean(x!.faces[0]!.embeddings[FACE_API_MODEL]!, y!.faces[0]!.embeddings[FACE_API_MODEL]!);
    expect(d(a1, a2)).toBeLessThan(d(a1, b1));
  });

  it('finds no face in a landscape', async () => {
    expect((await engine.analyze(await face('groups/nobody_enrolled_017.jpg'))).faces).toEqual([]);
  });

  it('honours EXIF orientation and reports boxes in upright coordinates', async () => {
    const upright = await face('people/colin_powell/1.jpg');
    // Pixels turned 90 degrees, with orientation 6 ("rotate 90 to display"): upright when shown.
    const turned = await sharp(upright).rotate(-90).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const [a, b] = await Promise.all([
      engine.analyze(upright, { maxFaces: 1 }),
      engine.analyze(turned, { maxFaces: 1 }),
    ]);
    expect(b.width).toBe(a.width);
    expect(b.height).toBe(a.height);
    expect(Math.abs(b.faces[0]!.box.x - a.faces[0]!.box.x)).toBeLessThan(10);
    expect(
      euclidean(a.faces[0]!.embeddings[FACE_API_MODEL]!, b.faces[0]!.embeddings[FACE_API_MODEL]!),
    ).toBeLessThan(0.15);
  });

  it('refuses unreadable and oversized images with codes', async () => {
    const jpeg = await face('people/tony_blair/1.jpg');
    await expect(engine.analyze(jpeg.subarray(0, 2000))).rejects.toMatchObject({ code: 'INVALID_IMAGE' });
    await expect(engine.analyze(Buffer.from('plain text, not a picture'))).rejects.toBeInstanceOf(
      InferenceError,
    );
    const huge = await sharp({ create: { width: 5000, height: 5000, channels: 3, background: '#777' } })
      .png()
      .toBuffer();
    await expect(engine.analyze(huge)).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
  });

  it('does not leak tensors across photos', async () => {
    const photo = await face('groups/bbt4.jpg');
    await engine.analyze(photo);
    const before = await engine.tensorCounts();
    await Promise.all(Array.from({ length: 4 }, () => engine.analyze(photo)));
    await expect(engine.analyze(Buffer.from('not an image'))).rejects.toBeInstanceOf(InferenceError);
    const after = await engine.tensorCounts();
    // Only the networks' weights stay allocated, the same count in every worker.
    expect(new Set([...before, ...after]).size).toBe(1);
  });
});

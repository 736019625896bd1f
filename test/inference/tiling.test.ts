import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeClassPhoto, detectionRecall } from '../../scripts/class-photo';
import { createInferenceEngine } from '../../src/inference';
import { iou, suppressDuplicates, tileGrid } from '../../src/inference/tiling';
import type { InferenceEngine } from '../../src/inference/types';
import { FACES_DIR } from '../setup/harness';

describe('tiled detection', () => {
  describe(tileGrid.name, () => {
    it('covers the image with overlapping tiles that end at the edges', () => {
      const tiles = tileGrid(4000, 3000, 800);
      expect(Math.max(...tiles.map((t) => t.x + t.width))).toBe(4000);
      expect(Math.max(...tiles.map((t) => t.y + t.height))).toBe(3000);
      expect(tiles.every((t) => t.width === 800 && t.height === 800)).toBe(true);
      const row = tiles.filter((t) => t.y === 0).sort((a, b) => a.x - b.x);
      for (let i = 1; i < row.length; i++) {
        // Neighbours overlap by at least a quarter tile: a face up to 200 px is whole in one of them.
        expect(row[i - 1]!.x + 800 - row[i]!.x).toBeGreaterThanOrEqual(200);
      }
      expect(tileGrid(600, 500, 800)).toEqual([{ x: 0, y: 0, width: 600, height: 500 }]);
    });
  });

  describe(suppressDuplicates.name, () => {
    it('keeps the best of overlapping boxes and drops partial boxes inside whole ones', () => {
      const kept = suppressDuplicates([
        { box: { x: 100, y: 100, width: 50, height: 50 }, score: 0.9 },
        { box: { x: 104, y: 102, width: 50, height: 50 }, score: 0.95 },
        { box: { x: 100, y: 100, width: 22, height: 50 }, score: 0.97 }, // cut by a tile edge
        { box: { x: 400, y: 100, width: 50, height: 50 }, score: 0.5 },
      ]);
      expect(kept).toEqual([2, 3]);
      expect(iou({ x: 0, y: 0, width: 10, height: 10 }, { x: 5, y: 0, width: 10, height: 10 })).toBeCloseTo(
        1 / 3,
      );
    });
  });

  describe('on real photos', () => {
    let engine: InferenceEngine;
    beforeAll(async () => {
      engine = createInferenceEngine({
        workers: 2,
        maxPixels: 50_000_000,
        maxDimension: 1920,
        minDetectionScore: 0.4,
        minFaceSize: 20,
        tileMinDimension: 2400,
        tileSize: 800,
      });
      await engine.ready();
    });
    afterAll(async () => {
      await engine?.close();
    });

    it('adds no duplicates when tiles and the whole image see the same faces', async () => {
      const bytes = await readFile(path.join(FACES_DIR, 'groups', 'bbt1.jpg'));
      // Upscaled so every face is also inside some tile, and many cross tile borders.
      const big = await sharp(bytes).resize({ width: 2600 }).jpeg().toBuffer();
      const whole = await engine.analyze(big, { tiling: false });
      const tiled = await engine.analyze(big, { tiling: true });
      expect(whole.faces.length).toBeGreaterThanOrEqual(4);
      expect(tiled.faces.length).toBe(whole.faces.length);
    }, 120_000);

    it('finds small faces in a large class photo that the whole-image pass misses', async () => {
      const photo = await composeClassPhoto(engine, FACES_DIR, {
        count: 30,
        faceSize: 40,
        width: 4000,
        height: 3000,
      });
      expect(photo.faces.length).toBeGreaterThanOrEqual(30);
      const whole = await engine.analyze(photo.image, { tiling: false });
      const tiled = await engine.analyze(photo.image);
      const before = detectionRecall(photo.faces, whole.faces);
      const after = detectionRecall(photo.faces, tiled.faces);
      process.stdout.write(
        `small faces (40 px in 4000x3000): whole-image recall ${before.toFixed(2)}, tiled ${after.toFixed(2)} ` +
          `(${Math.round(whole.timings.totalMs)} ms vs ${Math.round(tiled.timings.totalMs)} ms)\n`,
      );
      // Measured: whole image 0.00, tiled 0.73 (the misses are the same faces at every tile size,
      // 640-1024 px: at 40 px those crops are beyond SSD MobileNet itself).
      expect(after).toBeGreaterThanOrEqual(0.6);
      expect(after - before).toBeGreaterThanOrEqual(0.5);
      // Tiling adds no phantom faces: everything found is one of the placed faces.
      expect(tiled.faces.length).toBeLessThanOrEqual(photo.faces.length + 1);
    }, 180_000);
  });
});

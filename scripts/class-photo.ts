import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { FaceBox, InferenceEngine } from '../src/inference/types';

// Builds a large synthetic class photo from single-person photos: each person's face, cut out with
// some context, scaled so the face is `faceSize` px wide, placed on a grid with jitter on a big
// canvas. The hard case for a detector that sees every image at 512x512.

export interface ClassPhoto {
  image: Buffer;
  width: number;
  height: number;
  /** Where each face was placed (its detected box, scaled and moved). */
  faces: { person: string; box: FaceBox }[];
}

export interface ClassPhotoOptions {
  count: number;
  faceSize: number;
  width: number;
  height: number;
}

export async function composeClassPhoto(
  engine: InferenceEngine,
  facesDir: string,
  { count, faceSize, width, height }: ClassPhotoOptions,
): Promise<ClassPhoto> {
  const people = (await readdir(path.join(facesDir, 'people'))).sort();
  const sources = await Promise.all(
    people.map(async (person) => {
      const bytes = await readFile(path.join(facesDir, 'people', person, '1.jpg'));
      const analysis = await engine.analyze(bytes, { maxFaces: 1 });
      return { person, bytes, face: analysis.faces[0], photo: analysis };
    }),
  );
  const usable = sources.filter((s) => s.face).slice(0, count);
  const cols = Math.ceil(Math.sqrt((usable.length * width) / height));
  const rows = Math.ceil(usable.length / cols);
  const cellW = Math.floor(width / cols);
  const cellH = Math.floor(height / rows);
  const composites: sharp.OverlayOptions[] = [];
  const faces: ClassPhoto['faces'] = [];
  for (const [i, source] of usable.entries()) {
    const box = source.face!.box;
    // Crop twice the face size around it (clamped to the photo), then scale to the target face size.
    const side = Math.min(box.width, box.height) * 2;
    const left = Math.max(0, Math.round(box.x + box.width / 2 - side / 2));
    const top = Math.max(0, Math.round(box.y + box.height / 2 - side / 2));
    const cropW = Math.min(Math.round(side), source.photo.width - left);
    const cropH = Math.min(Math.round(side), source.photo.height - top);
    const scale = faceSize / box.width;
    const outW = Math.max(1, Math.round(cropW * scale));
    const outH = Math.max(1, Math.round(cropH * scale));
    const tile = await sharp(source.bytes)
      .rotate()
      .extract({ left, top, width: cropW, height: cropH })
      .resize(outW, outH)
      .jpeg({ quality: 92 })
      .toBuffer();
    // Deterministic jitter, so the faces do not line up with tile borders in the same way.
    const jx = ((i * 37) % 11) / 11;
    const jy = ((i * 53) % 7) / 7;
    const x = (i % cols) * cellW + Math.round(jx * Math.max(0, cellW - outW));
    const y = Math.floor(i / cols) * cellH + Math.round(jy * Math.max(0, cellH - outH));
    composites.push({ input: tile, left: x, top: y });
    faces.push({
      person: source.person,
      box: {
        x: x + (box.x - left) * scale,
        y: y + (box.y - top) * scale,
        width: box.width * scale,
        height: box.height * scale,
      },
    });
  }
  const image = await sharp({
    create: { width, height, channels: 3, background: { r: 176, g: 168, b: 150 } },
  })
    .composite(composites)
    .jpeg({ quality: 90 })
    .toBuffer();
  return { image, width, height, faces };
}

/** Share of placed faces whose centre falls inside some detected box. */
export function detectionRecall(placed: { box: FaceBox }[], detected: { box: FaceBox }[]): number {
  const hit = placed.filter(({ box }) => {
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    return detected.some(
      (d) => cx >= d.box.x && cx <= d.box.x + d.box.width && cy >= d.box.y && cy <= d.box.y + d.box.height,
    );
  });
  return placed.length === 0 ? 0 : hit.length / placed.length;
}

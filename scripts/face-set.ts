import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadBackend, type LoadedBackend } from '../src/inference/backend';
import { analyzeImage, loadNets } from '../src/inference/pipeline';
import type { DetectedFace } from '../src/inference/types';

// Shared by the calibration script and the accuracy harness: runs the server's own inference
// pipeline over a face set laid out like ../shared/faces (people/<name>/*.jpg, groups/*.jpg).

export const PIPELINE_CONFIG = {
  maxPixels: 50_000_000,
  maxDimension: 1920,
  minDetectionScore: 0.4,
  minFaceSize: 20,
};

export interface PersonPhoto {
  person: string;
  file: string;
  face: DetectedFace | null;
}

let backendPromise: Promise<LoadedBackend> | undefined;
export function backend(): Promise<LoadedBackend> {
  backendPromise ??= (async () => {
    const b = await loadBackend((process.env.INFERENCE_BACKEND as 'wasm' | undefined) ?? 'auto');
    await loadNets(b);
    return b;
  })();
  return backendPromise;
}

/** The largest face of every single-person photo (null where none is found). */
export async function loadPeople(dir: string): Promise<PersonPhoto[]> {
  const b = await backend();
  const out: PersonPhoto[] = [];
  for (const person of (await readdir(path.join(dir, 'people'))).sort()) {
    for (const file of (await readdir(path.join(dir, 'people', person))).sort()) {
      const bytes = await readFile(path.join(dir, 'people', person, file));
      const analysis = await analyzeImage(b, bytes, PIPELINE_CONFIG, { maxFaces: 1 });
      out.push({ person, file, face: analysis.faces[0] ?? null });
    }
  }
  return out;
}

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseEnv } from '../src/config/env';
import { loadBackend } from '../src/inference/backend';
import { parseModelList } from '../src/inference/models';
import { analyzeImage, loadNets, type LoadedModels, type PipelineConfig } from '../src/inference/pipeline';
import type { AnalyzeOptions, DetectedFace, ImageAnalysis } from '../src/inference/types';

// Shared by the calibration script, the accuracy harness and the inference tests: runs the server's
// own inference pipeline over a face set laid out like ../shared/faces (people/<name>/*.jpg,
// groups/*.jpg).

/** The benches' backend: INFERENCE_BACKEND as the app reads it (src/config/env.ts). */
export const BACKEND = parseEnv({ INFERENCE_BACKEND: process.env.INFERENCE_BACKEND }).INFERENCE_BACKEND;

export const PIPELINE_CONFIG: PipelineConfig = {
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

let backendPromise: Promise<LoadedModels> | undefined;
/** One backend with face-api's nets and the embedding models of RECOGNITION_MODELS (default all). */
export function backend(): Promise<LoadedModels> {
  backendPromise ??= (async () => {
    const b = await loadBackend(BACKEND);
    const models = process.env.RECOGNITION_MODELS
      ? parseModelList(process.env.RECOGNITION_MODELS)
      : undefined;
    return loadNets(b, models);
  })();
  return backendPromise;
}

/**
 * Analyses one file. FACE_SET_CACHE=<file.json> keeps the results between runs (calibrate, then the
 * accuracy bench on the same analyses), keyed by the file's hash and the options but not by the
 * code: delete the file after changing the pipeline or the models. Unset in CI.
 */
export async function analyzeFile(file: string, options: AnalyzeOptions = {}): Promise<ImageAnalysis> {
  const bytes = await readFile(file);
  const cache = await openCache();
  const key = `${createHash('sha256').update(bytes).digest('hex')}:${JSON.stringify(options)}`;
  const hit = cache?.entries[key];
  if (hit) {
    return hit;
  }
  const analysis = await analyzeImage(await backend(), bytes, PIPELINE_CONFIG, {
    thumbnails: false,
    ...options,
  });
  if (cache) {
    cache.entries[key] = analysis;
    cache.dirty = true;
  }
  return analysis;
}

interface Cache {
  entries: Record<string, ImageAnalysis>;
  dirty: boolean;
}
let cachePromise: Promise<Cache | undefined> | undefined;
function openCache(): Promise<Cache | undefined> {
  cachePromise ??= (async () => {
    const file = process.env.FACE_SET_CACHE;
    if (!file) {
      return undefined;
    }
    const entries = existsSync(file)
      ? (JSON.parse(await readFile(file, 'utf8')) as Record<string, ImageAnalysis>)
      : {};
    return { entries, dirty: false };
  })();
  return cachePromise;
}

/** Writes the analysis cache back (a no-op without FACE_SET_CACHE). */
export async function saveCache(): Promise<void> {
  const cache = await openCache();
  if (cache?.dirty && process.env.FACE_SET_CACHE) {
    await writeFile(process.env.FACE_SET_CACHE, JSON.stringify(cache.entries));
    cache.dirty = false;
  }
}

/** The largest face of every single-person photo (null where none is found). */
export async function loadPeople(
  dir: string,
  only?: (person: string, file: string) => boolean,
): Promise<PersonPhoto[]> {
  const out: PersonPhoto[] = [];
  for (const person of (await readdir(path.join(dir, 'people'))).sort()) {
    for (const file of (await readdir(path.join(dir, 'people', person))).sort()) {
      if (only && !only(person, file)) {
        continue;
      }
      const analysis = await analyzeFile(path.join(dir, 'people', person, file), { maxFaces: 1 });
      out.push({ person, file, face: analysis.faces[0] ?? null });
    }
  }
  await saveCache();
  return out;
}

import type { AnalyzeOptions, DetectedFace, ImageAnalysis, InferenceEngine } from '../inference';

// The services' side of the issue-10 inference contract (brief: per-model embeddings, fused
// matcher). Kept as one seam so the services read the same names whatever the engine runs.

export type Embeddings = Record<string, number[]>;
export type { Candidate, FaceMatch as FusedMatch, FaceToMatch, RosterProfile } from '../inference/matcher';
export { matchFaces, scoreFace } from '../inference/matcher';

/** The models the engine loaded (a model that failed to load is absent), in preference order. */
export function engineModels(engine: InferenceEngine): string[] {
  return engine.models;
}

/** Every model's embedding of a detected face. */
export function faceEmbeddings(face: DetectedFace): Embeddings {
  return face.embeddings;
}

/** Runs only `models` (re-embedding a missing one costs that model alone). */
export function analyzeWithModels(
  engine: InferenceEngine,
  image: Uint8Array,
  models: string[],
  options: AnalyzeOptions = {},
): Promise<ImageAnalysis> {
  return engine.analyze(image, { ...options, models });
}

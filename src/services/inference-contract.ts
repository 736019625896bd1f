import type { AnalyzeOptions, DetectedFace, ImageAnalysis, InferenceEngine } from '../inference';
import { predict } from '../inference/calibration';
import { matchFaces as matchSingleModel, profileDistance, type MatchPolicy } from '../inference/matcher';

// The services' side of the issue-10 inference contract (brief: per-model embeddings, fused
// matcher). Until the ensemble lands this bridges to the single-model engine and matcher; once it
// does, each function here becomes a one-line pass-through, and nothing else in the services changes.

export type Embeddings = Record<string, number[]>;

export interface FaceToMatch {
  embeddings: Embeddings;
  quality: number;
}

export interface RosterProfile {
  studentId: string;
  /** Model id -> the student's embeddings under that model (a student may lack a model). */
  embeddings: Record<string, number[][]>;
}

export interface Candidate {
  studentId: string;
  confidence: number;
}

export interface FusedMatch {
  faceIndex: number;
  studentId: string | null;
  candidateStudentId: string | null;
  distance: number | null;
  confidence: number;
  decision: 'ACCEPT' | 'REVIEW' | 'UNKNOWN';
  models: string[];
  candidates: Candidate[];
}

/** The models the engine loaded, in preference order. */
export function engineModels(engine: InferenceEngine): string[] {
  return [engine.model];
}

/** Every model's embedding of a detected face. */
export function faceEmbeddings(face: DetectedFace, analysis: ImageAnalysis): Embeddings {
  return { [analysis.model]: face.descriptor };
}

/** Runs only `models` where the engine can (re-embedding one missing model). */
export function analyzeWithModels(
  engine: InferenceEngine,
  image: Uint8Array,
  _models: string[],
  options: AnalyzeOptions = {},
): Promise<ImageAnalysis> {
  return engine.analyze(image, options);
}

const primary = (embeddings: Record<string, unknown>, models: string[]) =>
  models.find((m) => m in embeddings);

export function matchFaces(faces: FaceToMatch[], roster: RosterProfile[], policy: MatchPolicy): FusedMatch[] {
  const models = [...new Set(faces.flatMap((f) => Object.keys(f.embeddings)))];
  const model = models[0];
  if (model === undefined) {
    return [];
  }
  const legacy = roster
    .map((r) => ({ studentId: r.studentId, descriptors: r.embeddings[model] ?? [] }))
    .filter((r) => r.descriptors.length > 0);
  const matches = matchSingleModel(
    faces.map((f) => ({ descriptor: f.embeddings[model] ?? [], quality: f.quality })),
    legacy,
    policy,
  );
  return matches.map((m) => ({
    faceIndex: m.faceIndex,
    studentId: m.studentId,
    candidateStudentId: m.candidateStudentId,
    distance: m.distance,
    confidence: m.confidence,
    decision: m.decision,
    models: [model],
    candidates: topCandidates(faces[m.faceIndex]!, roster, policy),
  }));
}

/** 1:1: how likely the face is this student (no runner-up, so the margin is the cap). */
export function scoreFace(
  face: FaceToMatch,
  profile: RosterProfile,
  policy: MatchPolicy,
): { confidence: number; models: string[] } {
  const model = primary(profile.embeddings, Object.keys(face.embeddings));
  const enrolled = model ? (profile.embeddings[model] ?? []) : [];
  if (!model || enrolled.length === 0) {
    return { confidence: 0, models: [] };
  }
  const distance = profileDistance(face.embeddings[model]!, enrolled);
  const confidence = predict(policy.calibration, {
    distance,
    margin: policy.calibration.maxMargin,
    quality: face.quality,
  });
  return { confidence, models: [model] };
}

function topCandidates(face: FaceToMatch, roster: RosterProfile[], policy: MatchPolicy, k = 3): Candidate[] {
  const model = Object.keys(face.embeddings)[0];
  if (!model) {
    return [];
  }
  const scored = roster
    .filter((r) => (r.embeddings[model]?.length ?? 0) > 0)
    .map((r) => ({
      studentId: r.studentId,
      distance: profileDistance(face.embeddings[model]!, r.embeddings[model]!),
    }))
    .filter((r) => r.distance <= policy.maxCandidateDistance)
    .sort((a, b) => a.distance - b.distance);
  return scored.slice(0, k).map((s, i) => ({
    studentId: s.studentId,
    confidence: predict(policy.calibration, {
      distance: s.distance,
      margin: Math.min(
        policy.calibration.maxMargin,
        i === 0 ? (scored[1]?.distance ?? Infinity) - s.distance : scored[0]!.distance - s.distance,
      ),
      quality: face.quality,
    }),
  }));
}

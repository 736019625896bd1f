import munkres from 'munkres';
import {
  DEFAULT_CALIBRATION,
  fuse,
  logit,
  MARGIN_CAP,
  type FusionCalibration,
  type ModelEvidence,
  type PairEvidence,
  type SubsetCalibration,
} from './calibration';

// Decides who is in a photo. Every embedding model scores every face against every enrolled student
// (cosine similarity to the student's nearest enrolled sample); the calibrated fusion turns those
// scores, the margins to the runner-up, the face's quality and the models' agreement into one
// probability per pair; an optimal one-to-one assignment runs on those probabilities; and the
// thresholds of the subset of models that scored the pair say mark, ask the teacher, or unknown.

export interface FaceToMatch {
  /** Model id -> L2-normalised embedding of this face. */
  embeddings: Record<string, number[]>;
  quality: number;
}

export interface RosterProfile {
  studentId: string;
  /** Model id -> the student's enrolled embeddings for that model (a model may be missing). */
  embeddings: Record<string, number[][]>;
}

/**
 * The matcher's verdict on one face; stored on `PhotoFace.decision` and registered there as the
 * GraphQL enum (an enum-like object so string literals stay assignable).
 */
export const MatchDecision = { ACCEPT: 'ACCEPT', REVIEW: 'REVIEW', UNKNOWN: 'UNKNOWN' } as const;
export type MatchDecision = (typeof MatchDecision)[keyof typeof MatchDecision];

export interface Candidate {
  studentId: string;
  confidence: number;
}

export interface FaceMatch {
  faceIndex: number;
  /** Set only when the decision is ACCEPT. */
  studentId: string | null;
  /** Best candidate even when rejected, for the teacher's review. */
  candidateStudentId: string | null;
  /** Fused probability that the candidate is this face's person (0 without a candidate). */
  confidence: number;
  decision: MatchDecision;
  /** Models whose scores the confidence came from (those both the face and the candidate have). */
  models: string[];
  /** Up to three students by fused confidence, best first. */
  candidates: Candidate[];
  /** Euclidean distance to the candidate in the first of `models` (for storage and debugging). */
  distance: number | null;
  /** Same, to the best other student. */
  secondDistance: number | null;
}

export interface MatchPolicy {
  calibration: FusionCalibration;
  /** Pairs below this fused confidence are never candidates (nobody looks that different from themselves). */
  minCandidateConfidence: number;
  /** Faces below this quality (0..1) are never marked automatically, only proposed for review. */
  minAcceptQuality: number;
}

export const DEFAULT_MATCH_POLICY: MatchPolicy = {
  calibration: DEFAULT_CALIBRATION,
  minCandidateConfidence: 0.01,
  minAcceptQuality: 0.25,
};

export function euclidean(a: number[], b: number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    sum += d * d;
  }
  return Math.sqrt(sum);
}

export function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / (Math.sqrt(na * nb) || 1);
}

/**
 * Similarity of a face to a student's samples: the nearest one. A profile holds several poses and
 * lightings; the nearest is the one taken in conditions most like this photo.
 */
export function profileSimilarity(embedding: number[], samples: number[][]): number {
  let best = Number.NEGATIVE_INFINITY;
  for (const s of samples) {
    if (s.length === embedding.length) {
      best = Math.max(best, cosine(embedding, s));
    }
  }
  return best;
}

/** Euclidean distance between unit vectors with this cosine similarity. */
const distanceOf = (similarity: number) => Math.sqrt(Math.max(0, 2 - 2 * similarity));

interface PairScore {
  confidence: number;
  models: string[];
  subset?: SubsetCalibration;
}

/** Per model: face x student similarity (NaN where either side lacks the model). */
function similarityTables(faces: FaceToMatch[], students: RosterProfile[], models: string[]) {
  return new Map(
    models.map((m) => [
      m,
      faces.map((f) =>
        students.map((s) => {
          const e = f.embeddings[m];
          const samples = s.embeddings[m];
          return e && samples && samples.length > 0 ? profileSimilarity(e, samples) : Number.NaN;
        }),
      ),
    ]),
  );
}

/**
 * The evidence for every face x student pair, per model: similarity, margin to the best other
 * student, and whether the student is that model's first choice. Used by the matcher and by the
 * calibration script, so both see exactly the same features.
 */
export function pairEvidence(
  faces: FaceToMatch[],
  students: RosterProfile[],
  models: string[],
): (face: number, student: number) => PairEvidence {
  const sims = similarityTables(faces, students, models);
  return (f, s) => {
    const perModel: Record<string, ModelEvidence> = {};
    for (const m of models) {
      const row = sims.get(m)![f]!;
      const own = row[s]!;
      if (!Number.isFinite(own)) {
        continue;
      }
      let other = Number.NEGATIVE_INFINITY;
      row.forEach((v, i) => {
        if (i !== s && Number.isFinite(v)) {
          other = Math.max(other, v);
        }
      });
      perModel[m] = {
        similarity: own,
        margin: Number.isFinite(other) ? own - other : MARGIN_CAP,
        top: own >= other ? 1 : 0,
        runnerUp: Number.isFinite(other) ? other : undefined,
      };
    }
    return { models: perModel, quality: faces[f]!.quality };
  };
}

export function matchFaces(
  faces: FaceToMatch[],
  roster: RosterProfile[],
  policy: MatchPolicy = DEFAULT_MATCH_POLICY,
): FaceMatch[] {
  const calibration = policy.calibration;
  const students = roster.filter((r) => Object.values(r.embeddings).some((e) => e.length > 0));
  const models = Object.keys(calibration.perModel);
  const evidence = pairEvidence(faces, students, models);

  const pairs = faces.map((_, f) => students.map((_, s) => evidence(f, s)));
  const scores: PairScore[][] = pairs.map((row) => row.map((e) => fuse(calibration, e, 'match')));

  // Maximum total log-odds over one-to-one assignments, where leaving a face unassigned scores 0:
  // a pair is assigned only when it is more likely right than wrong and no better use of either
  // side exists. Unassignable pairs cost more than any plausible assignment.
  const assigned = new Map<number, number>();
  if (faces.length > 0 && students.length > 0) {
    const forbidden = 1e6;
    const cost = scores.map((row, f) => [
      ...row.map((p) => (p.confidence >= policy.minCandidateConfidence ? -logit(p.confidence) : forbidden)),
      ...faces.map((_, g) => (g === f ? 0 : forbidden)),
    ]);
    for (const [f, s] of munkres(cost)) {
      if (s < students.length && cost[f]![s]! < 0) {
        assigned.set(f, s);
      }
    }
  }

  return faces.map((face, faceIndex) => {
    const row = scores[faceIndex] ?? [];
    const ranked = row
      .map((p, s) => ({ s, p }))
      .filter(({ p }) => p.confidence > 0)
      .sort((a, b) => b.p.confidence - a.p.confidence);
    const candidates = ranked
      .slice(0, 3)
      .map(({ s, p }) => ({ studentId: students[s]!.studentId, confidence: p.confidence }));
    const own = assigned.get(faceIndex);
    // A face that lost its best student to a likelier face keeps that student as a review candidate.
    const best = ranked[0];
    const candidate =
      own ?? (best && best.p.confidence >= policy.minCandidateConfidence ? best.s : undefined);
    if (candidate === undefined) {
      return {
        faceIndex,
        studentId: null,
        candidateStudentId: null,
        confidence: 0,
        decision: 'UNKNOWN' as const,
        models: [],
        candidates,
        distance: null,
        secondDistance: null,
      };
    }
    const score = row[candidate]!;
    const subset = score.subset!;
    const decision: MatchDecision =
      own !== undefined &&
      score.confidence >= subset.acceptConfidence &&
      face.quality >= policy.minAcceptQuality
        ? 'ACCEPT'
        : score.confidence >= subset.reviewConfidence
          ? 'REVIEW'
          : 'UNKNOWN';
    const reference = pairs[faceIndex]![candidate]!.models[score.models[0]!]!;
    return {
      faceIndex,
      studentId: decision === 'ACCEPT' ? students[candidate]!.studentId : null,
      candidateStudentId: students[candidate]!.studentId,
      confidence: score.confidence,
      decision,
      models: score.models,
      candidates,
      distance: distanceOf(reference.similarity),
      secondDistance: reference.runnerUp === undefined ? null : distanceOf(reference.runnerUp),
    };
  });
}

export interface FaceScore {
  /** Calibrated probability that the face is the student (1:1, no runner-up involved). */
  confidence: number;
  /** Models the confidence came from (empty when the face and profile share no calibrated model). */
  models: string[];
  /** Whether the confidence reaches the subset's verification threshold. */
  verified: boolean;
}

/** 1:1: how likely this face is this student, from the models both have. */
export function scoreFace(
  face: FaceToMatch,
  profile: RosterProfile,
  policy: MatchPolicy = DEFAULT_MATCH_POLICY,
): FaceScore {
  const perModel: Record<string, ModelEvidence> = {};
  for (const m of Object.keys(policy.calibration.perModel)) {
    const e = face.embeddings[m];
    const samples = profile.embeddings[m];
    if (e && samples && samples.length > 0) {
      perModel[m] = { similarity: profileSimilarity(e, samples), top: 1 };
    }
  }
  const fused = fuse(policy.calibration, { models: perModel, quality: face.quality }, 'verify');
  return {
    confidence: fused.confidence,
    models: fused.models,
    verified: fused.subset !== undefined && fused.confidence >= fused.subset.verifyConfidence,
  };
}

import munkres from 'munkres';
import { DEFAULT_CALIBRATION, predict, type CalibrationModel } from './calibration';

// Decides who is in a photo: an optimal one-to-one assignment of faces to enrolled students, then a
// calibrated confidence per assignment that says whether to mark, ask the teacher, or call it unknown.

export interface FaceToMatch {
  descriptor: number[];
  quality: number;
}

export interface RosterProfile {
  studentId: string;
  descriptors: number[][];
}

export type Decision = 'ACCEPT' | 'REVIEW' | 'UNKNOWN';

export interface FaceMatch {
  faceIndex: number;
  /** Set only when the decision is ACCEPT. */
  studentId: string | null;
  /** Best candidate even when rejected, for the teacher's review. */
  candidateStudentId: string | null;
  distance: number | null;
  secondDistance: number | null;
  confidence: number;
  decision: Decision;
}

export interface MatchPolicy {
  calibration: CalibrationModel;
  /** Pairs farther apart than this are never assigned (nobody looks that different from themselves). */
  maxCandidateDistance: number;
  /** Faces below this quality (0..1) are never marked automatically, only proposed for review. */
  minAcceptQuality: number;
}

export const DEFAULT_MATCH_POLICY: MatchPolicy = {
  calibration: DEFAULT_CALIBRATION,
  maxCandidateDistance: 0.8,
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

/**
 * Distance from a face to a student's profile: the nearest of their enrolled faces. A profile holds
 * several poses and lightings; the nearest one is the one taken in conditions most like this photo.
 */
export function profileDistance(descriptor: number[], profile: number[][]): number {
  let best = Number.POSITIVE_INFINITY;
  for (const enrolled of profile) {
    best = Math.min(best, euclidean(descriptor, enrolled));
  }
  return best;
}

export function matchFaces(
  faces: FaceToMatch[],
  roster: RosterProfile[],
  policy: MatchPolicy = DEFAULT_MATCH_POLICY,
): FaceMatch[] {
  const students = roster.filter((r) => r.descriptors.length > 0);
  const distances = faces.map((f) => students.map((s) => profileDistance(f.descriptor, s.descriptors)));
  const assigned = new Map<number, number>();
  if (faces.length > 0 && students.length > 0) {
    // Implausible pairs cost more than any plausible assignment, so they are chosen only when
    // nothing else is left, and are then discarded.
    const forbidden = 1e6;
    const cost = distances.map((row) => row.map((d) => (d <= policy.maxCandidateDistance ? d : forbidden)));
    for (const [f, s] of munkres(cost)) {
      if (cost[f]![s]! < forbidden) {
        assigned.set(f, s);
      }
    }
  }

  return faces.map((face, faceIndex) => {
    const row = distances[faceIndex] ?? [];
    const own = assigned.get(faceIndex);
    // A face that lost its nearest student to a closer face keeps that student as a review candidate.
    const candidate = own ?? argmin(row, policy.maxCandidateDistance);
    if (candidate === undefined) {
      return {
        faceIndex,
        studentId: null,
        candidateStudentId: null,
        distance: row.length ? Math.min(...row) : null,
        secondDistance: null,
        confidence: 0,
        decision: 'UNKNOWN' as const,
      };
    }
    const distance = row[candidate]!;
    const others = row.filter((_, i) => i !== candidate);
    const secondDistance = others.length ? Math.min(...others) : null;
    const confidence = predict(policy.calibration, {
      distance,
      margin: secondDistance === null ? policy.calibration.maxMargin : secondDistance - distance,
      quality: face.quality,
    });
    const decision: Decision =
      own !== undefined &&
      confidence >= policy.calibration.acceptConfidence &&
      face.quality >= policy.minAcceptQuality
        ? 'ACCEPT'
        : confidence >= policy.calibration.reviewConfidence
          ? 'REVIEW'
          : 'UNKNOWN';
    return {
      faceIndex,
      studentId: decision === 'ACCEPT' ? students[candidate]!.studentId : null,
      candidateStudentId: students[candidate]!.studentId,
      distance,
      secondDistance,
      confidence,
      decision,
    };
  });
}

function argmin(values: number[], max: number): number | undefined {
  let best: number | undefined;
  values.forEach((v, i) => {
    if (v <= max && (best === undefined || v < values[best]!)) {
      best = i;
    }
  });
  return best;
}

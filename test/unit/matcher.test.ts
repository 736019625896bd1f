import { describe, expect, it } from 'vitest';
import type { FusionCalibration } from '../../src/inference/calibration';
import { matchFaces, scoreFace, type MatchPolicy } from '../../src/inference/matcher';

// Unit vectors in a small space stand in for embeddings: similarities are exact and easy to reason
// about. The calibration is a hand-made one for model "m" (similarity counts, margin counts more),
// so the tests pin the matcher's logic, not the fitted numbers.
const unit = (...v: number[]) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};
const calibration: FusionCalibration = {
  perModel: {
    m: { match: { bias: -8, weights: [10, 20] }, verify: { bias: -8, weights: [10] } },
  },
  subsets: {
    m: {
      models: ['m'],
      match: { bias: 0, weights: [1, 0, 0] },
      verify: { bias: 0, weights: [1, 0] },
      acceptConfidence: 0.9,
      reviewConfidence: 0.1,
      verifyConfidence: 0.5,
    },
  },
};
const policy: MatchPolicy = { calibration, minCandidateConfidence: 0.01, minAcceptQuality: 0.25 };
const face = (v: number[], quality = 1) => ({ embeddings: { m: v }, quality });
const student = (studentId: string, ...samples: number[][]) => ({ studentId, embeddings: { m: samples } });

describe(matchFaces.name, () => {
  it('assigns optimally, where greedy nearest-neighbour would give one student two faces', () => {
    // Face 0 is nearest to A but also close to B; face 1 is only close to A. Greedy gives both to A;
    // the assignment gives A to face 1 and B to face 0.
    const result = matchFaces(
      [face(unit(0.97, 0.24, 0)), face(unit(1, -0.05, 0))],
      [student('A', unit(1, 0, 0)), student('B', unit(0.9, 0.44, 0))],
      {
        ...policy,
        calibration: { ...calibration, subsets: { m: { ...calibration.subsets.m!, acceptConfidence: 0 } } },
      },
    );
    expect(result.map((r) => r.candidateStudentId)).toEqual(['B', 'A']);
    const students = result.filter((r) => r.decision === 'ACCEPT').map((r) => r.studentId);
    expect(new Set(students).size).toBe(students.length);
  });

  it('never marks one student twice in a photo', () => {
    const faces = [0, 0.01, 0.02].map((e) => face(unit(1, e, 0)));
    const result = matchFaces(faces, [student('A', unit(1, 0, 0))], policy);
    expect(result.filter((r) => r.studentId === 'A')).toHaveLength(1);
    expect(result.filter((r) => r.decision !== 'ACCEPT').every((r) => r.studentId === null)).toBe(true);
  });

  it('leaves a stranger far from everyone unknown, with no candidate', () => {
    const result = matchFaces(
      [face(unit(0, 0, 1))],
      [student('A', unit(1, 0, 0)), student('B', unit(0, 1, 0))],
      policy,
    );
    expect(result[0]).toMatchObject({ decision: 'UNKNOWN', studentId: null, candidateStudentId: null });
  });

  it('uses the nearest of a student’s several enrolled faces', () => {
    const result = matchFaces(
      [face(unit(0, 1, 0))],
      [student('A', unit(1, 0, 0), unit(0, 1, 0.01)), student('B', unit(0, 0, 1))],
      policy,
    );
    expect(result[0]?.candidateStudentId).toBe('A');
    expect(result[0]?.distance).toBeLessThan(0.02);
    expect(result[0]?.models).toEqual(['m']);
  });

  it('proposes a poor-quality face for review instead of marking it', () => {
    const roster = [student('A', unit(1, 0, 0))];
    expect(matchFaces([face(unit(1, 0, 0))], roster, policy)[0]?.decision).toBe('ACCEPT');
    expect(matchFaces([face(unit(1, 0, 0), 0.1)], roster, policy)[0]?.decision).toBe('REVIEW');
  });

  it('lists up to three candidates, best first', () => {
    const roster = ['A', 'B', 'C', 'D'].map((id, i) => student(id, unit(1, 0.1 * i, 0)));
    const [result] = matchFaces([face(unit(1, 0, 0))], roster, policy);
    expect(result?.candidates.map((c) => c.studentId)).toEqual(['A', 'B', 'C']);
    const confidences = result!.candidates.map((c) => c.confidence);
    expect([...confidences].sort((x, y) => y - x)).toEqual(confidences);
  });

  it('scores one face against one profile', () => {
    expect(scoreFace(face(unit(1, 0, 0)), student('A', unit(1, 0.01, 0)), policy)).toMatchObject({
      models: ['m'],
      verified: true,
    });
    const far = scoreFace(face(unit(0, 1, 0)), student('A', unit(1, 0, 0)), policy);
    expect(far.verified).toBe(false);
    expect(far.confidence).toBeLessThan(0.01);
  });

  it('handles an empty roster and an empty photo', () => {
    expect(matchFaces([], [student('A', unit(1, 0))], policy)).toEqual([]);
    expect(matchFaces([face(unit(1, 0))], [], policy)[0]?.decision).toBe('UNKNOWN');
  });
});

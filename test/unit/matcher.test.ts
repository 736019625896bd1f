import { describe, expect, it } from 'vitest';
import { DEFAULT_CALIBRATION } from '../../src/inference/calibration';
import { matchFaces, type MatchPolicy } from '../../src/inference/matcher';

// Unit vectors in a small space stand in for descriptors: distances are exact and easy to reason about.
const unit = (...v: number[]) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};
const policy: MatchPolicy = {
  calibration: DEFAULT_CALIBRATION,
  maxCandidateDistance: 0.8,
  minAcceptQuality: 0.25,
};

describe(matchFaces.name, () => {
  it('assigns optimally, where greedy nearest-neighbour would give one student two faces', () => {
    // Face 0 is nearest to A but also close to B; face 1 is only close to A. Greedy gives both to A;
    // the assignment gives A to face 1 and B to face 0.
    const a = unit(1, 0, 0);
    const b = unit(0.9, 0.44, 0);
    const faces = [
      { descriptor: unit(0.97, 0.24, 0), quality: 1 },
      { descriptor: unit(1, -0.05, 0), quality: 1 },
    ];
    const result = matchFaces(
      faces,
      [
        { studentId: 'A', descriptors: [a] },
        { studentId: 'B', descriptors: [b] },
      ],
      { ...policy, calibration: { ...DEFAULT_CALIBRATION, acceptConfidence: 0, reviewConfidence: 0 } },
    );
    expect(result.map((r) => r.candidateStudentId)).toEqual(['B', 'A']);
    const students = result.filter((r) => r.decision === 'ACCEPT').map((r) => r.studentId);
    expect(new Set(students).size).toBe(students.length);
  });

  it('never marks one student twice in a photo', () => {
    const a = unit(1, 0, 0);
    const faces = [0, 0.01, 0.02].map((e) => ({ descriptor: unit(1, e, 0), quality: 1 }));
    const result = matchFaces(faces, [{ studentId: 'A', descriptors: [a] }], policy);
    expect(result.filter((r) => r.studentId === 'A')).toHaveLength(1);
    expect(result.filter((r) => r.decision !== 'ACCEPT').every((r) => r.studentId === null)).toBe(true);
  });

  it('leaves a stranger far from everyone unknown, with no candidate', () => {
    const result = matchFaces(
      [{ descriptor: unit(0, 0, 1), quality: 1 }],
      [
        { studentId: 'A', descriptors: [unit(1, 0, 0)] },
        { studentId: 'B', descriptors: [unit(0, 1, 0)] },
      ],
      policy,
    );
    expect(result[0]).toMatchObject({ decision: 'UNKNOWN', studentId: null, candidateStudentId: null });
  });

  it('uses the nearest of a student’s several enrolled faces', () => {
    const result = matchFaces(
      [{ descriptor: unit(0, 1, 0), quality: 1 }],
      [
        { studentId: 'A', descriptors: [unit(1, 0, 0), unit(0, 1, 0.01)] },
        { studentId: 'B', descriptors: [unit(0, 0, 1)] },
      ],
      policy,
    );
    expect(result[0]?.candidateStudentId).toBe('A');
    expect(result[0]?.distance).toBeLessThan(0.02);
  });

  it('proposes a poor-quality face for review instead of marking it', () => {
    const roster = [{ studentId: 'A', descriptors: [unit(1, 0, 0)] }];
    expect(matchFaces([{ descriptor: unit(1, 0, 0), quality: 1 }], roster, policy)[0]?.decision).toBe(
      'ACCEPT',
    );
    expect(matchFaces([{ descriptor: unit(1, 0, 0), quality: 0.1 }], roster, policy)[0]?.decision).toBe(
      'REVIEW',
    );
  });

  it('handles an empty roster and an empty photo', () => {
    expect(matchFaces([], [{ studentId: 'A', descriptors: [unit(1, 0)] }], policy)).toEqual([]);
    expect(matchFaces([{ descriptor: unit(1, 0), quality: 1 }], [], policy)[0]?.decision).toBe('UNKNOWN');
  });
});

import calibrationFile from '../../models/calibration.json';

// Turns match evidence into the probability that a match is right, with logistic regression fitted
// offline (scripts/calibrate.ts) on labelled match events and checked on identities it never saw.

export interface MatchEvidence {
  /** Euclidean distance between the face and the candidate's profile (unit-norm descriptors). */
  distance: number;
  /** Distance to the best other student minus `distance` (capped): how clearly this candidate wins. */
  margin: number;
  /** Face quality 0..1. */
  quality: number;
}

export interface CalibrationModel {
  bias: number;
  weights: { distance: number; margin: number; quality: number };
  /** Confidence at or above which a match marks the student present. */
  acceptConfidence: number;
  /** Confidence at or above which a face is proposed to the teacher instead of called unknown. */
  reviewConfidence: number;
  /** Margins are capped here (a single-student roster has no runner-up). */
  maxMargin: number;
}

export const MARGIN_CAP = 0.4;

export function features(e: MatchEvidence, maxMargin = MARGIN_CAP): [number, number, number] {
  return [e.distance, Math.min(e.margin, maxMargin), e.quality];
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function predict(model: CalibrationModel, e: MatchEvidence): number {
  const [d, m, q] = features(e, model.maxMargin);
  return sigmoid(
    model.bias + model.weights.distance * d + model.weights.margin * m + model.weights.quality * q,
  );
}

export interface Sample {
  evidence: MatchEvidence;
  /** 1 when the candidate is the right person. */
  label: 0 | 1;
}

/**
 * Fits logistic regression by Newton's method (IRLS) with a small ridge penalty, which converges in a
 * few iterations on three features and needs no learning rate.
 */
export function fitCalibration(
  samples: Sample[],
  ridge = 1e-3,
  iterations = 50,
): Pick<CalibrationModel, 'bias' | 'weights'> {
  const xs = samples.map((s) => [1, ...features(s.evidence)]);
  const ys = samples.map((s) => s.label);
  let w = [0, 0, 0, 0];
  for (let it = 0; it < iterations; it++) {
    const grad = [0, 0, 0, 0];
    const hess = [0, 1, 2, 3].map(() => [0, 0, 0, 0]);
    xs.forEach((x, i) => {
      const p = sigmoid(x.reduce((s, v, k) => s + v * w[k]!, 0));
      const r = p - ys[i]!;
      for (let a = 0; a < 4; a++) {
        grad[a]! += r * x[a]!;
        for (let b = 0; b < 4; b++) {
          hess[a]![b]! += p * (1 - p) * x[a]! * x[b]!;
        }
      }
    });
    for (let a = 1; a < 4; a++) {
      grad[a]! += ridge * w[a]!;
      hess[a]![a]! += ridge;
    }
    const step = solve(hess, grad);
    w = w.map((v, k) => v - step[k]!);
    if (Math.max(...step.map(Math.abs)) < 1e-8) {
      break;
    }
  }
  return { bias: w[0]!, weights: { distance: w[1]!, margin: w[2]!, quality: w[3]! } };
}

/** Gaussian elimination with partial pivoting for the small Newton system. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) {
      if (Math.abs(m[r]![c]!) > Math.abs(m[pivot]![c]!)) {
        pivot = r;
      }
    }
    [m[c], m[pivot]] = [m[pivot]!, m[c]!];
    const div = m[c]![c]! || 1e-12;
    for (let r = 0; r < n; r++) {
      if (r !== c) {
        const f = m[r]![c]! / div;
        for (let k = c; k <= n; k++) {
          m[r]![k]! -= f * m[c]![k]!;
        }
      }
    }
  }
  return m.map((row, i) => row[n]! / (m[i]![i]! || 1e-12));
}

/** Expected calibration error: the gap between predicted and observed rates, averaged over bins. */
export function expectedCalibrationError(predictions: number[], labels: number[], bins = 10): number {
  let total = 0;
  for (let b = 0; b < bins; b++) {
    const idx = predictions
      .map((p, i) => ({ p, i }))
      .filter(({ p }) => (b === bins - 1 ? p >= b / bins : p >= b / bins && p < (b + 1) / bins));
    if (idx.length === 0) {
      continue;
    }
    const meanP = idx.reduce((s, x) => s + x.p, 0) / idx.length;
    const meanY = idx.reduce((s, x) => s + labels[x.i]!, 0) / idx.length;
    total += (idx.length / predictions.length) * Math.abs(meanP - meanY);
  }
  return total;
}

/**
 * The lowest threshold whose false-accept rate on negative scores stays at or below `far`
 * (strictly above the k-th highest negative, k = floor(far * n)).
 */
export function thresholdAtFar(negativeScores: number[], far: number): number {
  const sorted = [...negativeScores].sort((x, y) => y - x);
  const allowed = Math.floor(far * sorted.length);
  const boundary = sorted[allowed];
  return boundary === undefined ? 0 : Math.min(1, boundary + 1e-6);
}

export const DEFAULT_CALIBRATION: CalibrationModel = {
  bias: calibrationFile.model.bias,
  weights: calibrationFile.model.weights,
  acceptConfidence: calibrationFile.model.acceptConfidence,
  reviewConfidence: calibrationFile.model.reviewConfidence,
  maxMargin: calibrationFile.model.maxMargin,
};

import calibrationFile from '../../models/calibration.json';

// Turns match evidence into the probability that a match is right. Two levels, both logistic
// regression fitted offline (scripts/calibrate.ts) on labelled match events and checked on
// identities they never saw:
//   1. per model: the model's similarity to the candidate and its margin to the runner-up -> a
//      calibrated log-odds for that model alone;
//   2. per model subset: those log-odds, the face's quality and the models' agreement -> the fused
//      confidence. A pair that only has some models' embeddings (a model failed to load, a student
//      not yet re-embedded) uses the fusion fitted for exactly that subset.
// A 1:1 check (verifyFace) has no runner-up, so it has its own fits without the margin.

/** Margins (cosine similarity to this candidate minus the best other one) are clipped to +-this. */
export const MARGIN_CAP = 0.4;

export interface ModelEvidence {
  /** Cosine similarity between the face and the candidate's nearest enrolled embedding. */
  similarity: number;
  /** similarity minus the best other student's (clipped to +-MARGIN_CAP); absent in a 1:1 check. */
  margin?: number;
  /** Whether this candidate is the model's own nearest student (1) or not (0). */
  top: number;
  /** The best other student's similarity (absent when there is none). */
  runnerUp?: number;
}

export interface PairEvidence {
  /** Evidence per model id, for the models both the face and the student have. */
  models: Record<string, ModelEvidence>;
  /** Face quality 0..1. */
  quality: number;
}

export interface LogisticModel {
  bias: number;
  weights: number[];
}

export interface ModelCalibration {
  /** Features: [similarity, margin] for matching, [similarity] for 1:1. */
  match: LogisticModel;
  verify: LogisticModel;
}

export interface SubsetCalibration {
  /** Model ids of this subset, in canonical order. */
  models: string[];
  /** Features: [logit per model (in `models` order), quality, agreement]. */
  match: LogisticModel;
  /** Features: [logit per model, quality]. */
  verify: LogisticModel;
  /** Fused confidence at or above which a match marks the student present. */
  acceptConfidence: number;
  /** Fused confidence at or above which a face is proposed to the teacher instead of called unknown. */
  reviewConfidence: number;
  /** 1:1 confidence at or above which verifyFace says "same person". */
  verifyConfidence: number;
}

export interface FusionCalibration {
  perModel: Record<string, ModelCalibration>;
  /** Keyed by subsetKey(models). */
  subsets: Record<string, SubsetCalibration>;
}

export const subsetKey = (models: string[]): string => [...models].sort().join('+');

export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
const logit = (p: number) => Math.log(Math.max(1e-9, p) / Math.max(1e-9, 1 - p));

function linear(model: LogisticModel, x: number[]): number {
  return model.weights.reduce((s, w, i) => s + w * (x[i] ?? 0), model.bias);
}

const clipMargin = (m: number) => Math.max(-MARGIN_CAP, Math.min(MARGIN_CAP, m));

/** One model's calibrated log-odds that the candidate is the person. */
export function modelLogit(cal: ModelCalibration, e: ModelEvidence, mode: 'match' | 'verify'): number {
  return mode === 'match'
    ? linear(cal.match, [e.similarity, clipMargin(e.margin ?? MARGIN_CAP)])
    : linear(cal.verify, [e.similarity]);
}

/** The calibrated subset for these models: exact when fitted, else the largest fitted one inside it. */
export function subsetFor(cal: FusionCalibration, models: string[]): SubsetCalibration | undefined {
  const exact = cal.subsets[subsetKey(models)];
  if (exact) {
    return exact;
  }
  return Object.values(cal.subsets)
    .filter((s) => s.models.every((m) => models.includes(m)))
    .sort((a, b) => b.models.length - a.models.length)[0];
}

/** Fusion features of one pair for a subset: per-model logits, then quality (and agreement). */
export function fusionFeatures(
  perModel: Record<string, ModelCalibration>,
  models: string[],
  e: PairEvidence,
  mode: 'match' | 'verify',
): number[] {
  const logits = models.map((m) => modelLogit(perModel[m]!, e.models[m]!, mode));
  if (mode === 'verify') {
    return [...logits, e.quality];
  }
  const agreement = models.reduce((s, m) => s + e.models[m]!.top, 0) / models.length;
  return [...logits, e.quality, agreement];
}

export interface Fused {
  confidence: number;
  /** The models the confidence came from (empty: no calibrated model in common). */
  models: string[];
  subset?: SubsetCalibration;
}

/** The fused probability that the pair is the same person, with the models it used. */
export function fuse(cal: FusionCalibration, e: PairEvidence, mode: 'match' | 'verify' = 'match'): Fused {
  const available = Object.keys(e.models).filter((m) => cal.perModel[m]);
  const subset = subsetFor(cal, available);
  if (!subset) {
    return { confidence: 0, models: [] };
  }
  const x = fusionFeatures(cal.perModel, subset.models, e, mode);
  return { confidence: sigmoid(linear(subset[mode], x)), models: subset.models, subset };
}

/**
 * Fits logistic regression by Newton's method (IRLS) with a small ridge penalty (not on the bias):
 * a few iterations on a handful of features, no learning rate to tune.
 */
export function fitLogistic(xs: number[][], ys: number[], ridge = 1e-2, iterations = 60): LogisticModel {
  const n = (xs[0]?.length ?? 0) + 1;
  const rows = xs.map((x) => [1, ...x]);
  let w = new Array<number>(n).fill(0);
  for (let it = 0; it < iterations; it++) {
    const grad = new Array<number>(n).fill(0);
    const hess = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    rows.forEach((x, i) => {
      const p = sigmoid(x.reduce((s, v, k) => s + v * w[k]!, 0));
      const r = p - ys[i]!;
      const h = Math.max(p * (1 - p), 1e-9);
      for (let a = 0; a < n; a++) {
        grad[a]! += r * x[a]!;
        for (let b = 0; b < n; b++) {
          hess[a]![b]! += h * x[a]! * x[b]!;
        }
      }
    });
    for (let a = 1; a < n; a++) {
      grad[a]! += ridge * w[a]!;
      hess[a]![a]! += ridge;
    }
    const step = solve(hess, grad);
    w = w.map((v, k) => v - step[k]!);
    if (Math.max(...step.map(Math.abs)) < 1e-8) {
      break;
    }
  }
  return { bias: w[0]!, weights: w.slice(1) };
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

export interface LabelledPair {
  evidence: PairEvidence;
  /** 1 when the candidate is the right person. */
  label: 0 | 1;
}

/** A subset's fitted fusion, before thresholds are chosen on held-back data. */
export type FittedSubset = Omit<
  SubsetCalibration,
  'acceptConfidence' | 'reviewConfidence' | 'verifyConfidence'
>;

/**
 * Fits every level for the given models: each model alone, then the fusion of every non-empty
 * subset (so any degradation has its own calibration). Thresholds are chosen by the caller.
 */
export function fitFusion(
  models: string[],
  pairs: LabelledPair[],
  verifyPairs: LabelledPair[],
): { perModel: Record<string, ModelCalibration>; subsets: Record<string, FittedSubset> } {
  const ys = pairs.map((p) => p.label);
  const vys = verifyPairs.map((p) => p.label);
  const perModel: Record<string, ModelCalibration> = {};
  for (const m of models) {
    perModel[m] = {
      match: fitLogistic(
        pairs.map((p) => {
          const e = p.evidence.models[m]!;
          return [e.similarity, clipMargin(e.margin ?? MARGIN_CAP)];
        }),
        ys,
      ),
      verify: fitLogistic(
        verifyPairs.map((p) => [p.evidence.models[m]!.similarity]),
        vys,
      ),
    };
  }
  const subsets: Record<string, FittedSubset> = {};
  for (const subset of nonEmptySubsets(models)) {
    subsets[subsetKey(subset)] = {
      models: subset,
      match: fitLogistic(
        pairs.map((p) => fusionFeatures(perModel, subset, p.evidence, 'match')),
        ys,
      ),
      verify: fitLogistic(
        verifyPairs.map((p) => fusionFeatures(perModel, subset, p.evidence, 'verify')),
        vys,
      ),
    };
  }
  return { perModel, subsets };
}

/** Every non-empty subset, keeping the canonical order inside each. */
export function nonEmptySubsets(models: string[]): string[][] {
  const out: string[][] = [];
  for (let mask = 1; mask < 1 << models.length; mask++) {
    out.push(models.filter((_, i) => mask & (1 << i)));
  }
  return out;
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

export { logit };

/** The calibration shipped in models/calibration.json (written by `npm run calibrate`). */
export const DEFAULT_CALIBRATION: FusionCalibration = {
  perModel: calibrationFile.perModel,
  subsets: calibrationFile.subsets,
};

import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  expectedCalibrationError,
  fitFusion,
  fuse,
  nonEmptySubsets,
  subsetKey,
  thresholdAtFar,
  type FusionCalibration,
  type LabelledPair,
  type SubsetCalibration,
} from '../src/inference/calibration';
import { KNOWN_MODELS } from '../src/inference/models';
import { loadPeople, type PersonPhoto } from './face-set';
import { matchEvents, restrict, shuffled, verifyView, type EventGroup } from './match-events';

// Fits the calibrated fusion on the single-person photos (never on the group photos, which are the
// evaluation set), checks it on identities it was not fitted on, and writes models/calibration.json.
//   npm run calibrate [-- FACES_DIR]
//
// Held-out check: the identities are split in two halves, SPLITS times with different seeds; each
// half is fitted and the other half scored, so every held-out prediction comes from a fit that never
// saw that person. Thresholds come from those held-out predictions (false-accept rates measured on
// people the fit did not see); the shipped weights are then fitted on every identity.

const FACES = process.argv[2] ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'faces');
/** Accept: at most this share of wrong first choices (strangers and confusions) marked. */
const TARGET_FAR = 0.01;
/** Review: propose a face unless it is less likely than the best 20% of wrong first choices. */
const REVIEW_FAR = 0.2;
/** verifyFace: at most this share of impostor pairs called "same person". */
const VERIFY_FAR = 0.01;
const SPLITS = 10;

interface Scored {
  confidence: number;
  label: number;
}

interface HeldOut {
  decisions: Scored[];
  verify: Scored[];
  splitEce: number[];
}

/** The matcher's choice in each situation: the most confident pair, scored with `cal` on `models` only. */
function decisions(cal: FusionCalibration, groups: EventGroup[], models: string[]): Scored[] {
  return groups.map((g) => {
    let best: Scored = { confidence: 0, label: 0 };
    for (const p of g.pairs) {
      const confidence = fuse(cal, restrict(p, models).evidence, 'match').confidence;
      if (confidence > best.confidence) {
        best = { confidence, label: p.label };
      }
    }
    return best;
  });
}

const flatten = (groups: EventGroup[]): LabelledPair[] => groups.flatMap((g) => g.pairs);

/** A calibration usable by fuse() before thresholds exist. */
function provisional(fitted: ReturnType<typeof fitFusion>): FusionCalibration {
  const subsets: Record<string, SubsetCalibration> = {};
  for (const [key, s] of Object.entries(fitted.subsets)) {
    subsets[key] = { ...s, acceptConfidence: 1, reviewConfidence: 1, verifyConfidence: 1 };
  }
  return { perModel: fitted.perModel, subsets };
}

const round = (v: number) => Math.round(v * 1e4) / 1e4;
const roundModel = (m: { bias: number; weights: number[] }) => ({
  bias: round(m.bias),
  weights: m.weights.map(round),
});

function summary(scored: Scored[], threshold: number) {
  const pos = scored.filter((s) => s.label === 1);
  const neg = scored.filter((s) => s.label === 0);
  return {
    events: scored.length,
    right: pos.length,
    wrong: neg.length,
    acceptedRight: round(pos.filter((s) => s.confidence >= threshold).length / Math.max(1, pos.length)),
    acceptedWrong: round(neg.filter((s) => s.confidence >= threshold).length / Math.max(1, neg.length)),
  };
}

export async function main(): Promise<void> {
  const photos: PersonPhoto[] = await loadPeople(FACES);
  const models = KNOWN_MODELS.filter((m) => photos.some((p) => p.face?.embeddings[m]));
  const subsets = nonEmptySubsets(models);
  const identities = [...new Set(photos.map((p) => p.person))].sort();

  const heldOut = new Map<string, HeldOut>(
    subsets.map((s) => [subsetKey(s), { decisions: [], verify: [], splitEce: [] }]),
  );
  for (let split = 0; split < SPLITS / 2; split++) {
    const order = shuffled(identities, split + 1);
    const halves = [new Set(order.slice(0, order.length / 2)), new Set(order.slice(order.length / 2))];
    for (const [fitOn, testOn] of [
      [halves[0]!, halves[1]!],
      [halves[1]!, halves[0]!],
    ] as const) {
      const fitGroups = matchEvents(photos, fitOn, models);
      const testGroups = matchEvents(photos, testOn, models);
      const fitPairs = flatten(fitGroups);
      const cal = provisional(fitFusion(models, fitPairs, fitPairs.map(verifyView)));
      for (const subset of subsets) {
        const h = heldOut.get(subsetKey(subset))!;
        const d = decisions(cal, testGroups, subset);
        h.decisions.push(...d);
        h.splitEce.push(
          expectedCalibrationError(
            d.map((x) => x.confidence),
            d.map((x) => x.label),
          ),
        );
        for (const p of flatten(testGroups)) {
          const v = verifyView(restrict(p, subset));
          h.verify.push({ confidence: fuse(cal, v.evidence, 'verify').confidence, label: p.label });
        }
      }
    }
  }

  const allGroups = matchEvents(photos, new Set(identities), models);
  const allPairs = flatten(allGroups);
  const fitted = fitFusion(models, allPairs, allPairs.map(verifyView));
  const out: FusionCalibration = { perModel: {}, subsets: {} };
  for (const [m, c] of Object.entries(fitted.perModel)) {
    out.perModel[m] = { match: roundModel(c.match), verify: roundModel(c.verify) };
  }
  const report: Record<string, unknown> = {};
  for (const subset of subsets) {
    const key = subsetKey(subset);
    const h = heldOut.get(key)!;
    const negatives = h.decisions.filter((d) => d.label === 0).map((d) => d.confidence);
    // Never below an even chance: a mark must be more likely right than wrong.
    const accept = Math.max(0.5, thresholdAtFar(negatives, TARGET_FAR));
    const review = Math.min(accept, Math.max(0.02, thresholdAtFar(negatives, REVIEW_FAR)));
    const verifyNegatives = h.verify.filter((d) => d.label === 0).map((d) => d.confidence);
    const verify = Math.max(0.5, thresholdAtFar(verifyNegatives, VERIFY_FAR));
    out.subsets[key] = {
      models: subset,
      match: roundModel(fitted.subsets[key]!.match),
      verify: roundModel(fitted.subsets[key]!.verify),
      acceptConfidence: round(accept),
      reviewConfidence: round(review),
      verifyConfidence: round(verify),
    };
    report[key] = {
      ece: round(
        expectedCalibrationError(
          h.decisions.map((d) => d.confidence),
          h.decisions.map((d) => d.label),
        ),
      ),
      worstSplitEce: round(Math.max(...h.splitEce)),
      verifyEce: round(
        expectedCalibrationError(
          h.verify.map((d) => d.confidence),
          h.verify.map((d) => d.label),
        ),
      ),
      atAccept: summary(h.decisions, accept),
      verifyAtThreshold: summary(h.verify, verify),
    };
  }

  const file = {
    description:
      'Calibrated fusion of the embedding models: per-model logistic regression on [similarity, margin] (match) and [similarity] (1:1), then per model subset on [model logits..., quality, agreement] (match) and [model logits..., quality] (1:1). Generated by `npm run calibrate` (scripts/calibrate.ts); do not edit by hand.',
    generated: new Date().toISOString().slice(0, 10),
    data: {
      source: 'people/ single-person photos only (group photos are the evaluation set)',
      identities: identities.length,
      photos: photos.length,
      photosWithFace: photos.filter((p) => p.face).length,
      situations: allGroups.length,
      pairs: allPairs.length,
      heldOutSplits: SPLITS,
      targetFalseAcceptRate: TARGET_FAR,
      reviewFalseAcceptRate: REVIEW_FAR,
      verifyFalseAcceptRate: VERIFY_FAR,
    },
    heldOut: report,
    ...out,
  };
  const target = path.resolve(__dirname, '..', '..', 'models', 'calibration.json');
  await writeFile(target, `${JSON.stringify(file, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify({ data: file.data, heldOut: report }, null, 2)}\nwrote ${target}\n`);
}

if (require.main === module) {
  void main();
}

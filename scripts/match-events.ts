import type { LabelledPair, PairEvidence } from '../src/inference/calibration';
import { pairEvidence, type RosterProfile } from '../src/inference/matcher';
import type { PersonPhoto } from './face-set';

// Labelled match events from single-person photos, for fitting and checking the calibration.
//
// For each photo (the probe) two situations are simulated against a roster built from the OTHER
// photos of the chosen identities: the probe's person is enrolled (from their other photos), and
// the person is left out (a stranger: every candidate is wrong). Each situation yields a group of
// candidate pairs: the top two students of every model, plus the true person when enrolled. The
// matcher's decision in that situation is the group's most confident pair.

export interface EventGroup {
  /** The probe's person and whether they were on the roster. */
  person: string;
  enrolled: boolean;
  pairs: (LabelledPair & { studentId: string })[];
}

const TOP_PER_MODEL = 2;

export function matchEvents(photos: PersonPhoto[], identities: Set<string>, models: string[]): EventGroup[] {
  const usable = photos.filter((p) => p.face && identities.has(p.person));
  const groups: EventGroup[] = [];
  for (const probe of usable) {
    const byPerson = new Map<string, RosterProfile>();
    for (const p of usable) {
      if (p === probe) {
        continue;
      }
      const profile = byPerson.get(p.person) ?? { studentId: p.person, embeddings: {} };
      for (const [m, e] of Object.entries(p.face!.embeddings)) {
        (profile.embeddings[m] ??= []).push(e);
      }
      byPerson.set(p.person, profile);
    }
    const face = { embeddings: probe.face!.embeddings, quality: probe.face!.quality.score };
    for (const enrolled of [true, false]) {
      const roster = [...byPerson.values()].filter((r) => enrolled || r.studentId !== probe.person);
      if (enrolled && !roster.some((r) => r.studentId === probe.person)) {
        continue;
      }
      const evidence = pairEvidence([face], roster, models);
      const all = roster.map((r, s) => ({ studentId: r.studentId, evidence: evidence(0, s) }));
      const chosen = new Set<number>();
      for (const m of models) {
        all
          .map((a, s) => ({ s, v: a.evidence.models[m]?.similarity ?? Number.NEGATIVE_INFINITY }))
          .sort((a, b) => b.v - a.v)
          .slice(0, TOP_PER_MODEL)
          .forEach(({ s }) => chosen.add(s));
      }
      if (enrolled) {
        chosen.add(roster.findIndex((r) => r.studentId === probe.person));
      }
      groups.push({
        person: probe.person,
        enrolled,
        pairs: [...chosen].map((s) => ({
          studentId: all[s]!.studentId,
          evidence: all[s]!.evidence,
          label: all[s]!.studentId === probe.person ? 1 : 0,
        })),
      });
    }
  }
  return groups;
}

/** The same pair seen by a 1:1 check: no runner-up, so no margin or ranking. */
export function verifyView(pair: LabelledPair): LabelledPair {
  const models: PairEvidence['models'] = {};
  for (const [m, e] of Object.entries(pair.evidence.models)) {
    models[m] = { similarity: e.similarity, top: 1 };
  }
  return { evidence: { models, quality: pair.evidence.quality }, label: pair.label };
}

/** The pair as seen when only `models` ran (degradation). */
export function restrict(pair: LabelledPair, models: string[]): LabelledPair {
  const kept: PairEvidence['models'] = {};
  for (const m of models) {
    const e = pair.evidence.models[m];
    if (e) {
      kept[m] = e;
    }
  }
  return { evidence: { models: kept, quality: pair.evidence.quality }, label: pair.label };
}

/** A seeded shuffle (mulberry32), so splits are the same on every run. */
export function shuffled<T>(items: T[], seed: number): T[] {
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

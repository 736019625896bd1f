import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import calibrationFile from '../models/calibration.json';
import { analyzeFile, backend, loadPeople, saveCache } from '../scripts/face-set';
import { writeSection } from '../scripts/readme-section';
import { expectedCalibrationError, thresholdAtFar } from '../src/inference/calibration';
import { matchFaces, scoreFace, type FaceToMatch, type RosterProfile } from '../src/inference/matcher';
import { FACE_API_MODEL, MOBILEFACENET_MODEL } from '../src/inference/models';
import type { ImageAnalysis } from '../src/inference/types';

// Accuracy on a face set laid out like ../shared/faces: enroll everyone in people/, run every group
// photo through the server's pipeline once, then match with each embedding model alone and with the
// ensemble, side by side, and compare the marks with groups.json.
//   npm run bench:accuracy [-- DIR] [--subset] [--readme] [--verbose]
// Sessions: groups_meta.json's "session" field where present, else photos whose names differ only
// by a trailing number (bbt1..bbt5) form one session. --readme writes the README's table.

const args = process.argv.slice(2);
const subset = args.includes('--subset');
const verbose = args.includes('--verbose');
const toReadme = args.includes('--readme');
const DIR =
  args.find((a) => !a.startsWith('--')) ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'faces');

const NAMES: Record<string, string> = {
  [FACE_API_MODEL]: 'face-api 128-d',
  [MOBILEFACENET_MODEL]: 'MobileFaceNet 512-d',
};

interface Variant {
  name: string;
  models: string[];
}

interface PhotoResult {
  photo: string;
  session: string;
  expected: string[];
  marked: string[];
  falseMarks: string[];
  review: number;
  faces: number;
  strangerFaces: number;
  /** Faces with a candidate: confidence and whether the candidate is in the photo. */
  scored: { confidence: number; right: number }[];
}

const only = <T>(embeddings: Record<string, T>, models: string[]): Record<string, T> =>
  Object.fromEntries(Object.entries(embeddings).filter(([m]) => models.includes(m)));

function sessionOf(photo: string, meta: Record<string, { session?: string }>): string {
  return meta[photo]?.session ?? photo.replace(/\.[^.]+$/, '').replace(/_?\d+$/, '');
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

async function main(): Promise<void> {
  const groups = JSON.parse(await readFile(path.join(DIR, 'groups.json'), 'utf8')) as Record<
    string,
    string[]
  >;
  const metaFile = path.join(DIR, 'groups_meta.json');
  const meta = existsSync(metaFile)
    ? (JSON.parse(await readFile(metaFile, 'utf8')) as Record<
        string,
        { faces: number | null; session?: string }
      >)
    : {};
  let photos = Object.keys(groups).sort();
  if (subset) {
    photos = photos.filter((p) =>
      ['bbt3.jpg', 'nobody_enrolled_015.jpg', 'jolie_pitt_couple.jpg'].includes(p),
    );
  }

  const loaded = await backend();
  const variants: Variant[] = [
    ...loaded.models.map((m) => ({ name: NAMES[m] ?? m, models: [m] })),
    ...(loaded.models.length > 1 ? [{ name: 'ensemble', models: loaded.models }] : []),
  ];

  // Enrolment: in subset mode only the people who appear in the chosen photos, plus a few others.
  const people = await loadPeople(DIR);
  const profiles = new Map<string, RosterProfile>();
  for (const p of people) {
    if (p.face) {
      const profile = profiles.get(p.person) ?? { studentId: p.person, embeddings: {} };
      for (const [m, e] of Object.entries(p.face.embeddings)) {
        (profile.embeddings[m] ??= []).push(e);
      }
      profiles.set(p.person, profile);
    }
  }
  const roster = [...profiles.values()];

  const analyses: { photo: string; analysis: ImageAnalysis }[] = [];
  for (const photo of photos) {
    analyses.push({ photo, analysis: await analyzeFile(path.join(DIR, 'groups', photo)) });
  }
  await saveCache();

  const results = new Map<string, PhotoResult[]>();
  for (const v of variants) {
    const rows: PhotoResult[] = [];
    const vRoster = roster.map((r) => ({ studentId: r.studentId, embeddings: only(r.embeddings, v.models) }));
    for (const { photo, analysis } of analyses) {
      const faces: FaceToMatch[] = analysis.faces.map((f) => ({
        embeddings: only(f.embeddings, v.models),
        quality: f.quality.score,
      }));
      const matches = matchFaces(faces, vRoster);
      const expected = groups[photo] ?? [];
      const marked = matches.filter((m) => m.decision === 'ACCEPT').map((m) => m.studentId!);
      if (verbose) {
        for (const m of matches) {
          process.stdout.write(
            `  [${v.name}] ${photo} face ${m.faceIndex}: ${m.decision} ${m.candidateStudentId ?? '-'} ` +
              `(${m.candidateStudentId && expected.includes(m.candidateStudentId) ? 'present' : 'not in photo'}) ` +
              `conf=${m.confidence.toFixed(3)} q=${faces[m.faceIndex]!.quality.toFixed(2)} ` +
              `top3=${m.candidates.map((c) => `${c.studentId}:${c.confidence.toFixed(2)}`).join(',')}\n`,
          );
        }
      }
      rows.push({
        photo,
        session: sessionOf(photo, meta),
        expected,
        marked,
        falseMarks: marked.filter((m) => !expected.includes(m)),
        review: matches.filter((m) => m.decision === 'REVIEW').length,
        faces: analysis.faces.length,
        strangerFaces: Math.max(0, analysis.faces.length - expected.length),
        scored: matches
          .filter((m) => m.candidateStudentId !== null)
          .map((m) => ({
            confidence: m.confidence,
            right: expected.includes(m.candidateStudentId!) ? 1 : 0,
          })),
      });
    }
    results.set(v.name, rows);
  }

  // Time per face: decode + detection + landmarks are shared; each variant adds its models' embedding.
  const totalFaces = analyses.reduce((s, a) => s + a.analysis.faces.length, 0);
  const msPerFace = (models: string[]) =>
    analyses.reduce(
      (s, { analysis: a }) =>
        s +
        a.timings.decodeMs +
        a.timings.detectMs +
        models.reduce((t, m) => t + (a.timings.embedMsByModel?.[m] ?? 0), 0),
      0,
    ) / Math.max(1, totalFaces);

  const pairs =
    !subset && existsSync(path.join(DIR, 'pairs', 'pairs.csv')) ? await verification(variants) : undefined;

  const header = ['', ...variants.map((v) => v.name)];
  const table: string[][] = [];
  const row = (label: string, f: (v: Variant, rows: PhotoResult[]) => string) =>
    table.push([label, ...variants.map((v) => f(v, results.get(v.name)!))]);
  const sum = (rows: PhotoResult[], f: (r: PhotoResult) => number) => rows.reduce((s, r) => s + f(r), 0);
  row('recall per photo', (_, rows) => {
    const right = sum(rows, (r) => r.marked.length - r.falseMarks.length);
    const expected = sum(rows, (r) => r.expected.length);
    return `${(right / Math.max(1, expected)).toFixed(3)} (${right}/${expected})`;
  });
  row('recall per session', (_, rows) => {
    const sessions = new Map<string, { expected: Set<string>; marked: Set<string> }>();
    for (const r of rows) {
      const s = sessions.get(r.session) ?? { expected: new Set(), marked: new Set() };
      r.expected.forEach((e) => s.expected.add(e));
      r.marked.filter((m) => r.expected.includes(m)).forEach((m) => s.marked.add(m));
      sessions.set(r.session, s);
    }
    const expected = [...sessions.values()].reduce((s, x) => s + x.expected.size, 0);
    const right = [...sessions.values()].reduce((s, x) => s + x.marked.size, 0);
    return `${(right / Math.max(1, expected)).toFixed(3)} (${right}/${expected}, ${sessions.size} sessions)`;
  });
  row('precision', (_, rows) => {
    const marks = sum(rows, (r) => r.marked.length);
    const right = marks - sum(rows, (r) => r.falseMarks.length);
    return `${(marks ? right / marks : 1).toFixed(3)} (${right}/${marks})`;
  });
  row('false marks per 100 stranger faces', (_, rows) => {
    const strangers = sum(rows, (r) => r.strangerFaces);
    return `${((100 * sum(rows, (r) => r.falseMarks.length)) / Math.max(1, strangers)).toFixed(2)} (${strangers} strangers)`;
  });
  row('sent to review', (_, rows) => String(sum(rows, (r) => r.review)));
  row('ECE, group-photo candidates', (_, rows) => {
    const scored = rows.flatMap((r) => r.scored);
    return expectedCalibrationError(
      scored.map((s) => s.confidence),
      scored.map((s) => s.right),
    ).toFixed(3);
  });
  const heldOut = (calibrationFile as { heldOut?: Record<string, { ece: number }> }).heldOut ?? {};
  row('ECE, held-out identities (calibrate)', (v) => {
    const key = [...v.models].sort().join('+');
    return heldOut[key] ? heldOut[key].ece.toFixed(3) : '-';
  });
  if (pairs) {
    for (const source of pairs.sources) {
      row(`pairs ${source}: accuracy`, (v) => pct(pairs.byVariant.get(v.name)!.get(source)!.accuracy));
      row(`pairs ${source}: TAR at FAR 1% / 0.1%`, (v) => {
        const r = pairs.byVariant.get(v.name)!.get(source)!;
        return `${pct(r.tar1)} / ${pct(r.tar01)}`;
      });
    }
  }
  row('ms per face (decode + detect + embed)', (v) => msPerFace(v.models).toFixed(0));

  const markdown = [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...table.map((r) => `| ${r.join(' | ')} |`),
  ];
  const ensembleRows = results.get(variants[variants.length - 1]!.name)!;
  const notes = [
    `${photos.length} group photos, ${totalFaces} faces found` +
      ` (${sum(ensembleRows, (r) => (meta[r.photo]?.faces ? r.faces : 0))} in photos with a labelled count of ` +
      `${photos.reduce((s, p) => s + (meta[p]?.faces ?? 0), 0)}); enrolled ${roster.length} people from ` +
      `${people.filter((p) => p.face).length} of ${people.length} photos; backend ${loaded.name}` +
      (loaded.failed.length
        ? `; models that failed to load: ${loaded.failed.map((f) => f.model).join(', ')}`
        : ''),
    `missed by the ensemble: ${ensembleRows.flatMap((r) => r.expected.filter((e) => !r.marked.includes(e)).map((e) => `${e} (${r.photo})`)).join(', ') || 'none'}`,
    `false marks by the ensemble: ${ensembleRows.flatMap((r) => r.falseMarks.map((m) => `${m} (${r.photo})`)).join(', ') || 'none'}`,
  ];
  if (pairs?.failures) {
    notes.push(
      `verification pairs with a side where no face was detected: ${pairs.failures} (counted as not matching)`,
    );
  }
  process.stdout.write(`${[...markdown, '', ...notes].join('\n')}\n`);
  if (toReadme) {
    await writeSection('accuracy', [...markdown, '', ...notes.map((n) => `- ${n}`)].join('\n'));
  }
}

interface PairStats {
  accuracy: number;
  tar1: number;
  tar01: number;
}

/**
 * 1:1 verification on labelled pairs with each variant's calibrated 1:1 confidence. Accuracy uses a
 * threshold chosen on the other source (never on the pairs it is reported on); TAR at a FAR uses the
 * threshold that gives that FAR on the source's own impostor pairs (the usual definition).
 */
async function verification(variants: Variant[]) {
  const file = path.join(DIR, 'pairs', 'pairs.csv');
  const rows = (await readFile(file, 'utf8'))
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
  const faces = new Map<string, FaceToMatch | null>();
  const face = async (rel: string) => {
    if (!faces.has(rel)) {
      const a = await analyzeFile(path.join(DIR, rel), { maxFaces: 1 });
      const f = a.faces[0];
      faces.set(rel, f ? { embeddings: f.embeddings, quality: f.quality.score } : null);
    }
    return faces.get(rel)!;
  };
  let failures = 0;
  const scored: { left: FaceToMatch | null; right: FaceToMatch | null; same: boolean; source: string }[] = [];
  for (const [left, right, same, source] of rows) {
    const [l, r] = [await face(left!), await face(right!)];
    if (!l || !r) {
      failures++;
    }
    scored.push({ left: l, right: r, same: same === '1', source: source! });
  }
  await saveCache();
  const sources = [...new Set(scored.map((s) => s.source))];
  const byVariant = new Map<string, Map<string, PairStats>>();
  for (const v of variants) {
    const bySource = new Map<string, { c: number; same: boolean }[]>();
    for (const s of scored) {
      const c =
        s.left && s.right
          ? scoreFace(
              { embeddings: only(s.left.embeddings, v.models), quality: s.left.quality },
              {
                studentId: 'x',
                embeddings: Object.fromEntries(
                  Object.entries(only(s.right.embeddings, v.models)).map(([m, e]) => [m, [e]]),
                ),
              },
            ).confidence
          : 0;
      bySource.set(s.source, [...(bySource.get(s.source) ?? []), { c, same: s.same }]);
    }
    const acc = (ps: { c: number; same: boolean }[], t: number) =>
      ps.filter((p) => p.c >= t === p.same).length / ps.length;
    const bestThreshold = (ps: { c: number; same: boolean }[]) => {
      let best = { t: 0.5, a: 0 };
      for (const t of [...new Set(ps.map((p) => p.c))]) {
        const a = acc(ps, t);
        if (a > best.a) {
          best = { t, a };
        }
      }
      return best.t;
    };
    const tarAt = (ps: { c: number; same: boolean }[], far: number) => {
      const t = thresholdAtFar(
        ps.filter((p) => !p.same).map((p) => p.c),
        far,
      );
      const pos = ps.filter((p) => p.same);
      return pos.filter((p) => p.c >= t).length / Math.max(1, pos.length);
    };
    const stats = new Map<string, PairStats>();
    for (const source of sources) {
      const other = sources.find((s) => s !== source) ?? source;
      const ps = bySource.get(source)!;
      stats.set(source, {
        accuracy: acc(ps, bestThreshold(bySource.get(other)!)),
        tar1: tarAt(ps, 0.01),
        tar01: tarAt(ps, 0.001),
      });
    }
    byVariant.set(v.name, stats);
  }
  return { sources, byVariant, failures };
}

void main();

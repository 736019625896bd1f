import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { backend, loadPeople, PIPELINE_CONFIG } from '../scripts/face-set';
import { writeSection } from '../scripts/readme-section';
import { euclidean, matchFaces, type RosterProfile } from '../src/inference/matcher';
import { FACE_API_MODEL } from '../src/inference/models';
import { analyzeImage } from '../src/inference/pipeline';

// Accuracy on a face set laid out like ../shared/faces: enroll everyone in people/, run every group
// photo through the server's pipeline and matcher, and compare the marks with groups.json.
//   npm run bench:accuracy [DIR] [--subset] [--readme]   (--readme: also write the README's table)

const args = process.argv.slice(2);
const subset = args.includes('--subset');
const verbose = args.includes('--verbose');
const toReadme = args.includes('--readme');
const DIR =
  args.find((a) => !a.startsWith('--')) ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'faces');

interface Row {
  photo: string;
  expected: number;
  correct: number;
  missed: string[];
  falseMarks: string[];
  review: number;
  unknown: number;
  faces: number;
  labelledFaces: number | null;
  ms: number;
}

async function main(): Promise<void> {
  const groups = JSON.parse(await readFile(path.join(DIR, 'groups.json'), 'utf8')) as Record<
    string,
    string[]
  >;
  const metaFile = path.join(DIR, 'groups_meta.json');
  const meta = existsSync(metaFile)
    ? (JSON.parse(await readFile(metaFile, 'utf8')) as Record<string, { faces: number | null }>)
    : {};
  let photos = Object.keys(groups).sort();
  if (subset) {
    photos = photos.filter((p) =>
      ['bbt3.jpg', 'nobody_enrolled_015.jpg', 'jolie_pitt_couple.jpg'].includes(p),
    );
  }

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
  const roster: RosterProfile[] = [...profiles.values()];

  const b = await backend();
  const rows: Row[] = [];
  for (const photo of photos) {
    const bytes = await readFile(path.join(DIR, 'groups', photo));
    const t0 = performance.now();
    const analysis = await analyzeImage(b, bytes, PIPELINE_CONFIG);
    const matches = matchFaces(
      analysis.faces.map((f) => ({ embeddings: f.embeddings, quality: f.quality.score })),
      roster,
    );
    const ms = performance.now() - t0;
    const expected = groups[photo] ?? [];
    if (verbose) {
      for (const m of matches) {
        const right = m.candidateStudentId !== null && expected.includes(m.candidateStudentId);
        process.stdout.write(
          `  ${photo} face ${m.faceIndex}: ${m.decision} ${m.candidateStudentId ?? '-'} (${right ? 'present' : 'not in photo'}) ` +
            `d=${m.distance?.toFixed(3)} second=${m.secondDistance?.toFixed(3)} q=${analysis.faces[m.faceIndex]?.quality.score} conf=${m.confidence.toFixed(3)}\n`,
        );
      }
    }
    const marked = matches.filter((m) => m.decision === 'ACCEPT').map((m) => m.studentId!);
    rows.push({
      photo,
      expected: expected.length,
      correct: marked.filter((m) => expected.includes(m)).length,
      missed: expected.filter((e) => !marked.includes(e)),
      falseMarks: marked.filter((m) => !expected.includes(m)),
      review: matches.filter((m) => m.decision === 'REVIEW').length,
      unknown: matches.filter((m) => m.decision === 'UNKNOWN').length,
      faces: analysis.faces.length,
      labelledFaces: meta[photo]?.faces ?? null,
      ms,
    });
  }

  const sum = (f: (r: Row) => number) => rows.reduce((s, r) => s + f(r), 0);
  const expectedTotal = sum((r) => r.expected);
  const correct = sum((r) => r.correct);
  const marks = correct + sum((r) => r.falseMarks.length);
  const strangerFaces = sum((r) => Math.max(0, r.faces - r.expected));
  const lines = [
    '| photo | expected | marked right | missed | false marks | review | unknown | faces found / labelled | ms |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.photo} | ${r.expected} | ${r.correct} | ${r.missed.join(', ') || '-'} | ${r.falseMarks.join(', ') || '-'} | ${r.review} | ${r.unknown} | ${r.faces} / ${r.labelledFaces ?? '?'} | ${Math.round(r.ms)} |`,
    ),
    '',
    `enrolled: ${roster.length} people from ${people.filter((p) => p.face).length} of ${people.length} photos (backend ${b.name})`,
    `recall ${(correct / Math.max(1, expectedTotal)).toFixed(3)} (${correct}/${expectedTotal}), ` +
      `precision ${(marks ? correct / marks : 1).toFixed(3)} (${correct}/${marks}), ` +
      `false marks per 100 stranger faces ${((100 * sum((r) => r.falseMarks.length)) / Math.max(1, strangerFaces)).toFixed(2)} (${strangerFaces} stranger faces)`,
  ];
  const detection = rows.filter((r) => r.labelledFaces !== null);
  lines.push(
    `detection: ${sum((r) => (r.labelledFaces !== null ? r.faces : 0))} faces found where ${detection.reduce((s, r) => s + (r.labelledFaces ?? 0), 0)} are labelled (${detection.length} photos with a count)`,
  );
  const pairsFile = path.join(DIR, 'pairs', 'pairs.csv');
  if (!subset && existsSync(pairsFile)) {
    lines.push(await verification(pairsFile));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  if (toReadme) {
    // Summary lines become a list under the table in the README.
    const [table, summary] = [lines.slice(0, rows.length + 2), lines.slice(rows.length + 3)];
    await writeSection(
      'accuracy',
      [...table, '', ...summary.map((l) => (l.startsWith('  ') ? `  - ${l.trim()}` : `- ${l}`))].join('\n'),
    );
  }
}

/** Verification on labelled pairs: threshold chosen on one source, tested on the other. */
async function verification(file: string): Promise<string> {
  const b = await backend();
  const rows = (await readFile(file, 'utf8'))
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
  const cache = new Map<string, number[] | null>();
  const descriptor = async (rel: string) => {
    if (!cache.has(rel)) {
      const a = await analyzeImage(
        b,
        await readFile(path.join(path.dirname(file), '..', rel)),
        PIPELINE_CONFIG,
        { maxFaces: 1 },
      );
      cache.set(rel, a.faces[0]?.embeddings[FACE_API_MODEL] ?? null);
    }
    return cache.get(rel)!;
  };
  const bySource = new Map<string, { d: number; same: boolean }[]>();
  let failures = 0;
  for (const [left, right, same, source] of rows) {
    const [l, r] = [await descriptor(left!), await descriptor(right!)];
    if (!l || !r) {
      failures++;
      continue;
    }
    bySource.set(source!, [...(bySource.get(source!) ?? []), { d: euclidean(l, r), same: same === '1' }]);
  }
  const acc = (pairs: { d: number; same: boolean }[], t: number) =>
    pairs.filter((p) => p.d < t === p.same).length / pairs.length;
  const best = (pairs: { d: number; same: boolean }[]) => {
    let top = { t: 0.6, a: 0 };
    for (let t = 0.3; t <= 0.9; t += 0.005) {
      const a = acc(pairs, t);
      if (a > top.a) {
        top = { t, a };
      }
    }
    return top;
  };
  const tarAtFar = (pairs: { d: number; same: boolean }[], far: number) => {
    const neg = pairs
      .filter((p) => !p.same)
      .map((p) => p.d)
      .sort((x, y) => x - y);
    const t = neg[Math.floor(far * neg.length)] ?? 0;
    const pos = pairs.filter((p) => p.same);
    return pos.filter((p) => p.d < t).length / pos.length;
  };
  const out = [
    `verification pairs (${failures} pairs with a side where no face was detected, reported not dropped):`,
  ];
  const sources = [...bySource.keys()];
  for (const test of sources) {
    const fitOn = sources.find((s) => s !== test) ?? test;
    const t = best(bySource.get(fitOn)!).t;
    const pairs = bySource.get(test)!;
    out.push(
      `  ${test}: ${pairs.length} pairs, accuracy ${(100 * acc(pairs, t)).toFixed(1)}% at threshold ${t.toFixed(3)} chosen on ${fitOn}; ` +
        `TAR ${(100 * tarAtFar(pairs, 0.01)).toFixed(1)}% at FAR 1%, ${(100 * tarAtFar(pairs, 0.001)).toFixed(1)}% at FAR 0.1%`,
    );
  }
  return out.join('\n');
}

void main();

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import calibrationFile from '../../models/calibration.json';
import { PIPELINE_CONFIG } from '../../scripts/face-set';
import { loadBackend } from '../../src/inference/backend';
import { DEFAULT_CALIBRATION, subsetKey } from '../../src/inference/calibration';
import {
  cosine,
  matchFaces,
  scoreFace,
  type FaceToMatch,
  type RosterProfile,
} from '../../src/inference/matcher';
import { FACE_API_MODEL, MOBILEFACENET_MODEL, weightFile } from '../../src/inference/models';
import { analyzeImage, loadNets, type LoadedModels } from '../../src/inference/pipeline';
import type { DetectedFace } from '../../src/inference/types';
import { FACES_DIR } from '../setup/harness';

// The ensemble on real face crops: both embedding models, the fused matcher, 1:1 scores, and
// degradation when a model cannot be loaded. Six small single-person photos keep it fast.

const PEOPLE = ['angelina_jolie', 'george_w_bush', 'sheldon'];
const BOTH = [FACE_API_MODEL, MOBILEFACENET_MODEL];

describe('embedding ensemble on real faces', () => {
  let loaded: LoadedModels;
  const faces = new Map<string, DetectedFace>();
  const photo = (person: string, n: number) => readFile(path.join(FACES_DIR, 'people', person, `${n}.jpg`));
  const asProbe = (f: DetectedFace, models = BOTH): FaceToMatch => ({
    embeddings: Object.fromEntries(Object.entries(f.embeddings).filter(([m]) => models.includes(m))),
    quality: f.quality.score,
  });
  const profile = (person: string, models = BOTH): RosterProfile => ({
    studentId: person,
    embeddings: Object.fromEntries(
      Object.entries(faces.get(`${person}/1`)!.embeddings)
        .filter(([m]) => models.includes(m))
        .map(([m, e]) => [m, [e]]),
    ),
  });

  beforeAll(async () => {
    loaded = await loadNets(await loadBackend('wasm'), BOTH);
    for (const person of PEOPLE) {
      for (const n of [1, 2]) {
        const a = await analyzeImage(loaded, await photo(person, n), PIPELINE_CONFIG, { maxFaces: 1 });
        faces.set(`${person}/${n}`, a.faces[0]!);
      }
    }
  }, 120_000);

  it('gives every face one unit-length embedding per model', () => {
    expect(loaded.models).toEqual(BOTH);
    for (const f of faces.values()) {
      expect(f.embeddings[FACE_API_MODEL]).toHaveLength(128);
      expect(f.embeddings[MOBILEFACENET_MODEL]).toHaveLength(512);
      for (const e of Object.values(f.embeddings)) {
        expect(Math.hypot(...e)).toBeCloseTo(1, 5);
      }
    }
  });

  it('aligns a rotated, smaller copy of a face onto nearly the same embedding', async () => {
    const original = await photo('angelina_jolie', 1);
    const meta = await sharp(original).metadata();
    const turned = await sharp(original)
      .rotate(14, { background: '#808080' })
      .resize(Math.round((meta.width ?? 400) * 0.7))
      .jpeg()
      .toBuffer();
    const a = await analyzeImage(loaded, turned, PIPELINE_CONFIG, { maxFaces: 1 });
    const same = cosine(
      a.faces[0]!.embeddings[MOBILEFACENET_MODEL]!,
      faces.get('angelina_jolie/1')!.embeddings[MOBILEFACENET_MODEL]!,
    );
    const other = cosine(
      a.faces[0]!.embeddings[MOBILEFACENET_MODEL]!,
      faces.get('george_w_bush/1')!.embeddings[MOBILEFACENET_MODEL]!,
    );
    expect(same).toBeGreaterThan(0.8);
    expect(same - other).toBeGreaterThan(0.5);
  });

  it('matches second photos to the right students with fused confidence and top-3 candidates', () => {
    const roster = PEOPLE.map((p) => profile(p));
    const probes = PEOPLE.map((p) => asProbe(faces.get(`${p}/2`)!));
    const matches = matchFaces(probes, roster);
    matches.forEach((m, i) => {
      expect(m.candidateStudentId).toBe(PEOPLE[i]);
      expect(m.models).toEqual(BOTH);
      expect(m.candidates).toHaveLength(3);
      expect(m.candidates[0]).toEqual({ studentId: PEOPLE[i], confidence: m.confidence });
      expect(m.candidates[1]!.confidence).toBeLessThan(0.05);
    });
    expect(matches.filter((m) => m.decision === 'ACCEPT').length).toBeGreaterThanOrEqual(2);
  });

  it('does not mark a stranger: the person left off the roster gets no confident candidate', () => {
    const roster = PEOPLE.slice(1).map((p) => profile(p));
    const [m] = matchFaces([asProbe(faces.get('angelina_jolie/2')!)], roster);
    expect(m!.decision).not.toBe('ACCEPT');
    expect(m!.confidence).toBeLessThan(0.05);
  });

  it('scores 1:1 with the models both sides have', () => {
    const same = scoreFace(asProbe(faces.get('sheldon/2')!), profile('sheldon'));
    const other = scoreFace(asProbe(faces.get('sheldon/2')!), profile('george_w_bush'));
    expect(same).toMatchObject({ models: BOTH, verified: true });
    expect(other.verified).toBe(false);
    expect(other.confidence).toBeLessThan(same.confidence);
  });

  it('falls back to the calibration of the models a student has (not yet re-embedded)', () => {
    const roster = [profile('angelina_jolie', [FACE_API_MODEL]), ...PEOPLE.slice(1).map((p) => profile(p))];
    const [m] = matchFaces([asProbe(faces.get('angelina_jolie/2')!)], roster);
    expect(m!.candidateStudentId).toBe('angelina_jolie');
    expect(m!.models).toEqual([FACE_API_MODEL]);
    expect(scoreFace(asProbe(faces.get('angelina_jolie/2')!), roster[0]!).models).toEqual([FACE_API_MODEL]);
  });

  it('runs with fewer models when one fails to load, and says which ran', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rollcall-model-'));
    try {
      // A damaged copy of the ONNX file: the checksum check refuses it before onnxruntime sees it.
      const bytes = await readFile(weightFile('fr_feature', 'fr_feature.onnx'));
      bytes[bytes.length >> 1]! ^= 0xff;
      const damaged = path.join(dir, 'fr_feature.onnx');
      await writeFile(damaged, bytes);
      const degraded = await loadNets(await loadBackend('wasm'), BOTH, { [MOBILEFACENET_MODEL]: damaged });
      expect(degraded.models).toEqual([FACE_API_MODEL]);
      expect(degraded.failed).toEqual([
        { model: MOBILEFACENET_MODEL, reason: expect.stringMatching(/checksum/) },
      ]);
      const a = await analyzeImage(degraded, await photo('sheldon', 2), PIPELINE_CONFIG, { maxFaces: 1 });
      expect(a.models).toEqual([FACE_API_MODEL]);
      expect(Object.keys(a.faces[0]!.embeddings)).toEqual([FACE_API_MODEL]);
      const [m] = matchFaces(
        [asProbe(a.faces[0]!)],
        PEOPLE.map((p) => profile(p)),
      );
      expect(m).toMatchObject({ candidateStudentId: 'sheldon', models: [FACE_API_MODEL] });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('ships a calibration for every subset, within 0.03 calibration error on held-out identities', () => {
    const heldOut = calibrationFile.heldOut as Record<string, { ece: number }>;
    for (const subset of [[FACE_API_MODEL], [MOBILEFACENET_MODEL], BOTH]) {
      const key = subsetKey(subset);
      expect(DEFAULT_CALIBRATION.subsets[key]?.models).toEqual(subset);
      expect(heldOut[key]!.ece).toBeLessThanOrEqual(0.03);
    }
  });
});

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import manifest from '../../models/manifest.json';

// The embedding models Rollcall knows, where their weights live (inside npm packages: never copied,
// never downloaded) and the checksums they must have.

type PackageName = keyof typeof manifest.packages;

/** face-api's 128-d descriptor: the reference model, whose id is the one stored before the ensemble. */
export const FACE_API_MODEL = 'face-api/face_recognition@1.7.15';
/** MobileFaceNet, 512-d, run by onnxruntime-node on a face aligned to the ArcFace template. */
export const MOBILEFACENET_MODEL = 'faceplugin/fr_feature@0.0.1';

/** Every embedding model, in the order they run and are listed. */
export const KNOWN_MODELS = [FACE_API_MODEL, MOBILEFACENET_MODEL] as const;

/** Short names accepted in configuration (RECOGNITION_MODELS) besides full ids. */
const ALIASES: Record<string, string> = {
  'face-api': FACE_API_MODEL,
  faceapi: FACE_API_MODEL,
  mobilefacenet: MOBILEFACENET_MODEL,
  'fr-feature': MOBILEFACENET_MODEL,
};

/** Kept for callers written before the ensemble: the reference model's id. */
export const MODEL_ID = FACE_API_MODEL;

/** Parses a comma-separated list of model names or ids; throws on an unknown one. */
export function parseModelList(value: string): string[] {
  const ids = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((name) => {
      const id = ALIASES[name.toLowerCase()] ?? name;
      if (!(KNOWN_MODELS as readonly string[]).includes(id)) {
        throw new Error(`unknown recognition model "${name}" (known: ${Object.keys(ALIASES).join(', ')})`);
      }
      return id;
    });
  if (ids.length === 0) {
    throw new Error('at least one recognition model is needed');
  }
  // Canonical order, so the same set always has the same calibration key.
  return KNOWN_MODELS.filter((m) => ids.includes(m));
}

/** Directory holding a package's weights inside node_modules. */
export function packageDirectory(pkg: PackageName): string {
  const root = path.dirname(require.resolve(`${pkg}/package.json`));
  return path.join(root, manifest.packages[pkg].directory);
}

/** Directory of face-api's weights (detector, landmarks, descriptor). */
export function modelDirectory(): string {
  return packageDirectory('@vladmandic/face-api');
}

/** The manifest's networks whose embedding is `id` (or the detector and landmark nets for face-api). */
function networksFor(selector: (n: (typeof manifest.networks)[number]) => boolean) {
  return manifest.networks.filter(selector);
}

/** Absolute path of one weight file named in the manifest. */
export function weightFile(network: string, file: string): string {
  const entry = manifest.networks.find((n) => n.name === network);
  if (!entry) {
    throw new Error(`no network ${network} in models/manifest.json`);
  }
  return path.join(packageDirectory(entry.package as PackageName), file);
}

async function verify(networks: (typeof manifest.networks)[number][]): Promise<void> {
  for (const network of networks) {
    const dir = packageDirectory(network.package as PackageName);
    for (const [file, expected] of Object.entries(network.files)) {
      const actual = createHash('sha256')
        .update(await readFile(path.join(dir, file)))
        .digest('hex');
      if (actual !== expected) {
        throw new Error(
          `model file ${file} has checksum ${actual}, expected ${expected} (models/manifest.json)`,
        );
      }
    }
  }
}

/** Refuses to run face-api's networks on weights that differ from the ones the numbers were measured with. */
export async function verifyModels(): Promise<void> {
  await verify(networksFor((n) => n.package === '@vladmandic/face-api'));
}

/**
 * Verifies the files of one embedding model (face-api's descriptor or an ONNX network); `file`
 * checks a file at another path against the same checksum (a copy, or a test's damaged file).
 */
export async function verifyEmbeddingModel(id: string, file?: string): Promise<void> {
  const networks = networksFor((n) => 'embedding' in n && n.embedding?.id === id);
  if (networks.length === 0) {
    throw new Error(`no weights for model ${id} in models/manifest.json`);
  }
  if (file === undefined) {
    await verify(networks);
    return;
  }
  const expected = Object.values(networks[0]!.files).find((v): v is string => typeof v === 'string');
  const actual = createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
  if (actual !== expected) {
    throw new Error(
      `model file ${path.basename(file)} has checksum ${actual}, expected ${expected} (models/manifest.json)`,
    );
  }
}

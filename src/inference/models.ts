import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import manifest from '../../models/manifest.json';

/** Directory holding the weights inside the npm package (never copied, never downloaded). */
export function modelDirectory(): string {
  const pkg = path.dirname(require.resolve(`${manifest.package}/package.json`));
  return path.join(pkg, manifest.directory);
}

/** Identifier stored beside every embedding: embeddings of different models never mix. */
export const MODEL_ID = `face-api/face_recognition@${manifest.version}`;

/** Refuses to run on weights that differ from the ones the accuracy numbers were measured with. */
export async function verifyModels(dir = modelDirectory()): Promise<void> {
  for (const model of manifest.models) {
    for (const [file, expected] of Object.entries(model.files)) {
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

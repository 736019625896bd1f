import 'reflect-metadata';
import path from 'node:path';
import { composeClassPhoto, detectionRecall } from '../scripts/class-photo';
import { BACKEND, PIPELINE_CONFIG } from '../scripts/face-set';
import { writeSection } from '../scripts/readme-section';
import { createInferenceEngine } from '../src/inference';

// Small faces in a large class photo: a 4000x3000 photo built from the shared single-person photos
// (30 faces, 30, 40 or 60 px wide), analysed on the whole image only and with the small-face scan.
//   npm run bench:small-faces [DIR] [--readme]

const DIR =
  process.argv.slice(2).find((a) => !a.startsWith('--')) ??
  path.resolve(__dirname, '..', '..', '..', 'shared', 'faces');

async function main(): Promise<void> {
  const engine = createInferenceEngine({
    workers: 1,
    ...PIPELINE_CONFIG,
    backend: BACKEND,
    tileMinDimension: 2400,
    tileSize: 800,
  });
  await engine.ready();
  const lines = [
    '| face width | photo | detection | faces placed | found | recall | ms |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const faceSize of [30, 40, 60]) {
    const photo = await composeClassPhoto(engine, DIR, { count: 30, faceSize, width: 4000, height: 3000 });
    for (const tiling of [false, true]) {
      const analysis = await engine.analyze(photo.image, { tiling });
      lines.push(
        `| ${faceSize} px | 4000x3000 | ${tiling ? 'whole image + small-face scan' : 'whole image'} | ${photo.faces.length} | ${analysis.faces.length} | ${detectionRecall(photo.faces, analysis.faces).toFixed(2)} | ${Math.round(analysis.timings.totalMs)} |`,
      );
    }
  }
  lines.push('', `backend ${engine.backend}, one worker`);
  process.stdout.write(`${lines.join('\n')}\n`);
  if (process.argv.includes('--readme')) {
    await writeSection('small-faces', lines.join('\n'));
  }
  await engine.close();
}

void main();

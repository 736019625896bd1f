import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as prettier from 'prettier';

// Generated parts of README.md live between `<!-- name:start -->` and `<!-- name:end -->` markers:
// the configuration table (scripts/env-docs.ts) and the benchmark tables (bench/*.bench.ts --readme),
// so the README shows what the code and the harnesses produce, never hand-typed numbers.

export const README = path.resolve(__dirname, '..', '..', 'README.md');

/** README.md with the section replaced (formatted as `npm run format` would). */
export async function withSection(
  name: string,
  markdown: string,
): Promise<{ before: string; after: string }> {
  const before = await readFile(README, 'utf8');
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const a = before.indexOf(start);
  const b = before.indexOf(end);
  if (a < 0 || b < a) {
    throw new Error(`README.md needs ${start} and ${end} markers`);
  }
  const inserted = `${before.slice(0, a + start.length)}\n\n${markdown.trim()}\n\n${before.slice(b)}`;
  const after = await prettier.format(inserted, {
    ...(await prettier.resolveConfig(README)),
    filepath: README,
  });
  return { before, after };
}

export async function writeSection(name: string, markdown: string): Promise<void> {
  const { after } = await withSection(name, markdown);
  await writeFile(README, after);
}

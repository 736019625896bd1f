import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as prettier from 'prettier';
import { ENV_DESCRIPTIONS, parseEnv, SENSITIVE_VARIABLES, type Env } from '../src/config/env';

// Regenerates the README's configuration table from src/config/env.ts (descriptions and defaults),
// so the two cannot drift; `--check` fails when the README is stale (run in the test suite).
const START = '<!-- env:start -->';
const END = '<!-- env:end -->';

/** Defaults that depend on the machine are described, not printed. */
const MACHINE_DEPENDENT: Partial<Record<keyof Env, string>> = { INFERENCE_WORKERS: 'cores, at most 4' };

export function envTable(): string {
  const defaults = parseEnv({});
  const rows = (Object.keys(ENV_DESCRIPTIONS) as (keyof Env)[]).map((name) => {
    const value =
      MACHINE_DEPENDENT[name] ?? (defaults[name] === undefined ? 'unset' : `\`${String(defaults[name])}\``);
    const secret = SENSITIVE_VARIABLES.has(name) ? ' (secret: never logged)' : '';
    return `| \`${name}\` | ${value} | ${ENV_DESCRIPTIONS[name].replace(/\|/g, '\\|')}${secret} |`;
  });
  rows.push(
    '| `INFERENCE_BACKEND` | `auto` | `auto` tries tfjs-node-gpu, tfjs-node, WASM, cpu in order; or force `gpu`, `node`, `wasm`, `cpu` |',
  );
  return ['| variable | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

async function main(): Promise<void> {
  const readme = path.resolve(__dirname, '..', '..', 'README.md');
  const text = await readFile(readme, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) {
    throw new Error(`README.md needs ${START} and ${END} markers`);
  }
  const inserted = `${text.slice(0, start + START.length)}\n\n${envTable()}\n\n${text.slice(end)}`;
  // Formatted as `npm run format` would, so the check compares like with like.
  const updated = await prettier.format(inserted, {
    ...(await prettier.resolveConfig(readme)),
    filepath: readme,
  });
  if (process.argv.includes('--check')) {
    if (updated !== text) {
      process.stderr.write('README.md configuration table is stale: run npm run docs:env\n');
      process.exit(1);
    }
    return;
  }
  await writeFile(readme, updated);
}

if (require.main === module) {
  void main();
}

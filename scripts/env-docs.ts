import { ENV_DESCRIPTIONS, parseEnv, SENSITIVE_VARIABLES, type Env } from '../src/config/env';
import { withSection, writeSection } from './readme-section';

// Regenerates the README's configuration table from src/config/env.ts (descriptions and defaults),
// so the two cannot drift; `--check` fails when the README is stale (run in the test suite).

/** Defaults that depend on the machine are described, not printed. */
const MACHINE_DEPENDENT: Partial<Record<keyof Env, string>> = {
  INFERENCE_WORKERS: 'cores, at most 4',
  MAX_WORKERS: 'cores, at most 4',
};

export function envTable(): string {
  const defaults = parseEnv({});
  const rows = (Object.keys(ENV_DESCRIPTIONS) as (keyof Env)[]).map((name) => {
    const value =
      MACHINE_DEPENDENT[name] ?? (defaults[name] === undefined ? 'unset' : `\`${String(defaults[name])}\``);
    const secret = SENSITIVE_VARIABLES.has(name) ? ' (secret: never logged)' : '';
    return `| \`${name}\` | ${value} | ${ENV_DESCRIPTIONS[name].replace(/\|/g, '\\|')}${secret} |`;
  });
  return ['| variable | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

async function main(): Promise<void> {
  if (process.argv.includes('--check')) {
    const { before, after } = await withSection('env', envTable());
    if (before !== after) {
      process.stderr.write('README.md configuration table is stale: run npm run docs:env\n');
      process.exit(1);
    }
    return;
  }
  await writeSection('env', envTable());
}

void main();

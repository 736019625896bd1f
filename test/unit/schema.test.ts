import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// Run as its own process: the schema must be printed by the same graphql module that built it.
describe('schema.graphql', () => {
  it('is up to date with the resolvers (regenerate with npm run schema:emit)', () => {
    const script = path.resolve(__dirname, '../../dist/scripts/emit-schema.js');
    expect(() => execFileSync(process.execPath, [script, '--check'], { stdio: 'pipe' })).not.toThrow();
  });
});

describe('README configuration table', () => {
  it('lists every variable of src/config/env.ts with its default (regenerate with npm run docs:env)', () => {
    const script = path.resolve(__dirname, '../../dist/scripts/env-docs.js');
    expect(() => execFileSync(process.execPath, [script, '--check'], { stdio: 'pipe' })).not.toThrow();
  });
});

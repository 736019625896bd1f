import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { printSchema } from 'graphql';
import { lexicographicSortSchema } from 'graphql/utilities';
import { describe, expect, it } from 'vitest';
import { buildAppSchema } from '../../src/schema/build-schema';

describe('schema.graphql', () => {
  it('is up to date with the resolvers (regenerate with npm run schema:emit)', async () => {
    const schema = await buildAppSchema({ get: () => ({}) });
    const committed = await readFile(path.resolve(__dirname, '../../src/schema/schema.graphql'), 'utf8');
    const normalise = (s: string) => s.replace(/#.*\n/g, '').replace(/\s+/g, ' ').trim();
    expect(normalise(committed)).toBe(normalise(printSchema(lexicographicSortSchema(schema))));
  });
});

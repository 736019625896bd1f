import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { buildSchema, Kind, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';

// The README's GraphQL examples are checked against the committed schema, so they stay true.
describe('README GraphQL examples', () => {
  it('are valid against src/schema/schema.graphql', async () => {
    const root = path.resolve(__dirname, '..', '..');
    const schema = buildSchema(await readFile(path.join(root, 'src', 'schema', 'schema.graphql'), 'utf8'));
    const readme = await readFile(path.join(root, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    // Each block lists several operations side by side: validate each on its own.
    const problems = blocks.flatMap((block) =>
      parse(block).definitions.flatMap((definition) =>
        validate(schema, { kind: Kind.DOCUMENT, definitions: [definition] }).map(
          (e) => `${e.message} in: ${block.slice(0, 80)}`,
        ),
      ),
    );
    expect(problems).toEqual([]);
  });
});

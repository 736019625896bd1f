import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed operations from the server's emitted schema. The output (src/gql) is committed, so building the
// dashboard needs no running server; `npm run build` fails when it is stale (codegen --check).

const config: CodegenConfig = {
  schema: '../src/schema/schema.graphql',
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**/*'],
  ignoreNoDocuments: false,
  generates: {
    'src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        scalars: { DateTimeISO: 'string', Upload: 'File' },
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
  },
};

export default config;

import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'client/**', 'scratch/**', 'coverage/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        projectService: { allowDefaultProject: ['*.mjs', '*.mts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      curly: 'error',
      eqeqeq: 'error',
      'no-console': 'error',
    },
  },
  {
    // Inference runs in worker threads and must stay independent of the API and the database.
    files: ['src/inference/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['graphql', 'graphql/*', 'type-graphql', 'typeorm', '@apollo/*'],
              message: 'inference knows nothing of GraphQL or the database',
            },
            {
              // The one shared leaf module: the log redaction list (pino only), so no log line of a
              // worker thread carries what the app's logger would hide.
              regex: '^\\.\\./(?!\\.\\./models/|observability/log-redaction$)',
              message:
                'inference imports nothing outside src/inference (models/ data and the log redaction excepted)',
            },
          ],
        },
      ],
    },
  },
  {
    // The layers below the GraphQL edge (docs/architecture.md): services decide, repositories and
    // entities store, and none of them knows how the API is exposed.
    files: [
      'src/services/**/*.ts',
      'src/auth/**/*.ts',
      'src/repositories/**/*.ts',
      'src/alerts/**/*.ts',
      'src/cache/**/*.ts',
      'src/pubsub/**/*.ts',
      'src/db/**/*.ts',
      'src/storage/**/*.ts',
      'src/loaders/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['graphql', 'graphql/*', 'type-graphql', '@apollo/*', 'graphql-ws', 'graphql-ws/*'],
              message: 'below the GraphQL edge: throw DomainError, return plain data',
            },
            {
              regex: '(^|/)(schema|resolvers)(/|$)',
              message: 'services, auth and storage never import the schema or the resolvers',
            },
          ],
        },
      ],
    },
  },
  {
    // Entities are type-graphql object types themselves, but import no schema module.
    files: ['src/entities/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)(schema|resolvers|services)(/|$)',
              message: 'entities import no schema, resolver or service module',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      'no-console': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
  { files: ['**/*.mjs', '**/*.mts'], ...tseslint.configs.disableTypeChecked },
);

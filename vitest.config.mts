import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// esbuild (vitest's default transform) emits no decorator metadata, which
// type-graphql and TypeORM need; swc does.
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  // graphql ships CJS (index.js) and ESM (index.mjs) builds; vite would pick the ESM one for our code
  // while type-graphql and Apollo require the CJS one, and graphql-js refuses a schema from another
  // "realm". Pin everything to the build Node itself loads, as in production.
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});

import { createRequire } from 'node:module';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);
const lib = (name: string): string => path.resolve(import.meta.dirname, `libs/${name}/src/index.ts`);

export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      {
        // API, worker and libs: node, with PostgreSQL started once by the global setup.
        // Nest's dependency injection and TypeORM need decorator metadata, which Oxc emits when asked.
        oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
        resolve: {
          alias: [
            // One graphql instance: Nest and Apollo load its CommonJS build, so our code must too.
            { find: /^graphql$/, replacement: require.resolve('graphql') },
            ...['blob', 'config', 'contracts', 'db', 'dicom', 'inference', 'testing'].map((name) => ({ find: `@cruciate/${name}`, replacement: lib(name) })),
          ],
        },
        test: {
          name: 'node',
          include: ['{apps,libs}/**/*.{spec,medium-spec,e2e-spec}.ts'],
          // Includes apps/web/e2e: the portal in Debian's Chromium against the built platform (it sets its own timeouts).
          exclude: ['**/node_modules/**', '**/dist/**'],
          globalSetup: ['libs/testing/src/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: 'forks',
        },
      },
      {
        // Web component tests: jsdom, no database.
        oxc: { jsx: { runtime: 'automatic' } },
        test: {
          name: 'web',
          environment: 'jsdom',
          include: ['apps/web/src/**/*.spec.tsx'],
          exclude: ['**/node_modules/**', '**/dist/**'],
          testTimeout: 30_000,
        },
      },
    ],
  },
});

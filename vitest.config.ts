import path from 'node:path';
import { defineConfig } from 'vitest/config';

const lib = (name: string): string => path.resolve(import.meta.dirname, `libs/${name}/src/index.ts`);

export default defineConfig({
  // Nest's dependency injection and TypeORM need decorator metadata, which Oxc emits when asked.
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } } as never,
  resolve: {
    alias: {
      '@cruciate/config': lib('config'),
      '@cruciate/contracts': lib('contracts'),
      '@cruciate/db': lib('db'),
      '@cruciate/testing': lib('testing'),
    },
  },
  test: {
    include: ['{apps,libs}/**/*.{spec,medium-spec,e2e-spec}.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', 'apps/web/**/*.e2e-spec.ts'],
    globalSetup: ['libs/testing/src/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
  },
});

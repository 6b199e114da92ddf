// @vitest-environment node
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CodegenContext, executeCodegen } from '@graphql-codegen/cli';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import config from '../codegen.js';

const webDir = path.resolve(import.meta.dirname, '..');

/**
 * The generated typed documents in src/gql/ are committed; this fails when they no longer match the API's
 * schema.graphql and the documents in src/ (run `npm run codegen -w @cruciate/web`).
 */
describe('graphql-codegen output', () => {
  it('is up to date', async () => {
    const context = new CodegenContext({ config: { ...config, hooks: {}, silent: true }, filepath: path.join(webDir, 'codegen.ts') });
    context.cwd = webDir;
    const { result, error } = await executeCodegen(context);
    if (error) throw error;
    expect(result.length).toBeGreaterThan(0);
    const stale: string[] = [];
    for (const file of result) {
      const target = path.resolve(webDir, file.filename);
      const options = (await prettier.resolveConfig(target)) ?? {};
      const expected = await prettier.format(file.content, { ...options, filepath: target });
      const actual = await readFile(target, 'utf8').catch(() => '');
      if (actual !== expected) stale.push(path.relative(webDir, target));
    }
    expect(stale, 'stale generated files: run `npm run codegen -w @cruciate/web`').toEqual([]);
  }, 120_000);
});

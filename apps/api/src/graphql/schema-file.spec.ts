import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { printCodeFirstSchema } from './schema-file.js';

describe('committed schema.graphql', () => {
  it('matches the code-first schema (run `npm run gql:generate` and commit the change)', async () => {
    const committed = await readFile(path.resolve(import.meta.dirname, '../../schema.graphql'), 'utf8');
    const generated = await printCodeFirstSchema();
    expect(generated).toContain('type Query');
    expect(committed).toBe(generated);
  });
});

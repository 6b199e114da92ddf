import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_ENV_DOCS } from './api-config.js';
import { WORKER_ENV_DOCS } from './worker-config.js';

const readme = readFileSync(path.resolve(import.meta.dirname, '../../../README.md'), 'utf8');
/** Table rows as trimmed cells (Prettier pads the columns). */
const rows = readme
  .split('\n')
  .filter((line) => line.startsWith('|'))
  .map((line) =>
    line
      .slice(1, -1)
      .split(' | ')
      .map((cell) => cell.trim()),
  );

describe('README configuration table', () => {
  it.each([...API_ENV_DOCS, ...WORKER_ENV_DOCS].map((d) => [d.name, d] as const))('documents %s with its default', (_name, doc) => {
    const row = rows.find((cells) => cells[0] === `\`${doc.name}\`` && cells[1] === doc.description);
    expect(row).toBeDefined();
    expect(row?.[2]).toContain(doc.default);
    expect(row?.[3]).toBe(doc.secret ? 'yes' : 'no');
  });
});

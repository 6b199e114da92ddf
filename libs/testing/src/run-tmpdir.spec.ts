import { statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

describe('the test run’s temporary folder (global setup)', () => {
  it('is where os.tmpdir() points in the test processes, so that the run’s end removes what tests left', () => {
    expect(path.basename(os.tmpdir())).toMatch(/^cruciate-test-run-/);
    // Like /tmp: embedded PostgreSQL, run as the postgres user, must reach data directories made under it.
    expect(statSync(os.tmpdir()).mode & 0o7777).toBe(0o1777);
  });
});

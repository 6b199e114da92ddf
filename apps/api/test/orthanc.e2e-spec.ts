import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const MAIN = path.join(ROOT, 'apps/api/dist/main.js');
const INTEROP = 'bench/ingest/interop.mjs';
const LIMIT_MS = 180_000;

interface SeriesLine {
  readonly seriesUid: string | null;
  readonly description: string | null;
  readonly modality: string | null;
  readonly instances: number;
}

interface StudyLine {
  readonly studyUid: string;
  readonly orthancStudyId: string;
  readonly instances: number;
  readonly series: readonly SeriesLine[];
  readonly orthancReply: Record<string, unknown>;
}

interface InteropLine {
  readonly ok: boolean;
  readonly expectedPerStudy: number;
  readonly orthanc: string;
  readonly cstore: StudyLine;
  readonly stow: StudyLine;
  readonly problems: readonly string[];
}

interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs bench/ingest/interop.mjs in a private network namespace with only loopback (`unshare -n`): the built platform
 * (as `npm start` runs it, embedded PostgreSQL) and Orthanc 1.10 with its DICOMweb plugin, which pushes one study to
 * our C-STORE listener and another to our STOW-RS endpoint. Orthanc has no bind-address option; the namespace keeps it
 * off the network.
 */
function runInterop(): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn('unshare', ['-n', process.execPath, INTEROP], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // SIGTERM lets the script stop Orthanc and the platform (it has its own 4-minute limit as well).
    const timer = setTimeout(() => child.kill('SIGTERM'), LIMIT_MS);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

describe('Orthanc 1.10 (DICOMweb plugin) as a real client of the platform', () => {
  it(
    'pushes one study to our C-STORE listener and another to our STOW-RS endpoint; both are indexed whole',
    async () => {
      if (!existsSync(MAIN)) throw new Error('apps/api/dist/main.js is missing: `npm test` builds first; run `npm run build`');
      const run = await runInterop();
      const context = `exit ${run.code ?? run.signal}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr.slice(-6000)}`;
      const line = run.stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .pop();
      expect(line, context).toBeDefined();
      const result = JSON.parse(line!) as InteropLine;
      expect(result.problems, context).toEqual([]);
      expect(run.code, context).toBe(0);
      expect(result.ok).toBe(true);
      expect(result.orthanc).toMatch(/^1\.10\./);

      // (a) Orthanc as SCU (DicomModalities -> called AE GENERAL): its job stored all 20, our index has all 20.
      expect(result.cstore.orthancReply).toMatchObject({ InstancesCount: 20, FailedInstancesCount: 0, RemoteAet: 'GENERAL' });
      expect(result.cstore.instances).toBe(20);
      expect(result.cstore.series.map((s) => [s.description, s.modality, s.instances])).toEqual([
        ['SAG PD FS', 'MR', 12],
        ['AX T2 FS', 'MR', 8],
      ]);

      // (b) Orthanc's STOW-RS client (DicomWeb.Servers with a bearer token): all 20 sent, all 20 indexed.
      expect(Number(result.stow.orthancReply['InstancesCount'])).toBe(20);
      expect(result.stow.instances).toBe(20);
      expect(result.stow.series.map((s) => [s.description, s.modality, s.instances])).toEqual([
        ['SAG PD FS', 'MR', 12],
        ['AX T2 FS', 'MR', 8],
      ]);
      expect(result.stow.studyUid).not.toBe(result.cstore.studyUid);
    },
    LIMIT_MS + 30_000,
  );
});

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeUncompressedFrame, parseInstance, TRANSFER_SYNTAX } from '@cruciate/dicom';
import { compressWithGdcm, makeSeries, newUid, phantomPixel, type MakeSeriesOptions } from './synthetic-dicom.js';

const execFileAsync = promisify(execFile);

/** Runs a tool and returns stdout + stderr whatever its exit status (dciodvfy exits 1 when it reports errors). */
async function run(command: string, args: readonly string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(command, args);
    return { code: 0, output: `${stdout}${stderr}` };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cruciate-synthetic-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeTemp(name: string, bytes: Buffer): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  return file;
}

async function dciodvfy(name: string, bytes: Buffer): Promise<{ code: number; output: string; errors: string[] }> {
  const result = await run('dciodvfy', [await writeTemp(name, bytes)]);
  return { ...result, errors: result.output.split('\n').filter((line) => line.includes('Error')) };
}

describe('makeSeries', () => {
  it('makes one Part 10 file per slice with fresh 2.25 UIDs', () => {
    const series = makeSeries();
    expect(series.files).toHaveLength(16);
    const uids = [series.studyInstanceUid, series.seriesInstanceUid, series.frameOfReferenceUid, ...series.sopInstanceUids];
    for (const uid of uids) {
      expect(uid).toMatch(/^2\.25\.(0|[1-9][0-9]*)$/);
      expect(uid.length).toBeLessThanOrEqual(64);
    }
    expect(new Set(uids).size).toBe(uids.length);
    for (const file of series.files) expect(file.toString('latin1', 128, 132)).toBe('DICM');
  });

  it('puts several series in one study when given its UID', () => {
    const studyInstanceUid = newUid();
    const sagittal = makeSeries({ studyInstanceUid, slices: 2 });
    const coronal = makeSeries({ studyInstanceUid, plane: 'coronal', slices: 2 });
    expect(parseInstance(coronal.files[0]!).studyInstanceUid).toBe(studyInstanceUid);
    expect(parseInstance(sagittal.files[1]!).studyInstanceUid).toBe(studyInstanceUid);
    expect(sagittal.seriesInstanceUid).not.toBe(coronal.seriesInstanceUid);
    expect(parseInstance(coronal.files[0]!).seriesDescription).toBe('COR PD FS');
  });

  it('orders slices along the normal with positions and slice locations 3 mm apart', () => {
    const series = makeSeries({ slices: 4 });
    const parsed = series.files.map((file) => parseInstance(file));
    expect(parsed.map((p) => p.instanceNumber)).toEqual([1, 2, 3, 4]);
    expect(parsed.map((p) => p.sliceLocation)).toEqual([-4.5, -1.5, 1.5, 4.5]);
    expect(parsed.map((p) => p.imagePositionPatient?.[0])).toEqual([-4.5, -1.5, 1.5, 4.5]);
  });
});

describe('synthetic files against the DICOM toolkits', () => {
  const variants: readonly [string, MakeSeriesOptions][] = [
    ['sagittal explicit LE', { plane: 'sagittal' }],
    ['coronal implicit LE', { plane: 'coronal', transferSyntax: 'implicit-le' }],
    ['axial explicit BE', { plane: 'axial', transferSyntax: 'explicit-be' }],
  ];

  it.each(variants)('dciodvfy finds no errors in a %s series', async (name, options) => {
    const series = makeSeries(options);
    for (const index of [0, 7, 15]) {
      const { output, errors } = await dciodvfy(`${name.replaceAll(' ', '-')}-${index}.dcm`, series.files[index]!);
      expect(output).toContain('MRImage');
      expect(errors).toEqual([]);
    }
  });

  it('dciodvfy does report a broken file (so the check above can fail)', async () => {
    const broken = makeSeries({ slices: 1, omitAttributes: ['00200037', '00280030'] }).files[0]!;
    const { code, errors } = await dciodvfy('broken.dcm', broken);
    expect(code).not.toBe(0);
    expect(errors.some((line) => line.includes('ImageOrientationPatient'))).toBe(true);
  });

  it('dcmdump reads every file of a series', async () => {
    const series = makeSeries({ slices: 3, patientId: 'DUMP-1' });
    for (const [index, file] of series.files.entries()) {
      const { code, output } = await run('dcmdump', ['+P', '0020,000d', '+P', '0010,0020', '+P', '0020,0013', await writeTemp(`dump-${index}.dcm`, file)]);
      expect(code).toBe(0);
      expect(output).toContain(`[${series.studyInstanceUid}]`);
      expect(output).toContain('[DUMP-1]');
      expect(output).toMatch(new RegExp(`\\(0020,0013\\) IS \\[${index + 1} ?\\]`));
    }
  });
});

describe('compressWithGdcm', () => {
  const source = makeSeries({ slices: 1, rows: 32, columns: 32 });
  const original = parseInstance(source.files[0]!);

  it.each([
    ['rle', TRANSFER_SYNTAX.RLE_LOSSLESS],
    ['jpegls', TRANSFER_SYNTAX.JPEG_LS_LOSSLESS],
    ['j2k', TRANSFER_SYNTAX.JPEG_2000_LOSSLESS],
    ['jpeg-lossless', TRANSFER_SYNTAX.JPEG_LOSSLESS_SV1],
  ] as const)('%s: the compressed file parses with its transfer syntax and encapsulated pixel data', async (kind, transferSyntaxUid) => {
    const compressed = await compressWithGdcm(source.files[0]!, kind);
    const parsed = parseInstance(compressed);
    expect(parsed.transferSyntaxUid).toBe(transferSyntaxUid);
    expect(parsed.pixelData?.encapsulated).toBe(true);
    expect(parsed.pixelData!.length).toBeGreaterThan(0);
    expect(parsed).toMatchObject({
      sopInstanceUid: original.sopInstanceUid,
      studyInstanceUid: source.studyInstanceUid,
      rows: 32,
      columns: 32,
      bitsAllocated: 16,
      imageOrientationPatient: original.imageOrientationPatient,
    });
  });

  it('deflated: a foreign deflate writer parses and decodes to the phantom', async () => {
    const deflated = await compressWithGdcm(source.files[0]!, 'deflated');
    const parsed = parseInstance(deflated);
    expect(parsed.transferSyntaxUid).toBe(TRANSFER_SYNTAX.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN);
    const frame = decodeUncompressedFrame(deflated, parsed);
    expect(frame[5 * 32 + 3]).toBe(phantomPixel(0, 5, 3, { slices: 1, rows: 32, columns: 32 }));
    expect(frame[31 * 32 + 31]).toBe(phantomPixel(0, 31, 31, { slices: 1, rows: 32, columns: 32 }));
  });
});

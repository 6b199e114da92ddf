import { describe, expect, it } from 'vitest';
import { parseInstance } from '@cruciate/dicom';
import { makeSeries } from '@cruciate/testing';
import { CRUCIATE_IMPLEMENTATION_CLASS_UID, fileMetaHeader, isAeTitle, part10File } from './part10.js';

/** Bytes after the File Meta Information group of a Part 10 file. */
function datasetOf(file: Buffer): Buffer {
  return file.subarray(132 + 12 + file.readUInt32LE(140));
}

describe('part10File', () => {
  it('frames received dataset bytes as a Part 10 file that parses and keeps the dataset untouched', () => {
    const series = makeSeries({ slices: 1, rows: 16, columns: 16, transferSyntax: 'implicit-le' });
    const original = series.files[0]!;
    const dataset = datasetOf(original);
    const file = part10File(
      {
        mediaStorageSopClassUid: '1.2.840.10008.5.1.4.1.1.4',
        mediaStorageSopInstanceUid: series.sopInstanceUids[0]!,
        transferSyntaxUid: '1.2.840.10008.1.2',
        sourceAeTitle: ' MODALITY1 ',
      },
      [dataset.subarray(0, 100), dataset.subarray(100)],
    );
    expect(datasetOf(file).equals(dataset)).toBe(true);
    const parsed = parseInstance(file);
    expect(parsed.sopInstanceUid).toBe(series.sopInstanceUids[0]);
    expect(parsed.transferSyntaxUid).toBe('1.2.840.10008.1.2');
    expect(file.subarray(0, 128).every((b) => b === 0)).toBe(true);
    expect(file.toString('latin1', 128, 132)).toBe('DICM');
    const meta = file.toString('latin1', 132, 132 + 12 + file.readUInt32LE(140));
    expect(meta).toContain(CRUCIATE_IMPLEMENTATION_CLASS_UID);
    expect(meta).toContain('MODALITY1 ');
  });

  it('pads every meta value to even length and leaves out an invalid source AE', () => {
    const header = fileMetaHeader({
      mediaStorageSopClassUid: '1.2.3',
      mediaStorageSopInstanceUid: '1.2.3.4',
      transferSyntaxUid: '1.2.840.10008.1.2.1',
      sourceAeTitle: 'BAD\\AE',
    });
    expect(header.length % 2).toBe(0);
    expect(header.toString('latin1')).not.toContain('BAD');
    // group length covers exactly the elements after it
    expect(header.readUInt32LE(140)).toBe(header.length - 144);
  });

  it('isAeTitle', () => {
    expect(isAeTitle('STORESCU')).toBe(true);
    expect(isAeTitle('')).toBe(false);
    expect(isAeTitle('X'.repeat(17))).toBe(false);
    expect(isAeTitle('A\\B')).toBe(false);
  });
});

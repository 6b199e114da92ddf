import { makeSeries, type MakeSeriesOptions } from '@cruciate/testing';
import { describe, expect, it } from 'vitest';
import { toDicomJson } from './dicom-json.js';

const procedureCode = {
  tag: '00081032',
  vr: 'SQ',
  value: [
    [
      { tag: '00080100', vr: 'SH', value: 'KNEEMR' },
      { tag: '00080102', vr: 'SH', value: '99LOCAL' },
      { tag: '00080104', vr: 'LO', value: 'MR knee without contrast' },
    ],
  ],
} as const;

function instance(options: MakeSeriesOptions = {}) {
  const series = makeSeries({ slices: 1, rows: 8, columns: 8, ...options });
  return { series, file: series.files[0]! };
}

describe('toDicomJson', () => {
  it('maps the dataset to the DICOM JSON model with bulk data URIs', () => {
    const { series, file } = instance({ patientName: 'Doe^Jane', extraAttributes: [procedureCode] });
    const seen: string[] = [];
    const json = toDicomJson(file, (tag) => {
      seen.push(tag);
      return `https://pacs.example/instances/1/bulk/${tag}`;
    });
    expect(json['0020000D']).toEqual({ vr: 'UI', Value: [series.studyInstanceUid] });
    expect(json['7FE00010']).toEqual({ vr: 'OW', BulkDataURI: 'https://pacs.example/instances/1/bulk/7FE00010' });
    expect(seen).toEqual(['7FE00010']);
    expect(json['00100010']).toEqual({ vr: 'PN', Value: [{ Alphabetic: 'Doe^Jane' }] });
    expect(json['00200037']).toEqual({ vr: 'DS', Value: [0, 1, 0, 0, 0, -1] });
    expect(json['00200013']).toEqual({ vr: 'IS', Value: [1] });
    expect(json['00280010']).toEqual({ vr: 'US', Value: [8] });
    expect(json['00080008']).toEqual({ vr: 'CS', Value: ['ORIGINAL', 'PRIMARY', 'OTHER'] });
    // Empty attribute: VR only.
    expect(json['00201040']).toEqual({ vr: 'LO' });
    expect(json['00081032']).toEqual({
      vr: 'SQ',
      Value: [
        {
          '00080100': { vr: 'SH', Value: ['KNEEMR'] },
          '00080102': { vr: 'SH', Value: ['99LOCAL'] },
          '00080104': { vr: 'LO', Value: ['MR knee without contrast'] },
        },
      ],
    });
  });

  it('leaves out the file meta information and keeps no dcmjs internals', () => {
    const json = toDicomJson(instance().file, (tag) => tag);
    expect(Object.keys(json).filter((tag) => tag.startsWith('0002'))).toEqual([]);
    expect(Object.keys(json).every((tag) => /^[0-9A-F]{8}$/.test(tag))).toBe(true);
    expect(JSON.stringify(json)).not.toContain('_rawValue');
  });

  it('drops bulk data when no URI builder is given', () => {
    const json = toDicomJson(instance().file);
    expect(json).not.toHaveProperty('7FE00010');
    expect(json).toHaveProperty('0020000E');
  });

  it('writes AT as hex, UN as bulk data, and nested bulk data with its path', () => {
    const { file } = instance({
      extraAttributes: [
        { tag: '00209165', vr: 'AT', value: 0x00181063 },
        { tag: '00091010', vr: 'LO', value: 'CRUCIATE' },
        { tag: '00091011', vr: 'UN', value: new Uint8Array([1, 2, 3, 4]) },
        { tag: '00880200', vr: 'SQ', value: [[{ tag: '7FE00010', vr: 'OB', value: new Uint8Array(4) }]] },
      ],
    });
    const json = toDicomJson(file, (path) => `bulk/${path}`);
    expect(json['00209165']).toEqual({ vr: 'AT', Value: ['00181063'] });
    expect(json['00091011']).toEqual({ vr: 'UN', BulkDataURI: 'bulk/00091011' });
    expect(json['00880200']).toEqual({ vr: 'SQ', Value: [{ '7FE00010': { vr: 'OB', BulkDataURI: 'bulk/00880200/0/7FE00010' } }] });
  });

  it('gives the same model for implicit VR, big endian and deflated files', () => {
    const options = { studyInstanceUid: '1.2.3.4', extraAttributes: [procedureCode] };
    const reference = toDicomJson(instance(options).file);
    const strip = (json: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(json).filter(([tag]) => !['00080018', '0020000E', '00200052'].includes(tag)));
    for (const transferSyntax of ['implicit-le', 'explicit-be', 'deflated-le'] as const) {
      const json = toDicomJson(instance({ ...options, transferSyntax }).file);
      expect(strip(json)).toEqual(strip(reference));
    }
  });
});

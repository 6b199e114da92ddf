import { describe, expect, it } from 'vitest';
import type { DicomRejectCode } from '@cruciate/dicom';
import { IngestError } from '../ingest/ingest.errors.js';
import { DimseStatus, dimseStatusFor, errorComment } from './dimse-status.js';

describe('dimseStatusFor', () => {
  const rejected: [DicomRejectCode, number][] = [
    ['SOP_CLASS_NOT_SUPPORTED', 0x0122],
    ['MISSING_ATTRIBUTE', 0xa900],
    ['INVALID_ATTRIBUTE', 0xa900],
    ['PIXEL_DATA_MISMATCH', 0xa900],
    ['TRANSFER_SYNTAX_NOT_SUPPORTED', 0xa900],
    ['NOT_DICOM', 0xc000],
    ['TRUNCATED', 0xc000],
    ['TOO_LARGE', 0xa700],
  ];

  it.each(rejected)('maps DICOM_REJECTED %s to status %i', (dicomCode, status) => {
    const result = dimseStatusFor(new IngestError('DICOM_REJECTED', `reason for ${dicomCode}`, dicomCode));
    expect(result).toEqual({ status, comment: `reason for ${dicomCode}` });
  });

  it('maps DICOM_REJECTED without a parser reason to cannot understand', () => {
    expect(dimseStatusFor(new IngestError('DICOM_REJECTED', 'odd')).status).toBe(DimseStatus.CANNOT_UNDERSTAND);
  });

  it('maps INSTANCE_CONFLICT to 0xA900 with a comment that fits an LO', () => {
    const result = dimseStatusFor(new IngestError('INSTANCE_CONFLICT', `SOP Instance 2.25.${'9'.repeat(39)} is already stored with different content`));
    expect(result.status).toBe(0xa900);
    expect(result.comment).toBe('SOP Instance UID already stored with different content');
    expect(result.comment.length).toBeLessThanOrEqual(64);
  });

  it('maps anything else to 0xC001 without leaking its message', () => {
    for (const error of [new Error('connection to database lost at 10.0.0.5'), 'a string', null, undefined, { code: 'DICOM_REJECTED' }]) {
      expect(dimseStatusFor(error)).toEqual({ status: 0xc001, comment: 'processing failure' });
    }
  });

  it('clips long parser messages to 64 characters', () => {
    const result = dimseStatusFor(new IngestError('DICOM_REJECTED', 'x'.repeat(200), 'TRUNCATED'));
    expect(result.comment).toHaveLength(64);
    expect(result.comment.endsWith('...')).toBe(true);
  });
});

describe('errorComment', () => {
  it('keeps printable ASCII and removes the LO value delimiter and control characters', () => {
    expect(errorComment('  bad\\value\nhere\u00e9  ')).toBe('bad/value here');
  });
});

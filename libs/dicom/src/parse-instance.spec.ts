import { makeSeries, newUid, phantomPixel, SYNTHETIC_ORIENTATION, type MakeSeriesOptions, type SyntheticEncoding } from '@cruciate/testing';
import { describe, expect, it } from 'vitest';
import { completeInstanceHead, parseInstance, parseInstanceHead, readInstanceHead } from './parse-instance.js';
import { DicomRejectError, SOP_CLASS, TRANSFER_SYNTAX, type DicomRejectCode } from './types.js';

function oneFile(options: MakeSeriesOptions = {}): Buffer {
  return makeSeries({ slices: 1, rows: 16, columns: 16, ...options }).files[0]!;
}

function rejectCode(bytes: Uint8Array, maxBytes?: number): { code: DicomRejectCode; message: string } {
  try {
    parseInstance(bytes, maxBytes === undefined ? {} : { maxBytes });
  } catch (error) {
    if (error instanceof DicomRejectError) return { code: error.code, message: error.message };
    throw new Error(`expected a DicomRejectError, got ${String(error)}`);
  }
  throw new Error('expected parseInstance to reject');
}

/** Offset of an explicit VR little endian element header (tag then VR). */
function elementOffset(file: Buffer, tag: string, vr: string): number {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(parseInt(tag.slice(0, 4), 16), 0);
  header.writeUInt16LE(parseInt(tag.slice(4, 8), 16), 2);
  header.write(vr, 4, 'latin1');
  const offset = file.indexOf(header, 132);
  if (offset < 0) throw new Error(`element ${tag} not found`);
  return offset;
}

describe('parseInstance', () => {
  const encodings: readonly SyntheticEncoding[] = ['explicit-le', 'implicit-le', 'explicit-be', 'deflated-le'];

  it.each(encodings)('reads every field of a synthetic sagittal MR instance (%s)', (encoding) => {
    const series = makeSeries({
      slices: 3,
      rows: 16,
      columns: 12,
      transferSyntax: encoding,
      patientId: 'PID-42',
      patientSex: 'M',
      patientBirthDate: '19750612',
      studyDate: '20240301',
      studyTime: '083000',
      accessionNumber: 'ACC-7',
      seriesNumber: 5,
    });
    const parsed = parseInstance(series.files[1]!);
    expect(parsed).toMatchObject({
      transferSyntaxUid: {
        'explicit-le': TRANSFER_SYNTAX.EXPLICIT_VR_LITTLE_ENDIAN,
        'implicit-le': TRANSFER_SYNTAX.IMPLICIT_VR_LITTLE_ENDIAN,
        'explicit-be': TRANSFER_SYNTAX.EXPLICIT_VR_BIG_ENDIAN,
        'deflated-le': TRANSFER_SYNTAX.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN,
      }[encoding],
      sopClassUid: SOP_CLASS.MR_IMAGE,
      sopInstanceUid: series.sopInstanceUids[1],
      studyInstanceUid: series.studyInstanceUid,
      seriesInstanceUid: series.seriesInstanceUid,
      patientId: 'PID-42',
      patientSex: 'M',
      patientBirthYear: 1975,
      studyDate: '20240301',
      studyTime: '083000',
      accessionNumber: 'ACC-7',
      studyDescription: 'MRI KNEE RIGHT',
      modality: 'MR',
      seriesDescription: 'SAG PD FS',
      seriesNumber: 5,
      bodyPartExamined: 'KNEE',
      instanceNumber: 2,
      imageOrientationPatient: SYNTHETIC_ORIENTATION.sagittal,
      imagePositionPatient: [0, -3, 4],
      sliceLocation: 0,
      sliceThickness: 3,
      pixelSpacing: [0.5, 0.5],
      rows: 16,
      columns: 12,
      bitsAllocated: 16,
      bitsStored: 12,
      pixelRepresentation: 0,
      samplesPerPixel: 1,
      photometricInterpretation: 'MONOCHROME2',
      numberOfFrames: 1,
      windowCenter: 1600,
      windowWidth: 3200,
      rescaleSlope: null,
      rescaleIntercept: null,
    });
    expect(parsed.pixelData).toMatchObject({ length: 16 * 12 * 2, encapsulated: false });
  });

  it('points pixelData at the first pixel value', () => {
    const series = makeSeries({ slices: 2, rows: 8, columns: 8 });
    const file = series.files[1]!;
    const { pixelData } = parseInstance(file);
    expect(file.readUInt16LE(pixelData!.offset)).toBe(phantomPixel(1, 0, 0, { slices: 2, rows: 8, columns: 8 }));
    expect(file.readUInt16LE(pixelData!.offset + 2 * 9)).toBe(phantomPixel(1, 1, 1, { slices: 2, rows: 8, columns: 8 }));
    expect(pixelData!.offset + pixelData!.length).toBe(file.length);
  });

  it('splits multi-valued DS and reads rescale, frames and empty values as null', () => {
    const file = oneFile({
      patientBirthDate: '',
      extraAttributes: [
        { tag: '00281052', vr: 'DS', value: -1024 },
        { tag: '00281053', vr: 'DS', value: 0.5 },
        { tag: '00281050', vr: 'DS', value: [40, 400] },
        { tag: '00281051', vr: 'DS', value: [80, 2000] },
        { tag: '00280008', vr: 'IS', value: 2 },
        { tag: '7FE00010', vr: 'OW', value: new Uint16Array(16 * 16 * 2) },
      ],
      omitAttributes: ['00100020'],
    });
    expect(parseInstance(file)).toMatchObject({
      rescaleIntercept: -1024,
      rescaleSlope: 0.5,
      windowCenter: 40,
      windowWidth: 80,
      numberOfFrames: 2,
      patientBirthYear: null,
      patientId: null,
    });
  });

  describe('rejects', () => {
    it('TOO_LARGE: an instance over maxBytes', () => {
      const file = oneFile();
      expect(rejectCode(file, file.length - 1).code).toBe('TOO_LARGE');
      expect(() => parseInstance(file, { maxBytes: file.length })).not.toThrow();
    });

    it('TOO_LARGE: over the 64 MiB default', () => {
      expect(rejectCode(new Uint8Array(64 * 1024 * 1024 + 1)).code).toBe('TOO_LARGE');
    });

    it('NOT_DICOM: the DICM magic is flipped', () => {
      const file = oneFile();
      file.write('DICX', 128, 'latin1');
      expect(rejectCode(file)).toMatchObject({ code: 'NOT_DICOM', message: expect.stringContaining('DICM') as unknown });
    });

    it('NOT_DICOM: text, an empty buffer, a file shorter than the preamble', () => {
      expect(rejectCode(Buffer.from('%PDF-1.7 not an image at all'.repeat(10))).code).toBe('NOT_DICOM');
      expect(rejectCode(new Uint8Array(0)).code).toBe('NOT_DICOM');
      expect(rejectCode(oneFile().subarray(0, 131)).code).toBe('NOT_DICOM');
    });

    it.each(['explicit-le', 'implicit-le', 'explicit-be', 'deflated-le'] as const)('TRUNCATED: bytes cut from the end (%s)', (transferSyntax) => {
      const file = oneFile({ transferSyntax });
      // The deflated body may end with one padding byte after the deflate stream; losing only that loses no data.
      const cuts = transferSyntax === 'deflated-le' ? [2, 3, 100, 400] : [1, 2, 100, 400];
      for (const cut of cuts) expect(rejectCode(file.subarray(0, file.length - cut)).code).toBe('TRUNCATED');
    });

    it('TRUNCATED: the file ends inside the file meta information or right after it', () => {
      const file = oneFile();
      expect(rejectCode(file.subarray(0, 140)).code).toBe('TRUNCATED');
      expect(rejectCode(file.subarray(0, 200)).code).toBe('TRUNCATED');
      const metaEnd = 144 + file.readUInt32LE(140);
      expect(rejectCode(file.subarray(0, metaEnd)).message).toContain('no dataset');
    });

    it('TRUNCATED: an element length that lies past the end of the file', () => {
      const file = oneFile();
      const name = elementOffset(file, '00100010', 'PN');
      file.writeUInt16LE(0xfff0, name + 6);
      expect(rejectCode(file).code).toBe('TRUNCATED');
    });

    it('TRUNCATED: a pixel data length two bytes longer than the file', () => {
      const file = oneFile();
      const pixels = elementOffset(file, '7FE00010', 'OW');
      file.writeUInt32LE(file.readUInt32LE(pixels + 8) + 2, pixels + 8);
      expect(rejectCode(file).code).toBe('TRUNCATED');
    });

    it('TRUNCATED: an implicit VR element length past the end (dicom-parser does not check it)', () => {
      const file = oneFile({ transferSyntax: 'implicit-le' });
      const header = Buffer.from([0xe0, 0x7f, 0x10, 0x00]);
      const pixels = file.indexOf(header, 132);
      file.writeUInt32LE(file.readUInt32LE(pixels + 4) + 64, pixels + 4);
      expect(rejectCode(file)).toMatchObject({ code: 'TRUNCATED', message: expect.stringContaining('(7FE0,0010)') as unknown });
    });

    it('every prefix of a valid file is rejected with a reject code, never parsed or thrown as a plain error', () => {
      for (const transferSyntax of ['explicit-le', 'implicit-le'] as const) {
        const file = makeSeries({ slices: 1, rows: 4, columns: 4, transferSyntax }).files[0]!;
        const codes = new Set<DicomRejectCode>();
        for (let length = 0; length < file.length; length++) codes.add(rejectCode(file.subarray(0, length)).code);
        expect([...codes].sort()).toEqual(['MISSING_ATTRIBUTE', 'NOT_DICOM', 'TRUNCATED']);
      }
    });

    it.each([
      ['SOPClassUID', '00080016'],
      ['SOPInstanceUID', '00080018'],
      ['StudyInstanceUID', '0020000D'],
      ['SeriesInstanceUID', '0020000E'],
    ])('MISSING_ATTRIBUTE: %s is dropped', (keyword, tag) => {
      const { code, message } = rejectCode(oneFile({ omitAttributes: [tag] }));
      expect(code).toBe('MISSING_ATTRIBUTE');
      expect(message).toContain(keyword);
    });

    it('MISSING_ATTRIBUTE: no TransferSyntaxUID in the file meta information', () => {
      const { code, message } = rejectCode(oneFile({ meta: { transferSyntaxUid: null } }));
      expect(code).toBe('MISSING_ATTRIBUTE');
      expect(message).toContain('TransferSyntaxUID');
    });

    it.each([
      ['Rows', '00280010'],
      ['Columns', '00280011'],
      ['BitsAllocated', '00280100'],
      ['PixelData', '7FE00010'],
    ])('MISSING_ATTRIBUTE: image without %s', (keyword, tag) => {
      const { code, message } = rejectCode(oneFile({ omitAttributes: [tag] }));
      expect(code).toBe('MISSING_ATTRIBUTE');
      expect(message).toContain(keyword);
    });

    it('INVALID_ATTRIBUTE: a UID with letters', () => {
      const { code, message } = rejectCode(oneFile({ studyInstanceUid: '1.2.840.abc' }));
      expect(code).toBe('INVALID_ATTRIBUTE');
      expect(message).toContain('StudyInstanceUID');
    });

    it('INVALID_ATTRIBUTE: a UID longer than 64 characters or with an empty component', () => {
      expect(rejectCode(oneFile({ studyInstanceUid: `1.${'2'.repeat(63)}` })).code).toBe('INVALID_ATTRIBUTE');
      expect(rejectCode(oneFile({ studyInstanceUid: '1.2..3' })).code).toBe('INVALID_ATTRIBUTE');
      expect(() => parseInstance(oneFile({ studyInstanceUid: `1.${'2'.repeat(62)}` }))).not.toThrow();
    });

    it('INVALID_ATTRIBUTE: MediaStorageSOPInstanceUID differs from SOPInstanceUID', () => {
      const { code, message } = rejectCode(oneFile({ meta: { mediaStorageSopInstanceUid: newUid() } }));
      expect(code).toBe('INVALID_ATTRIBUTE');
      expect(message).toContain('MediaStorageSOPInstanceUID');
    });

    it('INVALID_ATTRIBUTE: MediaStorageSOPClassUID differs from SOPClassUID', () => {
      const { code, message } = rejectCode(oneFile({ meta: { mediaStorageSopClassUid: SOP_CLASS.SECONDARY_CAPTURE } }));
      expect(code).toBe('INVALID_ATTRIBUTE');
      expect(message).toContain('MediaStorageSOPClassUID');
    });

    it('TRANSFER_SYNTAX_NOT_SUPPORTED: MPEG2 declared in the meta', () => {
      const { code, message } = rejectCode(oneFile({ meta: { transferSyntaxUid: '1.2.840.10008.1.2.4.100' } }));
      expect(code).toBe('TRANSFER_SYNTAX_NOT_SUPPORTED');
      expect(message).toContain('1.2.840.10008.1.2.4.100');
    });

    it('SOP_CLASS_NOT_SUPPORTED: a CT image', () => {
      const { code, message } = rejectCode(oneFile({ sopClass: '1.2.840.10008.5.1.4.1.1.2' }));
      expect(code).toBe('SOP_CLASS_NOT_SUPPORTED');
      expect(message).toContain('1.2.840.10008.5.1.4.1.1.2');
    });

    it('PIXEL_DATA_MISMATCH: pixel data shorter than rows x columns x 2', () => {
      const { code, message } = rejectCode(oneFile({ extraAttributes: [{ tag: '7FE00010', vr: 'OW', value: new Uint16Array(100) }] }));
      expect(code).toBe('PIXEL_DATA_MISMATCH');
      expect(message).toContain('200 bytes');
      expect(message).toContain('512');
    });

    it('PIXEL_DATA_MISMATCH: NumberOfFrames promises more frames than are stored', () => {
      expect(rejectCode(oneFile({ extraAttributes: [{ tag: '00280008', vr: 'IS', value: 3 }] })).code).toBe('PIXEL_DATA_MISMATCH');
    });
  });

  it('accepts one padding byte after an odd pixel data length', () => {
    const file = oneFile({
      rows: 3,
      columns: 3,
      extraAttributes: [
        { tag: '00280100', vr: 'US', value: 8 },
        { tag: '00280101', vr: 'US', value: 8 },
        { tag: '00280102', vr: 'US', value: 7 },
        { tag: '7FE00010', vr: 'OB', value: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]) },
      ],
    });
    expect(parseInstance(file).pixelData).toMatchObject({ length: 10, encapsulated: false });
  });
});

describe('parseInstanceHead (objects streamed to disk)', () => {
  const HEAD = 4096;

  it('answers exactly what parseInstance answers, from the head alone, for native pixel data', () => {
    for (const transferSyntax of ['explicit-le', 'implicit-le'] as const) {
      const file = makeSeries({ slices: 1, rows: 128, columns: 128, transferSyntax }).files[0]!;
      expect(file.length).toBeGreaterThan(HEAD);
      expect(parseInstanceHead(file.subarray(0, HEAD), file.length)).toEqual(parseInstance(file));
    }
  });

  it('decides nothing (null) where the head cannot prove it: deflated, compressed, truncated, trailing bytes, short head', () => {
    const deflated = makeSeries({ slices: 1, rows: 128, columns: 128, transferSyntax: 'deflated-le' }).files[0]!;
    expect(parseInstanceHead(deflated.subarray(0, 256), deflated.length)).toBeNull();
    const file = makeSeries({ slices: 1, rows: 128, columns: 128 }).files[0]!;
    expect(parseInstanceHead(file.subarray(0, HEAD), file.length - 10)).toBeNull();
    expect(parseInstanceHead(file.subarray(0, HEAD), file.length + 2)).toBeNull();
    expect(parseInstanceHead(file.subarray(0, 200), file.length)).toBeNull();
  });

  it('read before the length is known (readInstanceHead), completed once it is: the answers of parseInstanceHead', () => {
    for (const transferSyntax of ['explicit-le', 'implicit-le'] as const) {
      const file = makeSeries({ slices: 1, rows: 128, columns: 128, transferSyntax }).files[0]!;
      const read = readInstanceHead(file.subarray(0, HEAD));
      expect(read?.end).toBe(file.length);
      expect(completeInstanceHead(read!, file.length)).toEqual(parseInstance(file));
      // The object turned out longer or shorter than its pixel data says: the head does not speak for it.
      expect(completeInstanceHead(read!, file.length + 2)).toBeNull();
      expect(completeInstanceHead(read!, file.length - 10)).toBeNull();
      expect(() => completeInstanceHead(read!, file.length, { maxBytes: 1_000 })).toThrow(/limit is 1000 bytes/);
    }
    const deflated = makeSeries({ slices: 1, rows: 128, columns: 128, transferSyntax: 'deflated-le' }).files[0]!;
    expect(readInstanceHead(deflated.subarray(0, HEAD))).toBeNull();
    expect(readInstanceHead(makeSeries({ slices: 1, rows: 128, columns: 128 }).files[0]!.subarray(0, 200))).toBeNull();
    expect(readInstanceHead(Buffer.alloc(HEAD))).toBeNull();
  });

  it("keeps a head's refusal until the length shows the head speaks for the object, then refuses as parseInstance", () => {
    const ct = makeSeries({ slices: 1, rows: 128, columns: 128, sopClass: '1.2.840.10008.5.1.4.1.1.2' }).files[0]!;
    const read = readInstanceHead(ct.subarray(0, HEAD));
    expect(read?.result).toBeInstanceOf(DicomRejectError);
    expect(completeInstanceHead(read!, ct.length + 2)).toBeNull();
    let refusal: unknown;
    try {
      completeInstanceHead(read!, ct.length);
    } catch (err) {
      refusal = err;
    }
    expect(refusal).toBeInstanceOf(DicomRejectError);
    expect((refusal as DicomRejectError).code).toBe(rejectCode(ct).code);
    expect((refusal as DicomRejectError).message).toBe(rejectCode(ct).message);
  });

  it('rejects like parseInstance when the whole object is in the head, and refuses oversize objects from their length', () => {
    const file = oneFile();
    expect(parseInstanceHead(file, file.length)).toEqual(parseInstance(file));
    expect(() => parseInstanceHead(file.subarray(0, 100), 10_000, { maxBytes: 5_000 })).toThrow(/limit is 5000 bytes/);
    expect(() => parseInstanceHead(Buffer.alloc(300), 300)).toThrow(DicomRejectError);
  });
});

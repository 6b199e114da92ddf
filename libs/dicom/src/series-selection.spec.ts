import { makeSeries, SYNTHETIC_ORIENTATION } from '@cruciate/testing';
import { describe, expect, it } from 'vitest';
import { parseInstance } from './parse-instance.js';
import { chooseSeries, planeOf, selectSeries, seriesHints } from './series-selection.js';
import type { SeriesSummary } from './types.js';

const deg = Math.PI / 180;

function summary(overrides: Partial<SeriesSummary> = {}): SeriesSummary {
  return {
    modality: 'MR',
    seriesDescription: 'SAG PD FS',
    bodyPartExamined: 'KNEE',
    imageOrientationPatient: SYNTHETIC_ORIENTATION.sagittal,
    instanceCount: 24,
    ...overrides,
  };
}

describe('planeOf', () => {
  it('classifies the three standard planes', () => {
    expect(planeOf(SYNTHETIC_ORIENTATION.sagittal)).toBe('SAGITTAL');
    expect(planeOf(SYNTHETIC_ORIENTATION.coronal)).toBe('CORONAL');
    expect(planeOf(SYNTHETIC_ORIENTATION.axial)).toBe('AXIAL');
  });

  it('reads the plane from the orientation stored in generated files', () => {
    for (const [plane, expected] of [
      ['sagittal', 'SAGITTAL'],
      ['coronal', 'CORONAL'],
      ['axial', 'AXIAL'],
    ] as const) {
      const parsed = parseInstance(makeSeries({ plane, slices: 1, rows: 8, columns: 8 }).files[0]!);
      expect(planeOf(parsed.imageOrientationPatient)).toBe(expected);
    }
  });

  it('keeps a sagittal plane tilted by 20 degrees sagittal, and calls 45 degrees oblique', () => {
    // Row along Y, column tilted from -Z towards X: the normal leaves the X axis by the tilt angle.
    const tilted = (angle: number) => [0, 1, 0, Math.sin(angle), 0, -Math.cos(angle)];
    expect(planeOf(tilted(20 * deg))).toBe('SAGITTAL');
    expect(planeOf(tilted(45 * deg))).toBe('OBLIQUE');
    // Axial rotated 45 degrees about X: normal (0, -0.71, 0.71).
    expect(planeOf([1, 0, 0, 0, Math.cos(45 * deg), Math.sin(45 * deg)])).toBe('OBLIQUE');
    // Coronal tilted 30 degrees: still coronal (cos 30 = 0.87 >= 0.8).
    expect(planeOf([Math.cos(30 * deg), Math.sin(30 * deg), 0, 0, 0, -1])).toBe('CORONAL');
  });

  it('does not depend on the sign or length of the direction cosines', () => {
    expect(planeOf([0, -2, 0, 0, 0, 3])).toBe('SAGITTAL');
  });

  it('is UNKNOWN without a usable orientation', () => {
    expect(planeOf(null)).toBe('UNKNOWN');
    expect(planeOf([1, 0, 0])).toBe('UNKNOWN');
    expect(planeOf([1, 0, 0, 1, 0, 0])).toBe('UNKNOWN');
    expect(planeOf([1, 0, 0, 0, Number.NaN, 0])).toBe('UNKNOWN');
  });
});

describe('seriesHints', () => {
  it('finds PD and FS however the description is spelled', () => {
    expect(seriesHints({ seriesDescription: 'sag_pd_fs_tse', bodyPartExamined: null })).toMatchObject({
      sagittal: true,
      protonDensity: true,
      fatSuppressed: true,
    });
    expect(seriesHints({ seriesDescription: 'PDFS SAG', bodyPartExamined: null })).toMatchObject({ sagittal: true, protonDensity: true, fatSuppressed: true });
    expect(seriesHints({ seriesDescription: 'PD FAT SAT', bodyPartExamined: null })).toMatchObject({ protonDensity: true, fatSuppressed: true });
    expect(seriesHints({ seriesDescription: 'Sagittal PD SPAIR', bodyPartExamined: null })).toMatchObject({ sagittal: true, fatSuppressed: true });
  });

  it('does not take fast spin echo (FSE) or T1 for PD/FS', () => {
    expect(seriesHints({ seriesDescription: 'SAG T1 FSE', bodyPartExamined: null })).toMatchObject({ protonDensity: false, fatSuppressed: false });
  });

  it('reads knee from the body part or the description and flags other body parts', () => {
    expect(seriesHints({ seriesDescription: null, bodyPartExamined: 'KNEE' })).toMatchObject({ knee: true, otherBodyPart: null });
    expect(seriesHints({ seriesDescription: 'Knie re PD', bodyPartExamined: null })).toMatchObject({ knee: true });
    expect(seriesHints({ seriesDescription: 'SAG PD', bodyPartExamined: 'SHOULDER' })).toMatchObject({ knee: false, otherBodyPart: 'SHOULDER' });
  });
});

describe('selectSeries', () => {
  it('selects a sagittal MR knee series and says why', () => {
    const selection = selectSeries(summary());
    expect(selection).toMatchObject({ selected: true, plane: 'SAGITTAL', planeSource: 'orientation' });
    expect(selection.reason).toContain("sagittal MR series with 24 slices (description 'SAG PD FS')");
    expect(selection.reason).toContain('knee, PD, FS');
  });

  it.each([
    ['coronal', SYNTHETIC_ORIENTATION.coronal, 'CORONAL'],
    ['axial', SYNTHETIC_ORIENTATION.axial, 'AXIAL'],
  ] as const)('rejects a %s series', (name, orientation, plane) => {
    const selection = selectSeries(summary({ imageOrientationPatient: orientation, seriesDescription: 'PD FS' }));
    expect(selection).toMatchObject({ selected: false, plane });
    expect(selection.reason).toBe(`${name} series (description 'PD FS'): the model reads sagittal slices`);
  });

  it('rejects an oblique series', () => {
    const selection = selectSeries(summary({ imageOrientationPatient: [1, 0, 0, 0, Math.SQRT1_2, Math.SQRT1_2] }));
    expect(selection).toMatchObject({ selected: false, plane: 'OBLIQUE' });
    expect(selection.reason).toContain('oblique');
  });

  it('rejects other modalities and a missing modality', () => {
    expect(selectSeries(summary({ modality: 'CT' }))).toMatchObject({ selected: false, reason: 'CT series: the model reads MR series' });
    expect(selectSeries(summary({ modality: null })).selected).toBe(false);
  });

  it('needs at least 8 slices by default, fewer when configured', () => {
    const few = summary({ instanceCount: 5 });
    expect(selectSeries(few)).toMatchObject({ selected: false });
    expect(selectSeries(few).reason).toContain('only 5 slices');
    expect(selectSeries(few).reason).toContain('at least 8');
    expect(selectSeries(summary({ instanceCount: 8 })).selected).toBe(true);
    expect(selectSeries(few, { minInstances: 4 }).selected).toBe(true);
  });

  it('takes the plane from the description when the orientation is missing', () => {
    const selection = selectSeries(summary({ imageOrientationPatient: null, seriesDescription: 'SAG PD' }));
    expect(selection).toMatchObject({ selected: true, plane: 'SAGITTAL', planeSource: 'description' });
    expect(selection.reason).toContain('sagittal per description');
    expect(selectSeries(summary({ imageOrientationPatient: null, seriesDescription: 'PD FS' }))).toMatchObject({ selected: false, plane: 'UNKNOWN' });
    expect(selectSeries(summary({ imageOrientationPatient: null, seriesDescription: 'SAG COR PD' })).selected).toBe(false);
  });

  it('selects a sagittal series without hints but says there were none', () => {
    const selection = selectSeries(summary({ seriesDescription: null, bodyPartExamined: null }));
    expect(selection.selected).toBe(true);
    expect(selection.reason).toContain('no knee/PD/FS hints');
    expect(selection.reason).toContain('(no description)');
  });

  it('rejects a sagittal MR series of another body part', () => {
    const selection = selectSeries(summary({ bodyPartExamined: 'SHOULDER' }));
    expect(selection.selected).toBe(false);
    expect(selection.reason).toContain("'SHOULDER'");
  });
});

describe('chooseSeries', () => {
  it('prefers PD+FS, then more slices', () => {
    const study = [
      summary({ seriesDescription: 'AX PD FS', imageOrientationPatient: SYNTHETIC_ORIENTATION.axial, instanceCount: 40 }),
      summary({ seriesDescription: 'SAG T1', instanceCount: 40 }),
      summary({ seriesDescription: 'SAG PD FS', instanceCount: 20 }),
      summary({ seriesDescription: 'SAG T2 FS', instanceCount: 36 }),
      summary({ seriesDescription: 'SAG PD FS', instanceCount: 24 }),
    ];
    expect(chooseSeries(study)).toBe(4);
    expect(chooseSeries(study.slice(0, 4))).toBe(2);
    expect(chooseSeries(study.slice(0, 2))).toBe(1);
  });

  it('keeps the earlier of two equal series and answers -1 when none is eligible', () => {
    expect(chooseSeries([summary(), summary()])).toBe(0);
    expect(chooseSeries([summary({ modality: 'CT' }), summary({ instanceCount: 3 })])).toBe(-1);
    expect(chooseSeries([])).toBe(-1);
  });
});

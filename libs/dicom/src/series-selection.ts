import type { Plane, SeriesSelection, SeriesSummary } from './types.js';

/** A plane's dominant normal component must reach this (cosine ~ 37 degrees) or the slice is OBLIQUE. */
export const PLANE_DOMINANCE = 0.8;

/** Fewer slices than this cannot cover the knee's central sagittal slices. */
export const DEFAULT_MIN_INSTANCES = 8;

/**
 * The imaging plane from ImageOrientationPatient (row then column direction cosines, LPS). The slice normal is
 * row x column; along patient X (left-right) it is SAGITTAL, Y (anterior-posterior) CORONAL, Z (feet-head) AXIAL.
 */
export function planeOf(imageOrientationPatient: readonly number[] | null): Plane {
  if (imageOrientationPatient?.length !== 6 || !imageOrientationPatient.every((v) => Number.isFinite(v))) return 'UNKNOWN';
  const [rx, ry, rz, cx, cy, cz] = imageOrientationPatient as readonly [number, number, number, number, number, number];
  const normal = [ry * cz - rz * cy, rz * cx - rx * cz, rx * cy - ry * cx] as const;
  const size = Math.hypot(...normal);
  if (size < 1e-6) return 'UNKNOWN';
  const abs = normal.map((v) => Math.abs(v / size));
  const dominant = Math.max(...abs);
  if (dominant < PLANE_DOMINANCE) return 'OBLIQUE';
  if (abs[0] === dominant) return 'SAGITTAL';
  if (abs[1] === dominant) return 'CORONAL';
  return 'AXIAL';
}

export interface SeriesHints {
  readonly sagittal: boolean;
  /** The description names another plane (COR, AX, TRA). */
  readonly otherPlane: boolean;
  readonly knee: boolean;
  readonly protonDensity: boolean;
  readonly fatSuppressed: boolean;
  /** BodyPartExamined is present and names something other than the knee. */
  readonly otherBodyPart: string | null;
}

const KNEE_BODY_PARTS = new Set(['KNEE', 'LEG', 'LOWER LIMB', 'EXTREMITY', 'LOWEREXTREMITY', 'LOWER EXTREMITY']);

/**
 * Hints read from SeriesDescription (split into alphanumeric tokens, case-insensitive: 'sag_pd_fs', 'PDFS SAG',
 * 'PD FAT SAT' all count) and BodyPartExamined. 'FSE' (fast spin echo) is not fat suppression.
 */
export function seriesHints(summary: Pick<SeriesSummary, 'seriesDescription' | 'bodyPartExamined'>): SeriesHints {
  const description = (summary.seriesDescription ?? '').toUpperCase();
  const tokens = description.split(/[^A-Z0-9]+/).filter((t) => t.length > 0);
  const joined = tokens.join(' ');
  const bodyPart = summary.bodyPartExamined?.trim().toUpperCase() || null;
  const any = (test: (token: string) => boolean): boolean => tokens.some(test);
  return {
    sagittal: any((t) => t.startsWith('SAG')),
    otherPlane: any((t) => t.startsWith('COR') || t.startsWith('AX') || t.startsWith('TRA')),
    knee: /KNEE|KNIE|GENOU|GINOCCHIO|RODILLA/.test(description) || (bodyPart !== null && KNEE_BODY_PARTS.has(bodyPart)),
    protonDensity: any((t) => t === 'DP' || /^(SAG)?PD/.test(t) || t.includes('PROTON')),
    fatSuppressed:
      any((t) => t.endsWith('FS') || t.startsWith('FATSAT') || t.startsWith('FATSUP') || ['SPAIR', 'SPIR', 'STIR', 'FSAT'].includes(t)) ||
      /\bFAT (SAT|SUP)/.test(joined),
    otherBodyPart: bodyPart !== null && !KNEE_BODY_PARTS.has(bodyPart) ? bodyPart : null,
  };
}

/** Where the plane came from: ImageOrientationPatient, the description (orientation absent), or neither. */
export type PlaneSource = 'orientation' | 'description' | 'none';

export interface SeriesDecision extends SeriesSelection {
  readonly planeSource: PlaneSource;
}

export interface SelectSeriesOptions {
  readonly minInstances?: number;
}

function describe(summary: SeriesSummary): string {
  return summary.seriesDescription ? ` (description '${summary.seriesDescription}')` : ' (no description)';
}

/**
 * Decides whether a series is what the model reads: a sagittal MR series of the knee with enough slices.
 * The reason explains the decision either way.
 */
export function selectSeries(summary: SeriesSummary, options: SelectSeriesOptions = {}): SeriesDecision {
  const minInstances = options.minInstances ?? DEFAULT_MIN_INSTANCES;
  const hints = seriesHints(summary);
  const geometric = planeOf(summary.imageOrientationPatient);
  const fromDescription = geometric === 'UNKNOWN' && hints.sagittal && !hints.otherPlane;
  const plane: Plane = fromDescription ? 'SAGITTAL' : geometric;
  const planeSource: PlaneSource = geometric !== 'UNKNOWN' ? 'orientation' : fromDescription ? 'description' : 'none';
  const reject = (reason: string): SeriesDecision => ({ selected: false, plane, planeSource, reason });
  const modality = summary.modality?.trim().toUpperCase() || null;

  if (modality !== 'MR') {
    return reject(modality === null ? 'series has no modality: the model reads MR series' : `${modality} series: the model reads MR series`);
  }
  if (plane !== 'SAGITTAL') {
    switch (plane) {
      case 'UNKNOWN':
        return reject(`orientation unknown and the description does not say sagittal${describe(summary)}: the model reads sagittal slices`);
      case 'OBLIQUE':
        return reject(`oblique series${describe(summary)}: the model reads sagittal slices`);
      case 'CORONAL':
      case 'AXIAL':
        return reject(`${plane.toLowerCase()} series${describe(summary)}: the model reads sagittal slices`);
    }
  }
  if (hints.otherBodyPart !== null) {
    return reject(`sagittal MR series of body part '${hints.otherBodyPart}', not a knee${describe(summary)}`);
  }
  if (summary.instanceCount < minInstances) {
    return reject(`sagittal MR series with only ${summary.instanceCount} slices${describe(summary)}: at least ${minInstances} are needed`);
  }

  const found = [hints.knee && 'knee', hints.protonDensity && 'PD', hints.fatSuppressed && 'FS'].filter((h): h is string => typeof h === 'string');
  const orientationNote = fromDescription ? '; orientation unknown, sagittal per description' : '';
  const hintNote = found.length > 0 ? `; hints: ${found.join(', ')}` : '; no knee/PD/FS hints in description or body part, selected on orientation';
  return {
    selected: true,
    plane,
    planeSource,
    reason: `sagittal MR series with ${summary.instanceCount} slices${describe(summary)}${orientationNote}${hintNote}`,
  };
}

/**
 * Among several series (typically of one study), the index of the one to classify, or -1 when none is eligible
 * (like Array.prototype.findIndex). Prefers proton-density fat-suppressed descriptions, then PD or FS alone, then
 * more slices, then the earlier one.
 */
export function chooseSeries(summaries: readonly SeriesSummary[], options: SelectSeriesOptions = {}): number {
  let best = -1;
  let bestWeight = -1;
  let bestSlices = -1;
  summaries.forEach((summary, index) => {
    if (!selectSeries(summary, options).selected) return;
    const hints = seriesHints(summary);
    const weight = (hints.protonDensity ? 1 : 0) + (hints.fatSuppressed ? 1 : 0);
    if (weight > bestWeight || (weight === bestWeight && summary.instanceCount > bestSlices)) {
      best = index;
      bestWeight = weight;
      bestSlices = summary.instanceCount;
    }
  });
  return best;
}

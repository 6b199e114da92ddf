import { data as dcmjsData, type DcmjsDict } from 'dcmjs';

/** VRs whose values are bulk data in the DICOM JSON model: never inlined here. */
export const BULK_DATA_VRS: ReadonlySet<string> = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'UN']);

/** dcmjs keeps the dictionary's ambiguous VRs ('US or SS', 'OB or OW', 'ox', 'xs') for some attributes. */
function normalizeVr(vr: string): string {
  if (vr === 'ox') return 'OW';
  if (vr === 'xs') return 'US';
  const first = vr.split(' or ')[0];
  return first && first.length === 2 ? first : 'UN';
}

type JsonAttribute = { vr: string; Value?: unknown[]; BulkDataURI?: string };

function personName(value: unknown): Record<string, string> | null {
  if (typeof value === 'string') return value === '' ? null : { Alphabetic: value };
  if (typeof value !== 'object' || value === null) return null;
  const out: Record<string, string> = {};
  for (const group of ['Alphabetic', 'Ideographic', 'Phonetic'] as const) {
    const part = (value as Record<string, unknown>)[group];
    if (typeof part === 'string' && part !== '') out[group] = part;
  }
  return Object.keys(out).length > 0 ? out : null;
}

function convert(dict: DcmjsDict, path: string, bulkDataUri: ((tag: string) => string) | undefined): Record<string, JsonAttribute> {
  const out: Record<string, JsonAttribute> = {};
  for (const rawTag of Object.keys(dict).sort()) {
    const element = dict[rawTag];
    if (!element) continue;
    const tag = rawTag.toUpperCase();
    const vr = normalizeVr(element.vr);
    const values = element.Value ?? [];
    if (BULK_DATA_VRS.has(vr)) {
      if (bulkDataUri) out[tag] = { vr, BulkDataURI: bulkDataUri(`${path}${tag}`) };
      continue;
    }
    let converted: unknown[];
    if (vr === 'SQ') {
      converted = values.map((item, index) => convert((item ?? {}) as DcmjsDict, `${path}${tag}/${index}/`, bulkDataUri));
    } else if (vr === 'AT') {
      // dcmjs reads AT as a number; the JSON model writes it as 8 hex digits.
      converted = values.map((v) => (typeof v === 'number' ? v.toString(16).toUpperCase().padStart(8, '0') : (v ?? null)));
    } else if (vr === 'PN') {
      converted = values.map(personName);
    } else {
      converted = values.map((v) => (v === '' || v === undefined ? null : v));
    }
    out[tag] = converted.length > 0 && converted.some((v) => v !== null) ? { vr, Value: converted } : { vr };
  }
  return out;
}

/**
 * The dataset (not the file meta information) of a Part 10 file in the DICOM JSON model (PS3.18 Annex F),
 * keyed by 8-hex-digit tags. Bulk data (OB/OD/OF/OL/OV/OW/UN, PixelData included) becomes `{ vr, BulkDataURI }` when
 * `bulkDataUri` is given and is left out otherwise; the callback receives the tag, or for attributes inside
 * sequences a path 'SEQTAG/itemIndex/TAG'. Empty attributes carry only their VR; PN values are {Alphabetic, ...};
 * AT values are 8 hex digits. dcmjs decodes text to Unicode and reports SpecificCharacterSet as 'ISO_IR 192'.
 */
export function toDicomJson(bytes: Uint8Array, bulkDataUri?: (tag: string) => string): Record<string, unknown> {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  let dict: DcmjsDict;
  try {
    dict = dcmjsData.DicomMessage.readFile(copy.buffer).dict;
  } catch (error) {
    throw new Error(`dcmjs could not read the dataset: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return convert(dict, '', bulkDataUri);
}

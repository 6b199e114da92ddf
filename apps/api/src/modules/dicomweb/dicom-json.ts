/** Small builders of PS3.18 Annex F DICOM JSON attributes. */
export type DicomJsonAttribute = { vr: string; Value?: unknown[] };
export type DicomJsonObject = Record<string, DicomJsonAttribute>;

export function attr(vr: string, ...values: (string | number | null | undefined | object)[]): DicomJsonAttribute {
  const present = values.filter((v) => v !== null && v !== undefined && v !== '');
  return present.length > 0 ? { vr, Value: present } : { vr };
}

/** STOW-RS / DIMSE failure reasons (PS3.18 Table 10.5.3-? and PS3.4 Annex B status codes). */
export const FAILURE = {
  PROCESSING_FAILURE: 0x0110,
  DUPLICATE_SOP_INSTANCE: 0x0111,
  SOP_CLASS_NOT_SUPPORTED: 0x0122,
  OUT_OF_RESOURCES: 0xa700,
  DATASET_DOES_NOT_MATCH_SOP_CLASS: 0xa900,
  CANNOT_UNDERSTAND: 0xc000,
  TRANSFER_SYNTAX_NOT_SUPPORTED: 0xc122,
} as const;

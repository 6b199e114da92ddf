/**
 * The small part of dcmjs (which ships no types) that this library uses: reading a Part 10 file into its
 * DICOM-JSON-like dictionary. Values are loosely typed on purpose; callers narrow them.
 */
declare module 'dcmjs' {
  /** One attribute as dcmjs reads it: `Value` holds strings, numbers, PN objects, ArrayBuffers or nested dicts. */
  export interface DcmjsElement {
    vr: string;
    Value?: unknown[];
    InlineBinary?: string;
    BulkDataURI?: string;
  }

  export type DcmjsDict = Record<string, DcmjsElement>;

  export interface DcmjsReadOptions {
    ignoreErrors?: boolean;
    untilTag?: string | null;
    includeUntilTagValue?: boolean;
    noCopy?: boolean;
    forceStoreRaw?: boolean;
  }

  export interface DcmjsDicomDict {
    meta: DcmjsDict;
    dict: DcmjsDict;
  }

  export const data: {
    DicomMessage: {
      readFile(buffer: ArrayBuffer, options?: DcmjsReadOptions): DcmjsDicomDict;
    };
  };
}

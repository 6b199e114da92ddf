import { SOP_CLASS, TRANSFER_SYNTAX } from '@cruciate/dicom';

export const VERIFICATION_SOP_CLASS = '1.2.840.10008.1.1';

/** Storage SOP classes the listener accepts: the ones ingest stores. */
export const STORAGE_SOP_CLASSES: ReadonlySet<string> = new Set(Object.values(SOP_CLASS));

/**
 * Transfer syntaxes accepted for storage: implicit and explicit VR little endian, deflated, and the compressed ones
 * ingest knows. Explicit VR big endian (retired) is not offered: an SCU that proposes it also proposes a little
 * endian one.
 */
export const STORAGE_TRANSFER_SYNTAXES: ReadonlySet<string> = new Set(
  Object.values(TRANSFER_SYNTAX).filter((uid) => uid !== TRANSFER_SYNTAX.EXPLICIT_VR_BIG_ENDIAN),
);

const VERIFICATION_TRANSFER_SYNTAXES: ReadonlySet<string> = new Set([TRANSFER_SYNTAX.IMPLICIT_VR_LITTLE_ENDIAN, TRANSFER_SYNTAX.EXPLICIT_VR_LITTLE_ENDIAN]);

export type ContextDecision =
  | { readonly result: 'accept'; readonly transferSyntaxUid: string }
  | { readonly result: 'abstract-syntax-not-supported' }
  | { readonly result: 'transfer-syntaxes-not-supported' };

/** Decides one proposed presentation context: the first proposed transfer syntax we support wins. */
export function negotiateContext(abstractSyntaxUid: string, proposedTransferSyntaxes: readonly string[]): ContextDecision {
  const abstract = stripUid(abstractSyntaxUid);
  const supported = abstract === VERIFICATION_SOP_CLASS ? VERIFICATION_TRANSFER_SYNTAXES : STORAGE_SOP_CLASSES.has(abstract) ? STORAGE_TRANSFER_SYNTAXES : null;
  if (!supported) return { result: 'abstract-syntax-not-supported' };
  for (const proposed of proposedTransferSyntaxes) {
    const uid = stripUid(proposed);
    if (supported.has(uid)) return { result: 'accept', transferSyntaxUid: uid };
  }
  return { result: 'transfer-syntaxes-not-supported' };
}

/** UIDs on the wire may carry a trailing NUL or space pad. */
export function stripUid(uid: string): string {
  return uid.replace(/[\0 ]+$/, '');
}

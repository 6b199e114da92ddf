import { describe, expect, it } from 'vitest';
import { negotiateContext } from './negotiation.js';

const MR = '1.2.840.10008.5.1.4.1.1.4';
const ENHANCED_MR = '1.2.840.10008.5.1.4.1.1.4.1';
const SECONDARY_CAPTURE = '1.2.840.10008.5.1.4.1.1.7';
const CT = '1.2.840.10008.5.1.4.1.1.2';
const IMPLICIT = '1.2.840.10008.1.2';
const EXPLICIT = '1.2.840.10008.1.2.1';
const BIG_ENDIAN = '1.2.840.10008.1.2.2';
const DEFLATED = '1.2.840.10008.1.2.1.99';
const J2K_LOSSLESS = '1.2.840.10008.1.2.4.90';
const RLE = '1.2.840.10008.1.2.5';

describe('negotiateContext', () => {
  it('accepts the storage classes with the first transfer syntax the SCU proposes that we support', () => {
    expect(negotiateContext(MR, [EXPLICIT, IMPLICIT])).toEqual({ result: 'accept', transferSyntaxUid: EXPLICIT });
    expect(negotiateContext(ENHANCED_MR, [BIG_ENDIAN, IMPLICIT, EXPLICIT])).toEqual({ result: 'accept', transferSyntaxUid: IMPLICIT });
    expect(negotiateContext(SECONDARY_CAPTURE, [J2K_LOSSLESS])).toEqual({ result: 'accept', transferSyntaxUid: J2K_LOSSLESS });
    expect(negotiateContext(MR, [RLE])).toEqual({ result: 'accept', transferSyntaxUid: RLE });
    expect(negotiateContext(MR, [DEFLATED])).toEqual({ result: 'accept', transferSyntaxUid: DEFLATED });
  });

  it('strips the NUL pad of UIDs from the wire', () => {
    expect(negotiateContext(`${MR}\0`, [`${EXPLICIT}\0`])).toEqual({ result: 'accept', transferSyntaxUid: EXPLICIT });
  });

  it('accepts Verification with an uncompressed syntax only', () => {
    expect(negotiateContext('1.2.840.10008.1.1', [IMPLICIT])).toEqual({ result: 'accept', transferSyntaxUid: IMPLICIT });
    expect(negotiateContext('1.2.840.10008.1.1', [J2K_LOSSLESS])).toEqual({ result: 'transfer-syntaxes-not-supported' });
  });

  it('rejects other abstract syntaxes and unsupported transfer syntaxes', () => {
    expect(negotiateContext(CT, [EXPLICIT])).toEqual({ result: 'abstract-syntax-not-supported' });
    expect(negotiateContext('1.2.840.10008.5.1.4.1.2.2.1', [IMPLICIT])).toEqual({ result: 'abstract-syntax-not-supported' });
    expect(negotiateContext(MR, [BIG_ENDIAN, '1.2.840.10008.1.2.4.100'])).toEqual({ result: 'transfer-syntaxes-not-supported' });
  });
});

import { describe, expect, it } from 'vitest';
import { type DomainErrorCode, httpStatusOf, publicCodeOf } from './errors.js';

const ALL_CODES: Record<DomainErrorCode, true> = {
  UNAUTHENTICATED: true,
  FORBIDDEN: true,
  NO_HOSPITAL: true,
  HOSPITAL_SUSPENDED: true,
  HOSPITAL_NOT_FOUND: true,
  SLUG_TAKEN: true,
  AE_TITLE_TAKEN: true,
  ALREADY_SUSPENDED: true,
  NOT_SUSPENDED: true,
  USER_NOT_FOUND: true,
  ALREADY_MEMBER: true,
  INVALID_ROLES: true,
  CANNOT_CHANGE_OWN_ADMIN_ROLE: true,
  SERVICE_ACCOUNT_NOT_FOUND: true,
  ALREADY_REVOKED: true,
  INVALID_INPUT: true,
  DICOM_REJECTED: true,
  INSTANCE_CONFLICT: true,
  BAD_REQUEST: true,
  UNSUPPORTED_MEDIA_TYPE: true,
  DICOM_NOT_FOUND: true,
  NOT_ACCEPTABLE: true,
  STUDY_NOT_FOUND: true,
  MODEL_VERSION_NOT_FOUND: true,
  MODEL_REJECTED: true,
  MODEL_VERSION_EXISTS: true,
  MODEL_TOO_LARGE: true,
  FINDING_NOT_FOUND: true,
  CAM_SLICE_OUT_OF_RANGE: true,
  CAM_LABEL_UNKNOWN: true,
  DIAGNOSIS_NOT_FOUND: true,
  DIAGNOSIS_LABEL_INVALID: true,
  DIAGNOSIS_ALREADY_SIGNED: true,
  DIAGNOSIS_ALREADY_AMENDED: true,
  STUDY_NOT_READY: true,
  READER_NOT_A_PERSON: true,
};

describe('domain error mapping', () => {
  it.each(Object.keys(ALL_CODES) as DomainErrorCode[])('%s maps to a public code and an HTTP status', (code) => {
    const pub = publicCodeOf(code);
    expect([
      'UNAUTHENTICATED',
      'FORBIDDEN',
      'NOT_FOUND',
      'BAD_USER_INPUT',
      'CONFLICT',
      'UNSUPPORTED_MEDIA_TYPE',
      'NOT_ACCEPTABLE',
      'PAYLOAD_TOO_LARGE',
    ]).toContain(pub);
    expect(httpStatusOf(pub)).toBeGreaterThanOrEqual(400);
  });

  it('not-found codes answer NOT_FOUND (never FORBIDDEN, which would reveal existence)', () => {
    expect(publicCodeOf('USER_NOT_FOUND')).toBe('NOT_FOUND');
    expect(publicCodeOf('SERVICE_ACCOUNT_NOT_FOUND')).toBe('NOT_FOUND');
    expect(publicCodeOf('HOSPITAL_NOT_FOUND')).toBe('NOT_FOUND');
  });

  it('an unmapped code fails loudly', () => {
    expect(() => publicCodeOf('NEW_CODE' as DomainErrorCode)).toThrow(/unmapped/);
  });
});

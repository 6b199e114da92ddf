import { GraphQLError } from 'graphql';
import type { AuthErrorCode } from '../auth/auth.errors.js';
import type { DicomwebErrorCode } from '../modules/dicomweb/dicomweb.errors.js';
import type { DiagnosisErrorCode } from '../modules/diagnosis/diagnosis.errors.js';
import type { FindingErrorCode } from '../modules/finding/finding.errors.js';
import type { ModelVersionErrorCode } from '../modules/model-version/model-version.errors.js';
import type { IngestErrorCode } from '../modules/ingest/ingest.errors.js';
import type { StudyErrorCode } from '../modules/study/study.errors.js';
import type { HospitalErrorCode } from '../modules/hospital/hospital.errors.js';
import type { ServiceAccountErrorCode } from '../modules/service-account/service-account.errors.js';
import type { UserErrorCode } from '../modules/user/user.errors.js';
import { DomainError } from './domain-error.js';

export type InputErrorCode = 'INVALID_INPUT';
export class InputError extends DomainError<InputErrorCode> {}

/** Every domain error code of the API. Adding a code fails typecheck until it is mapped below. */
export type DomainErrorCode =
  | AuthErrorCode
  | HospitalErrorCode
  | UserErrorCode
  | ServiceAccountErrorCode
  | InputErrorCode
  | IngestErrorCode
  | DicomwebErrorCode
  | StudyErrorCode
  | ModelVersionErrorCode
  | FindingErrorCode
  | DiagnosisErrorCode;

/** Codes clients see in `extensions.code`. */
export type PublicErrorCode =
  'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'BAD_USER_INPUT' | 'CONFLICT' | 'UNSUPPORTED_MEDIA_TYPE' | 'NOT_ACCEPTABLE' | 'PAYLOAD_TOO_LARGE';

export function publicCodeOf(code: DomainErrorCode): PublicErrorCode {
  switch (code) {
    case 'UNAUTHENTICATED':
    case 'NO_HOSPITAL':
      return 'UNAUTHENTICATED';
    case 'FORBIDDEN':
    case 'HOSPITAL_SUSPENDED':
    case 'CANNOT_CHANGE_OWN_ADMIN_ROLE':
      return 'FORBIDDEN';
    case 'HOSPITAL_NOT_FOUND':
    case 'USER_NOT_FOUND':
    case 'SERVICE_ACCOUNT_NOT_FOUND':
    case 'DICOM_NOT_FOUND':
    case 'STUDY_NOT_FOUND':
    case 'MODEL_VERSION_NOT_FOUND':
    case 'FINDING_NOT_FOUND':
    case 'DIAGNOSIS_NOT_FOUND':
      return 'NOT_FOUND';
    case 'SLUG_TAKEN':
    case 'AE_TITLE_TAKEN':
    case 'ALREADY_MEMBER':
    case 'ALREADY_SUSPENDED':
    case 'NOT_SUSPENDED':
    case 'ALREADY_REVOKED':
    case 'INSTANCE_CONFLICT':
    case 'MODEL_VERSION_EXISTS':
    case 'DIAGNOSIS_ALREADY_SIGNED':
    case 'DIAGNOSIS_ALREADY_AMENDED':
      return 'CONFLICT';
    case 'INVALID_INPUT':
    case 'INVALID_ROLES':
    case 'DICOM_REJECTED':
    case 'BAD_REQUEST':
    case 'MODEL_REJECTED':
    case 'CAM_SLICE_OUT_OF_RANGE':
    case 'CAM_LABEL_UNKNOWN':
    case 'DIAGNOSIS_LABEL_INVALID':
    case 'STUDY_NOT_READY':
      return 'BAD_USER_INPUT';
    case 'READER_NOT_A_PERSON':
      return 'FORBIDDEN';
    case 'MODEL_TOO_LARGE':
      return 'PAYLOAD_TOO_LARGE';
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 'NOT_ACCEPTABLE':
      return 'NOT_ACCEPTABLE';
    default: {
      const unmapped: never = code;
      throw new Error(`unmapped domain error code ${String(unmapped)}`);
    }
  }
}

export function isDomainError(err: unknown): err is DomainError<DomainErrorCode> {
  return err instanceof DomainError;
}

/** Maps a domain error to the GraphQL error the client sees. */
export function toGraphQLError(err: DomainError<DomainErrorCode>): GraphQLError {
  return new GraphQLError(err.message, {
    extensions: { code: publicCodeOf(err.code), reason: err.code, ...(err.field ? { field: err.field } : {}) },
  });
}

/** HTTP status for REST endpoints. */
export function httpStatusOf(code: PublicErrorCode): number {
  switch (code) {
    case 'UNAUTHENTICATED':
      return 401;
    case 'FORBIDDEN':
      return 403;
    case 'NOT_FOUND':
      return 404;
    case 'BAD_USER_INPUT':
      return 400;
    case 'CONFLICT':
      return 409;
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 415;
    case 'NOT_ACCEPTABLE':
      return 406;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    default: {
      const unmapped: never = code;
      throw new Error(`unmapped public error code ${String(unmapped)}`);
    }
  }
}

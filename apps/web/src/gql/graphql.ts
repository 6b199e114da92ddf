/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type ConfirmDiagnosisInput = {
  /** The diagnosis this one amends (signed diagnoses are never edited) */
  amendsId?: string | number | null | undefined;
  /** One of the labels of the model that analysed the study (e.g. partial_rupture) */
  label: string;
  note?: string | null | undefined;
  studyId: string | number;
};

export type CreateHospitalInput = {
  /** Invite this person as the first hospital admin */
  adminEmail?: string | null | undefined;
  /** Called AE title for DIMSE (1-16 of A-Z 0-9 _ -) */
  aeTitle?: string | null | undefined;
  name: string;
  /** URL-safe identifier, also the tenant claim value in tokens */
  slug: string;
};

export type CreateServiceAccountInput = {
  /** What the account is for, e.g. "PACS router" */
  name: string;
};

export type DicomSettingsInput = {
  /** The hospital's called AE title (1-16 of A-Z 0-9 _ -); null stops DIMSE ingest */
  aeTitle?: string | null | undefined;
  /** Calling AE titles allowed to send; empty: any */
  allowedCallingAes: Array<string>;
};

export type HospitalStatus = 'ACTIVE' | 'SUSPENDED';

export type InviteUserInput = {
  displayName?: string | null | undefined;
  email: string;
  roles: Array<Role>;
};

export type OrderDirection = 'ASC' | 'DESC';

export type PrincipalKind = 'SERVICE_ACCOUNT' | 'USER';

export type Role = 'CLINICIAN' | 'HOSPITAL_ADMIN' | 'INTEGRATOR' | 'PLATFORM_ADMIN';

export type SetUserRolesInput = {
  /** The complete new set of roles in this hospital (at least one) */
  roles: Array<Role>;
  userId: string | number;
};

export type StudyFilter = {
  /** AI class (the finding's predicted label, e.g. complete_rupture) */
  aiClass?: Array<string> | null | undefined;
  /** Study date from (YYYY-MM-DD, inclusive) */
  dateFrom?: string | null | undefined;
  /** Study date to (YYYY-MM-DD, inclusive) */
  dateTo?: string | null | undefined;
  /** Pseudonymous patient key (prefix of at least 8 hex digits) */
  patientKey?: string | null | undefined;
  status?: Array<StudyStatus> | null | undefined;
};

export type StudyOrder = {
  direction?: OrderDirection;
  field: StudyOrderField;
};

export type StudyOrderField = 'PRIORITY' | 'RECEIVED_AT' | 'STUDY_DATE';

export type StudyStatus = 'ANALYZED' | 'ANALYZING' | 'FAILED' | 'NOT_APPLICABLE' | 'QUEUED' | 'RECEIVING' | 'REVIEWED';

export type AuditEventsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  action?: string | null | undefined;
}>;

export type AuditEventsQuery = {
  __typename: 'Query';
  auditEvents: {
    __typename: 'AuditEventConnection';
    edges: Array<{
      __typename: 'AuditEventEdge';
      cursor: string;
      node: {
        __typename: 'AuditEvent';
        id: string;
        at: string;
        action: string;
        actorType: string;
        actorLabel: string;
        targetType: string;
        targetId: string;
        ip: string | null;
        detail: string;
      };
    }>;
    pageInfo: { __typename: 'PageInfo'; endCursor: string | null; hasNextPage: boolean };
  };
};

export type HospitalSettingsQueryVariables = Exact<{ [key: string]: never }>;

export type HospitalSettingsQuery = {
  __typename: 'Query';
  me: {
    __typename: 'Me';
    id: string;
    hospital: {
      __typename: 'Hospital';
      id: string;
      name: string;
      slug: string;
      aeTitle: string | null;
      allowedCallingAes: Array<string>;
      activeModelVersion: { __typename: 'ModelVersion'; id: string } | null;
    } | null;
  };
};

export type UpdateDicomSettingsMutationVariables = Exact<{
  input: DicomSettingsInput;
}>;

export type UpdateDicomSettingsMutation = {
  __typename: 'Mutation';
  updateDicomSettings: { __typename: 'Hospital'; id: string; aeTitle: string | null; allowedCallingAes: Array<string> };
};

export type AdminModelVersionsQueryVariables = Exact<{
  first?: number | null | undefined;
}>;

export type AdminModelVersionsQuery = {
  __typename: 'Query';
  modelVersions: {
    __typename: 'ModelVersionConnection';
    edges: Array<{
      __typename: 'ModelVersionEdge';
      node: { __typename: 'ModelVersion'; id: string; name: string; version: string; intendedUse: string; isBundled: boolean; createdAt: string } & {
        ' $fragmentRefs'?: { ModelUseBadge_ModelVersionFragment: ModelUseBadge_ModelVersionFragment };
      };
    }>;
  };
};

export type ActivateModelVersionMutationVariables = Exact<{
  versionId: string | number;
}>;

export type ActivateModelVersionMutation = {
  __typename: 'Mutation';
  activateModelVersion: {
    __typename: 'Hospital';
    id: string;
    activeModelVersion:
      | ({ __typename: 'ModelVersion'; id: string; labels: Array<string>; isNotForClinicalUse: boolean } & {
          ' $fragmentRefs'?: { ModelUseBadge_ModelVersionFragment: ModelUseBadge_ModelVersionFragment };
        })
      | null;
  };
};

export type ServiceAccountsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;

export type ServiceAccountsQuery = {
  __typename: 'Query';
  serviceAccounts: {
    __typename: 'ServiceAccountConnection';
    edges: Array<{
      __typename: 'ServiceAccountEdge';
      node: { __typename: 'ServiceAccount'; id: string; name: string; clientId: string; roles: Array<Role>; createdAt: string; revokedAt: string | null };
    }>;
    pageInfo: { __typename: 'PageInfo'; endCursor: string | null; hasNextPage: boolean };
  };
};

export type CreateServiceAccountMutationVariables = Exact<{
  input: CreateServiceAccountInput;
}>;

export type CreateServiceAccountMutation = {
  __typename: 'Mutation';
  createServiceAccount: {
    __typename: 'CreateServiceAccountPayload';
    clientId: string;
    clientSecret: string;
    serviceAccount: {
      __typename: 'ServiceAccount';
      id: string;
      name: string;
      clientId: string;
      roles: Array<Role>;
      createdAt: string;
      revokedAt: string | null;
    };
  };
};

export type RevokeServiceAccountMutationVariables = Exact<{
  id: string | number;
}>;

export type RevokeServiceAccountMutation = {
  __typename: 'Mutation';
  revokeServiceAccount: { __typename: 'ServiceAccount'; id: string; revokedAt: string | null };
};

export type AdminUserRow_HospitalUserFragment = {
  __typename: 'HospitalUser';
  id: string;
  displayName: string;
  email: string;
  roles: Array<Role>;
  hasSignedIn: boolean;
  memberSince: string;
} & { ' $fragmentName'?: 'AdminUserRow_HospitalUserFragment' };

export type AdminUsersQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;

export type AdminUsersQuery = {
  __typename: 'Query';
  hospitalUsers: {
    __typename: 'HospitalUserConnection';
    edges: Array<{
      __typename: 'HospitalUserEdge';
      cursor: string;
      node: { __typename: 'HospitalUser'; id: string } & { ' $fragmentRefs'?: { AdminUserRow_HospitalUserFragment: AdminUserRow_HospitalUserFragment } };
    }>;
    pageInfo: { __typename: 'PageInfo'; endCursor: string | null; hasNextPage: boolean };
  };
};

export type SetUserRolesMutationVariables = Exact<{
  input: SetUserRolesInput;
}>;

export type SetUserRolesMutation = {
  __typename: 'Mutation';
  setUserRoles: { __typename: 'HospitalUser'; id: string } & { ' $fragmentRefs'?: { AdminUserRow_HospitalUserFragment: AdminUserRow_HospitalUserFragment } };
};

export type InviteUserMutationVariables = Exact<{
  input: InviteUserInput;
}>;

export type InviteUserMutation = {
  __typename: 'Mutation';
  inviteUser: {
    __typename: 'InviteUserPayload';
    initialPassword: string | null;
    user: { __typename: 'HospitalUser'; id: string } & { ' $fragmentRefs'?: { AdminUserRow_HospitalUserFragment: AdminUserRow_HospitalUserFragment } };
  };
};

export type ModelCardQueryVariables = Exact<{
  id: string | number;
}>;

export type ModelCardQuery = {
  __typename: 'Query';
  modelVersion: {
    __typename: 'ModelVersion';
    id: string;
    name: string;
    version: string;
    intendedUse: string;
    isNotForClinicalUse: boolean;
    isBundled: boolean;
    trainedOn: string;
    labels: Array<string>;
    sha256: string;
    sizeBytes: number;
    createdAt: string;
    metrics: {
      __typename: 'ModelMetrics';
      accuracy: number | null;
      aucBinary: number | null;
      weightedF1: number | null;
      camLocalisationRatio: number | null;
      recall: Array<{ __typename: 'LabelMetric'; label: string; value: number }>;
    };
  } & { ' $fragmentRefs'?: { ModelUseBadge_ModelVersionFragment: ModelUseBadge_ModelVersionFragment } };
};

export type HospitalsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;

export type HospitalsQuery = {
  __typename: 'Query';
  hospitals: {
    __typename: 'HospitalConnection';
    edges: Array<{
      __typename: 'HospitalEdge';
      node: {
        __typename: 'Hospital';
        id: string;
        name: string;
        slug: string;
        status: HospitalStatus;
        aeTitle: string | null;
        createdAt: string;
        activeModelVersion: { __typename: 'ModelVersion'; id: string; name: string; version: string } | null;
      };
    }>;
    pageInfo: { __typename: 'PageInfo'; endCursor: string | null; hasNextPage: boolean };
  };
};

export type CreateHospitalMutationVariables = Exact<{
  input: CreateHospitalInput;
}>;

export type CreateHospitalMutation = {
  __typename: 'Mutation';
  createHospital: { __typename: 'Hospital'; id: string; name: string; slug: string; status: HospitalStatus };
};

export type SuspendHospitalMutationVariables = Exact<{
  id: string | number;
}>;

export type SuspendHospitalMutation = { __typename: 'Mutation'; suspendHospital: { __typename: 'Hospital'; id: string; status: HospitalStatus } };

export type ReactivateHospitalMutationVariables = Exact<{
  id: string | number;
}>;

export type ReactivateHospitalMutation = { __typename: 'Mutation'; reactivateHospital: { __typename: 'Hospital'; id: string; status: HospitalStatus } };

export type CurrentUserQueryVariables = Exact<{ [key: string]: never }>;

export type CurrentUserQuery = {
  __typename: 'Query';
  me: {
    __typename: 'Me';
    id: string;
    kind: PrincipalKind;
    displayName: string;
    email: string | null;
    roles: Array<Role>;
    hospital: {
      __typename: 'Hospital';
      id: string;
      name: string;
      slug: string;
      status: HospitalStatus;
      activeModelVersion:
        | ({ __typename: 'ModelVersion'; id: string; labels: Array<string>; isNotForClinicalUse: boolean } & {
            ' $fragmentRefs'?: { ModelUseBadge_ModelVersionFragment: ModelUseBadge_ModelVersionFragment };
          })
        | null;
    } | null;
  };
};

export type ModelUseBadge_ModelVersionFragment = {
  __typename: 'ModelVersion';
  id: string;
  name: string;
  version: string;
  intendedUse: string;
  isNotForClinicalUse: boolean;
} & { ' $fragmentName'?: 'ModelUseBadge_ModelVersionFragment' };

export type AiPanel_FindingFragment = {
  __typename: 'Finding';
  id: string;
  predictedClass: string;
  pUnhealthy: number;
  executionProvider: string;
  createdAt: string;
  probabilities: Array<{ __typename: 'LabelProbability'; label: string; probability: number }>;
  timings: {
    __typename: 'FindingTimings';
    queueWaitMs: number | null;
    readMs: number | null;
    decodeMs: number | null;
    preprocessMs: number | null;
    inferenceMs: number | null;
    camMs: number | null;
    totalMs: number | null;
  };
  modelVersion: { __typename: 'ModelVersion'; id: string; name: string; version: string; intendedUse: string; isNotForClinicalUse: boolean };
} & { ' $fragmentName'?: 'AiPanel_FindingFragment' };

export type DiagnosisPanel_StudyFragment = {
  __typename: 'Study';
  id: string;
  status: StudyStatus;
  diagnoses: Array<{
    __typename: 'Diagnosis';
    id: string;
    label: string;
    note: string | null;
    agreesWithAi: boolean | null;
    findingId: string | null;
    signedAt: string;
    amendsId: string | null;
    amendedById: string | null;
    reader: { __typename: 'DiagnosisReader'; id: string; displayName: string };
  }>;
} & { ' $fragmentName'?: 'DiagnosisPanel_StudyFragment' };

export type ConfirmDiagnosisMutationVariables = Exact<{
  input: ConfirmDiagnosisInput;
}>;

export type ConfirmDiagnosisMutation = {
  __typename: 'Mutation';
  confirmDiagnosis: {
    __typename: 'Diagnosis';
    id: string;
    label: string;
    note: string | null;
    agreesWithAi: boolean | null;
    findingId: string | null;
    signedAt: string;
    amendsId: string | null;
    amendedById: string | null;
    reader: { __typename: 'DiagnosisReader'; id: string; displayName: string };
  };
};

export type StudyPageQueryVariables = Exact<{
  id: string | number;
}>;

export type StudyPageQuery = {
  __typename: 'Query';
  study: {
    __typename: 'Study';
    id: string;
    studyInstanceUid: string;
    status: StudyStatus;
    statusReason: string | null;
    aiClass: string | null;
    pUnhealthy: number | null;
    studyDate: string | null;
    description: string | null;
    patient: { __typename: 'Patient'; key: string; sex: string | null; birthYear: number | null };
    series: Array<{
      __typename: 'Series';
      id: string;
      seriesInstanceUid: string;
      description: string | null;
      plane: string | null;
      instanceCount: number;
      selectedForInference: boolean;
      finding: { __typename: 'Finding'; id: string } | null;
    }>;
    findings: Array<
      {
        __typename: 'Finding';
        id: string;
        seriesInstanceUid: string;
        predictedClass: string;
        keySliceIndex: number;
        camUrl: string;
        probabilities: Array<{ __typename: 'LabelProbability'; label: string; probability: number }>;
        slices: Array<{ __typename: 'FindingSlice'; index: number; sopInstanceUid: string; instanceNumber: number | null }>;
        modelVersion: { __typename: 'ModelVersion'; id: string } & {
          ' $fragmentRefs'?: { ModelUseBadge_ModelVersionFragment: ModelUseBadge_ModelVersionFragment };
        };
      } & { ' $fragmentRefs'?: { AiPanel_FindingFragment: AiPanel_FindingFragment } }
    >;
  } & { ' $fragmentRefs'?: { DiagnosisPanel_StudyFragment: DiagnosisPanel_StudyFragment } };
};

export type StudyPageUpdatedSubscriptionVariables = Exact<{
  id: string | number;
}>;

export type StudyPageUpdatedSubscription = { __typename: 'Subscription'; studyUpdated: { __typename: 'StudyEvent'; studyId: string; status: StudyStatus } };

export type WorklistUpdatedSubscriptionVariables = Exact<{ [key: string]: never }>;

export type WorklistUpdatedSubscription = {
  __typename: 'Subscription';
  worklistUpdated: {
    __typename: 'StudyEvent';
    studyId: string;
    status: StudyStatus;
    study: ({ __typename: 'Study'; id: string } & { ' $fragmentRefs'?: { WorklistRow_StudyFragment: WorklistRow_StudyFragment } }) | null;
  };
};

export type WorklistQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  filter?: StudyFilter | null | undefined;
  orderBy?: StudyOrder | null | undefined;
}>;

export type WorklistQuery = {
  __typename: 'Query';
  studies: {
    __typename: 'StudyConnection';
    edges: Array<{
      __typename: 'StudyEdge';
      cursor: string;
      node: { __typename: 'Study'; id: string } & { ' $fragmentRefs'?: { WorklistRow_StudyFragment: WorklistRow_StudyFragment } };
    }>;
    pageInfo: { __typename: 'PageInfo'; endCursor: string | null; hasNextPage: boolean };
  };
};

export type WorklistRow_StudyFragment = {
  __typename: 'Study';
  id: string;
  studyDate: string | null;
  receivedAt: string;
  description: string | null;
  modalities: Array<string>;
  seriesCount: number;
  status: StudyStatus;
  statusReason: string | null;
  priority: number;
  aiClass: string | null;
  pUnhealthy: number | null;
  analyzedAt: string | null;
  patient: { __typename: 'Patient'; key: string };
} & { ' $fragmentName'?: 'WorklistRow_StudyFragment' };

export const AdminUserRow_HospitalUserFragmentDoc = {
  kind: 'Document',
  definitions: [
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'AdminUserRow_HospitalUser' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'HospitalUser' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'displayName' } },
          { kind: 'Field', name: { kind: 'Name', value: 'email' } },
          { kind: 'Field', name: { kind: 'Name', value: 'roles' } },
          { kind: 'Field', name: { kind: 'Name', value: 'hasSignedIn' } },
          { kind: 'Field', name: { kind: 'Name', value: 'memberSince' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<AdminUserRow_HospitalUserFragment, unknown>;
export const ModelUseBadge_ModelVersionFragmentDoc = {
  kind: 'Document',
  definitions: [
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'ModelUseBadge_ModelVersion' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'ModelVersion' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'name' } },
          { kind: 'Field', name: { kind: 'Name', value: 'version' } },
          { kind: 'Field', name: { kind: 'Name', value: 'intendedUse' } },
          { kind: 'Field', name: { kind: 'Name', value: 'isNotForClinicalUse' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<ModelUseBadge_ModelVersionFragment, unknown>;
export const AiPanel_FindingFragmentDoc = {
  kind: 'Document',
  definitions: [
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'AiPanel_Finding' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'Finding' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'predictedClass' } },
          { kind: 'Field', name: { kind: 'Name', value: 'pUnhealthy' } },
          { kind: 'Field', name: { kind: 'Name', value: 'executionProvider' } },
          { kind: 'Field', name: { kind: 'Name', value: 'createdAt' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'probabilities' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'label' } },
                { kind: 'Field', name: { kind: 'Name', value: 'probability' } },
              ],
            },
          },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'timings' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'queueWaitMs' } },
                { kind: 'Field', name: { kind: 'Name', value: 'readMs' } },
                { kind: 'Field', name: { kind: 'Name', value: 'decodeMs' } },
                { kind: 'Field', name: { kind: 'Name', value: 'preprocessMs' } },
                { kind: 'Field', name: { kind: 'Name', value: 'inferenceMs' } },
                { kind: 'Field', name: { kind: 'Name', value: 'camMs' } },
                { kind: 'Field', name: { kind: 'Name', value: 'totalMs' } },
              ],
            },
          },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'modelVersion' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                { kind: 'Field', name: { kind: 'Name', value: 'version' } },
                { kind: 'Field', name: { kind: 'Name', value: 'intendedUse' } },
                { kind: 'Field', name: { kind: 'Name', value: 'isNotForClinicalUse' } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<AiPanel_FindingFragment, unknown>;
export const DiagnosisPanel_StudyFragmentDoc = {
  kind: 'Document',
  definitions: [
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'DiagnosisPanel_Study' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'Study' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'status' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'diagnoses' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                { kind: 'Field', name: { kind: 'Name', value: 'label' } },
                { kind: 'Field', name: { kind: 'Name', value: 'note' } },
                { kind: 'Field', name: { kind: 'Name', value: 'agreesWithAi' } },
                { kind: 'Field', name: { kind: 'Name', value: 'findingId' } },
                { kind: 'Field', name: { kind: 'Name', value: 'signedAt' } },
                { kind: 'Field', name: { kind: 'Name', value: 'amendsId' } },
                { kind: 'Field', name: { kind: 'Name', value: 'amendedById' } },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'reader' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'displayName' } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<DiagnosisPanel_StudyFragment, unknown>;
export const WorklistRow_StudyFragmentDoc = {
  kind: 'Document',
  definitions: [
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'WorklistRow_Study' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'Study' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'patient' },
            selectionSet: { kind: 'SelectionSet', selections: [{ kind: 'Field', name: { kind: 'Name', value: 'key' } }] },
          },
          { kind: 'Field', name: { kind: 'Name', value: 'studyDate' } },
          { kind: 'Field', name: { kind: 'Name', value: 'receivedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'description' } },
          { kind: 'Field', name: { kind: 'Name', value: 'modalities' } },
          { kind: 'Field', name: { kind: 'Name', value: 'seriesCount' } },
          { kind: 'Field', name: { kind: 'Name', value: 'status' } },
          { kind: 'Field', name: { kind: 'Name', value: 'statusReason' } },
          { kind: 'Field', name: { kind: 'Name', value: 'priority' } },
          { kind: 'Field', name: { kind: 'Name', value: 'aiClass' } },
          { kind: 'Field', name: { kind: 'Name', value: 'pUnhealthy' } },
          { kind: 'Field', name: { kind: 'Name', value: 'analyzedAt' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<WorklistRow_StudyFragment, unknown>;
export const AuditEventsDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'AuditEvents' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'first' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'Int' } },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'after' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'String' } },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'action' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'String' } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'auditEvents' },
            arguments: [
              { kind: 'Argument', name: { kind: 'Name', value: 'first' }, value: { kind: 'Variable', name: { kind: 'Name', value: 'first' } } },
              { kind: 'Argument', name: { kind: 'Name', value: 'after' }, value: { kind: 'Variable', name: { kind: 'Name', value: 'after' } } },
              { kind: 'Argument', name: { kind: 'Name', value: 'action' }, value: { kind: 'Variable', name: { kind: 'Name', value: 'action' } } },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'edges' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'cursor' } },
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'node' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [
                            { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'at' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'action' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'actorType' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'actorLabel' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'targetType' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'targetId' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'ip' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'detail' } },
                          ],
                        },
                      },
                    ],
                  },
                },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'pageInfo' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'endCursor' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'hasNextPage' } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<AuditEventsQuery, AuditEventsQueryVariables>;
export const HospitalSettingsDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'HospitalSettings' },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'me' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'hospital' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'slug' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'aeTitle' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'allowedCallingAes' } },
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'activeModelVersion' },
                        selectionSet: { kind: 'SelectionSet', selections: [{ kind: 'Field', name: { kind: 'Name', value: 'id' } }] },
                      },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<HospitalSettingsQuery, HospitalSettingsQueryVariables>;
export const UpdateDicomSettingsDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'mutation',
      name: { kind: 'Name', value: 'UpdateDicomSettings' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'input' } },
          type: { kind: 'NonNullType', type: { kind: 'NamedType', name: { kind: 'Name', value: 'DicomSettingsInput' } } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'updateDicomSettings' },
            arguments: [{ kind: 'Argument', name: { kind: 'Name', value: 'input' }, value: { kind: 'Variable', name: { kind: 'Name', value: 'input' } } }],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                { kind: 'Field', name: { kind: 'Name', value: 'aeTitle' } },
                { kind: 'Field', name: { kind: 'Name', value: 'allowedCallingAes' } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<UpdateDicomSettingsMutation, UpdateDicomSettingsMutationVariables>;
export const AdminModelVersionsDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'AdminModelVersions' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'first' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'Int' } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'modelVersions' },
            arguments: [{ kind: 'Argument', name: { kind: 'Name', value: 'first' }, value: { kind: 'Variable', name: { kind: 'Name', value: 'first' } } }],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'edges' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'node' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [
                            { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'version' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'intendedUse' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'isBundled' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'createdAt' } },
                            { kind: 'FragmentSpread', name: { kind: 'Name', value: 'ModelUseBadge_ModelVersion' } },
                          ],
                        },
                      },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'ModelUseBadge_ModelVersion' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'ModelVersion' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'name' } },
          { kind: 'Field', name: { kind: 'Name', value: 'version' } },
          { kind: 'Field', name: { kind: 'Name', value: 'intendedUse' } },
          { kind: 'Field', name: { kind: 'Name', value: 'isNotForClinicalUse' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<AdminModelVersionsQuery, AdminModelVersionsQueryVariables>;
export const ActivateModelVersionDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'mutation',
      name: { kind: 'Name', value: 'ActivateModelVersion' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'versionId' } },
          type: { kind: 'NonNullType', type: { kind: 'NamedType', name: { kind: 'Name', value: 'ID' } } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'activateModelVersion' },
            arguments: [
              { kind: 'Argument', name: { kind: 'Name', value: 'versionId' }, value: { kind: 'Variable', name: { kind: 'Name', value: 'versionId' } } },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'activeModelVersion' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'labels' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'isNotForClinicalUse' } },
                      { kind: 'FragmentSpread', name: { kind: 'Name', value: 'ModelUseBadge_ModelVersion' } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'ModelUseBadge_ModelVersion' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'ModelVersion' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'name' } },
          { kind: 'Field', name: { kind: 'Name', value: 'version' } },
          { kind: 'Field', name: { kind: 'Name', value: 'intendedUse' } },
          { kind: 'Field', name: { kind: 'Name', value: 'isNotForClinicalUse' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<ActivateModelVersionMutation, ActivateModelVersionMutationVariables>;
export const ServiceAccountsDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'ServiceAccounts' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'first' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'Int' } },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'after' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'String' } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'serviceAccounts' },
            arguments: [
              { kind: 'Argument', name: { kind: 'Name', value: 'first' }, value: { kind: 'Variable', name: { kind: 'Name', value: 'first' } } },
              { kind: 'Argument', name: { kind: 'Name', value: 'after' }, value: { kind: 'Variable', name: { kind: 'Name', value: 'after' } } },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'edges' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'node' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [
                            { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'clientId' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'roles' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'createdAt' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'revokedAt' } },
                          ],
                        },
                      },
                    ],
                  },
                },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'pageInfo' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'endCursor' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'hasNextPage' } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<ServiceAccountsQuery, ServiceAccountsQueryVariables>;
export const CreateServiceAccountDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'mutation',
      name: { kind: 'Name', value: 'CreateServiceAccount' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'input' } },
          type: { kind: 'NonNullType', type: { kind: 'NamedType', name: { kind: 'Name', value: 'CreateServiceAccountInput' } } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'createServiceAccount' },
            arguments: [{ kind: 'Argument', name: { kind: 'Name', value: 'input' }, value: { kind: 'Variable', name: { kind: 'Name', value: 'input' } } }],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'clientId' } },
                { kind: 'Field', name: { kind: 'Name', value: 'clientSecret' } },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'serviceAccount' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'clientId' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'roles' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'createdAt' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'revokedAt' } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<CreateServiceAccountMutation, CreateServiceAccountMutationVariables>;
export const RevokeServiceAccountDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'mutation',
      name: { kind: 'Name', value: 'RevokeServiceAccount' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'id' } },
          type: { kind: 'NonNullType', type: { kind: 'NamedType', name: { kind: 'Name', value: 'ID' } } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'revokeServiceAccount' },
            arguments: [{ kind: 'Argument', name: { kind: 'Name', value: 'id' }, value: { kind: 'Variable', name: { kind: 'Name', value: 'id' } } }],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                { kind: 'Field', name: { kind: 'Name', value: 'revokedAt' } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<RevokeServiceAccountMutation, RevokeServiceAccountMutationVariables>;
export const AdminUsersDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'AdminUsers' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'first' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'Int' } },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'after' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'String' } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'hospitalUsers' },
            arguments: [
              { kind: 'Argument', name: { kind: 'Name', value: 'first' }, value: { kind: 'Variable', name: { kind: 'Name', value: 'first' } } },
              { kind: 'Argument', name: { kind: 'Name', value: 'after' }, value: { kind: 'Variable', name: { kind: 'Name', value: 'after' } } },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'edges' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'cursor' } },
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'node' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [
                            { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                            { kind: 'FragmentSpread', name: { kind: 'Name', value: 'AdminUserRow_HospitalUser' } },
                          ],
                        },
                      },
                    ],
                  },
                },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'pageInfo' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'endCursor' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'hasNextPage' } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'AdminUserRow_HospitalUser' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'HospitalUser' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'displayName' } },
          { kind: 'Field', name: { kind: 'Name', value: 'email' } },
          { kind: 'Field', name: { kind: 'Name', value: 'roles' } },
          { kind: 'Field', name: { kind: 'Name', value: 'hasSignedIn' } },
          { kind: 'Field', name: { kind: 'Name', value: 'memberSince' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<AdminUsersQuery, AdminUsersQueryVariables>;
export const SetUserRolesDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'mutation',
      name: { kind: 'Name', value: 'SetUserRoles' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'input' } },
          type: { kind: 'NonNullType', type: { kind: 'NamedType', name: { kind: 'Name', value: 'SetUserRolesInput' } } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'setUserRoles' },
            arguments: [{ kind: 'Argument', name: { kind: 'Name', value: 'input' }, value: { kind: 'Variable', name: { kind: 'Name', value: 'input' } } }],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                { kind: 'FragmentSpread', name: { kind: 'Name', value: 'AdminUserRow_HospitalUser' } },
              ],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'AdminUserRow_HospitalUser' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'HospitalUser' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'displayName' } },
          { kind: 'Field', name: { kind: 'Name', value: 'email' } },
          { kind: 'Field', name: { kind: 'Name', value: 'roles' } },
          { kind: 'Field', name: { kind: 'Name', value: 'hasSignedIn' } },
          { kind: 'Field', name: { kind: 'Name', value: 'memberSince' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<SetUserRolesMutation, SetUserRolesMutationVariables>;
export const InviteUserDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'mutation',
      name: { kind: 'Name', value: 'InviteUser' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'input' } },
          type: { kind: 'NonNullType', type: { kind: 'NamedType', name: { kind: 'Name', value: 'InviteUserInput' } } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'inviteUser' },
            arguments: [{ kind: 'Argument', name: { kind: 'Name', value: 'input' }, value: { kind: 'Variable', name: { kind: 'Name', value: 'input' } } }],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'initialPassword' } },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'user' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                      { kind: 'FragmentSpread', name: { kind: 'Name', value: 'AdminUserRow_HospitalUser' } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'AdminUserRow_HospitalUser' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'HospitalUser' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'displayName' } },
          { kind: 'Field', name: { kind: 'Name', value: 'email' } },
          { kind: 'Field', name: { kind: 'Name', value: 'roles' } },
          { kind: 'Field', name: { kind: 'Name', value: 'hasSignedIn' } },
          { kind: 'Field', name: { kind: 'Name', value: 'memberSince' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<InviteUserMutation, InviteUserMutationVariables>;
export const ModelCardDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'ModelCard' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'id' } },
          type: { kind: 'NonNullType', type: { kind: 'NamedType', name: { kind: 'Name', value: 'ID' } } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'modelVersion' },
            arguments: [{ kind: 'Argument', name: { kind: 'Name', value: 'id' }, value: { kind: 'Variable', name: { kind: 'Name', value: 'id' } } }],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                { kind: 'Field', name: { kind: 'Name', value: 'version' } },
                { kind: 'Field', name: { kind: 'Name', value: 'intendedUse' } },
                { kind: 'Field', name: { kind: 'Name', value: 'isNotForClinicalUse' } },
                { kind: 'Field', name: { kind: 'Name', value: 'isBundled' } },
                { kind: 'Field', name: { kind: 'Name', value: 'trainedOn' } },
                { kind: 'Field', name: { kind: 'Name', value: 'labels' } },
                { kind: 'Field', name: { kind: 'Name', value: 'sha256' } },
                { kind: 'Field', name: { kind: 'Name', value: 'sizeBytes' } },
                { kind: 'Field', name: { kind: 'Name', value: 'createdAt' } },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'metrics' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'accuracy' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'aucBinary' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'weightedF1' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'camLocalisationRatio' } },
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'recall' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [
                            { kind: 'Field', name: { kind: 'Name', value: 'label' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'value' } },
                          ],
                        },
                      },
                    ],
                  },
                },
                { kind: 'FragmentSpread', name: { kind: 'Name', value: 'ModelUseBadge_ModelVersion' } },
              ],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'ModelUseBadge_ModelVersion' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'ModelVersion' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'name' } },
          { kind: 'Field', name: { kind: 'Name', value: 'version' } },
          { kind: 'Field', name: { kind: 'Name', value: 'intendedUse' } },
          { kind: 'Field', name: { kind: 'Name', value: 'isNotForClinicalUse' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<ModelCardQuery, ModelCardQueryVariables>;
export const HospitalsDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'Hospitals' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'first' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'Int' } },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'after' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'String' } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'hospitals' },
            arguments: [
              { kind: 'Argument', name: { kind: 'Name', value: 'first' }, value: { kind: 'Variable', name: { kind: 'Name', value: 'first' } } },
              { kind: 'Argument', name: { kind: 'Name', value: 'after' }, value: { kind: 'Variable', name: { kind: 'Name', value: 'after' } } },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'edges' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'node' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [
                            { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'slug' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'status' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'aeTitle' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'createdAt' } },
                            {
                              kind: 'Field',
                              name: { kind: 'Name', value: 'activeModelVersion' },
                              selectionSet: {
                                kind: 'SelectionSet',
                                selections: [
                                  { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                                  { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                                  { kind: 'Field', name: { kind: 'Name', value: 'version' } },
                                ],
                              },
                            },
                          ],
                        },
                      },
                    ],
                  },
                },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'pageInfo' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'endCursor' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'hasNextPage' } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<HospitalsQuery, HospitalsQueryVariables>;
export const CreateHospitalDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'mutation',
      name: { kind: 'Name', value: 'CreateHospital' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'input' } },
          type: { kind: 'NonNullType', type: { kind: 'NamedType', name: { kind: 'Name', value: 'CreateHospitalInput' } } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'createHospital' },
            arguments: [{ kind: 'Argument', name: { kind: 'Name', value: 'input' }, value: { kind: 'Variable', name: { kind: 'Name', value: 'input' } } }],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                { kind: 'Field', name: { kind: 'Name', value: 'slug' } },
                { kind: 'Field', name: { kind: 'Name', value: 'status' } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<CreateHospitalMutation, CreateHospitalMutationVariables>;
export const SuspendHospitalDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'mutation',
      name: { kind: 'Name', value: 'SuspendHospital' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'id' } },
          type: { kind: 'NonNullType', type: { kind: 'NamedType', name: { kind: 'Name', value: 'ID' } } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'suspendHospital' },
            arguments: [{ kind: 'Argument', name: { kind: 'Name', value: 'id' }, value: { kind: 'Variable', name: { kind: 'Name', value: 'id' } } }],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                { kind: 'Field', name: { kind: 'Name', value: 'status' } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<SuspendHospitalMutation, SuspendHospitalMutationVariables>;
export const ReactivateHospitalDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'mutation',
      name: { kind: 'Name', value: 'ReactivateHospital' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'id' } },
          type: { kind: 'NonNullType', type: { kind: 'NamedType', name: { kind: 'Name', value: 'ID' } } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'reactivateHospital' },
            arguments: [{ kind: 'Argument', name: { kind: 'Name', value: 'id' }, value: { kind: 'Variable', name: { kind: 'Name', value: 'id' } } }],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                { kind: 'Field', name: { kind: 'Name', value: 'status' } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<ReactivateHospitalMutation, ReactivateHospitalMutationVariables>;
export const CurrentUserDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'CurrentUser' },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'me' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                { kind: 'Field', name: { kind: 'Name', value: 'kind' } },
                { kind: 'Field', name: { kind: 'Name', value: 'displayName' } },
                { kind: 'Field', name: { kind: 'Name', value: 'email' } },
                { kind: 'Field', name: { kind: 'Name', value: 'roles' } },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'hospital' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'slug' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'status' } },
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'activeModelVersion' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [
                            { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'labels' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'isNotForClinicalUse' } },
                            { kind: 'FragmentSpread', name: { kind: 'Name', value: 'ModelUseBadge_ModelVersion' } },
                          ],
                        },
                      },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'ModelUseBadge_ModelVersion' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'ModelVersion' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'name' } },
          { kind: 'Field', name: { kind: 'Name', value: 'version' } },
          { kind: 'Field', name: { kind: 'Name', value: 'intendedUse' } },
          { kind: 'Field', name: { kind: 'Name', value: 'isNotForClinicalUse' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<CurrentUserQuery, CurrentUserQueryVariables>;
export const ConfirmDiagnosisDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'mutation',
      name: { kind: 'Name', value: 'ConfirmDiagnosis' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'input' } },
          type: { kind: 'NonNullType', type: { kind: 'NamedType', name: { kind: 'Name', value: 'ConfirmDiagnosisInput' } } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'confirmDiagnosis' },
            arguments: [{ kind: 'Argument', name: { kind: 'Name', value: 'input' }, value: { kind: 'Variable', name: { kind: 'Name', value: 'input' } } }],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                { kind: 'Field', name: { kind: 'Name', value: 'label' } },
                { kind: 'Field', name: { kind: 'Name', value: 'note' } },
                { kind: 'Field', name: { kind: 'Name', value: 'agreesWithAi' } },
                { kind: 'Field', name: { kind: 'Name', value: 'findingId' } },
                { kind: 'Field', name: { kind: 'Name', value: 'signedAt' } },
                { kind: 'Field', name: { kind: 'Name', value: 'amendsId' } },
                { kind: 'Field', name: { kind: 'Name', value: 'amendedById' } },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'reader' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'displayName' } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<ConfirmDiagnosisMutation, ConfirmDiagnosisMutationVariables>;
export const StudyPageDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'StudyPage' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'id' } },
          type: { kind: 'NonNullType', type: { kind: 'NamedType', name: { kind: 'Name', value: 'ID' } } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'study' },
            arguments: [{ kind: 'Argument', name: { kind: 'Name', value: 'id' }, value: { kind: 'Variable', name: { kind: 'Name', value: 'id' } } }],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                { kind: 'Field', name: { kind: 'Name', value: 'studyInstanceUid' } },
                { kind: 'Field', name: { kind: 'Name', value: 'status' } },
                { kind: 'Field', name: { kind: 'Name', value: 'statusReason' } },
                { kind: 'Field', name: { kind: 'Name', value: 'aiClass' } },
                { kind: 'Field', name: { kind: 'Name', value: 'pUnhealthy' } },
                { kind: 'Field', name: { kind: 'Name', value: 'studyDate' } },
                { kind: 'Field', name: { kind: 'Name', value: 'description' } },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'patient' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'key' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'sex' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'birthYear' } },
                    ],
                  },
                },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'series' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'seriesInstanceUid' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'description' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'plane' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'instanceCount' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'selectedForInference' } },
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'finding' },
                        selectionSet: { kind: 'SelectionSet', selections: [{ kind: 'Field', name: { kind: 'Name', value: 'id' } }] },
                      },
                    ],
                  },
                },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'findings' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'seriesInstanceUid' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'predictedClass' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'keySliceIndex' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'camUrl' } },
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'probabilities' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [
                            { kind: 'Field', name: { kind: 'Name', value: 'label' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'probability' } },
                          ],
                        },
                      },
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'slices' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [
                            { kind: 'Field', name: { kind: 'Name', value: 'index' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'sopInstanceUid' } },
                            { kind: 'Field', name: { kind: 'Name', value: 'instanceNumber' } },
                          ],
                        },
                      },
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'modelVersion' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [
                            { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                            { kind: 'FragmentSpread', name: { kind: 'Name', value: 'ModelUseBadge_ModelVersion' } },
                          ],
                        },
                      },
                      { kind: 'FragmentSpread', name: { kind: 'Name', value: 'AiPanel_Finding' } },
                    ],
                  },
                },
                { kind: 'FragmentSpread', name: { kind: 'Name', value: 'DiagnosisPanel_Study' } },
              ],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'ModelUseBadge_ModelVersion' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'ModelVersion' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'name' } },
          { kind: 'Field', name: { kind: 'Name', value: 'version' } },
          { kind: 'Field', name: { kind: 'Name', value: 'intendedUse' } },
          { kind: 'Field', name: { kind: 'Name', value: 'isNotForClinicalUse' } },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'AiPanel_Finding' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'Finding' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'predictedClass' } },
          { kind: 'Field', name: { kind: 'Name', value: 'pUnhealthy' } },
          { kind: 'Field', name: { kind: 'Name', value: 'executionProvider' } },
          { kind: 'Field', name: { kind: 'Name', value: 'createdAt' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'probabilities' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'label' } },
                { kind: 'Field', name: { kind: 'Name', value: 'probability' } },
              ],
            },
          },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'timings' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'queueWaitMs' } },
                { kind: 'Field', name: { kind: 'Name', value: 'readMs' } },
                { kind: 'Field', name: { kind: 'Name', value: 'decodeMs' } },
                { kind: 'Field', name: { kind: 'Name', value: 'preprocessMs' } },
                { kind: 'Field', name: { kind: 'Name', value: 'inferenceMs' } },
                { kind: 'Field', name: { kind: 'Name', value: 'camMs' } },
                { kind: 'Field', name: { kind: 'Name', value: 'totalMs' } },
              ],
            },
          },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'modelVersion' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                { kind: 'Field', name: { kind: 'Name', value: 'version' } },
                { kind: 'Field', name: { kind: 'Name', value: 'intendedUse' } },
                { kind: 'Field', name: { kind: 'Name', value: 'isNotForClinicalUse' } },
              ],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'DiagnosisPanel_Study' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'Study' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'status' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'diagnoses' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                { kind: 'Field', name: { kind: 'Name', value: 'label' } },
                { kind: 'Field', name: { kind: 'Name', value: 'note' } },
                { kind: 'Field', name: { kind: 'Name', value: 'agreesWithAi' } },
                { kind: 'Field', name: { kind: 'Name', value: 'findingId' } },
                { kind: 'Field', name: { kind: 'Name', value: 'signedAt' } },
                { kind: 'Field', name: { kind: 'Name', value: 'amendsId' } },
                { kind: 'Field', name: { kind: 'Name', value: 'amendedById' } },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'reader' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'displayName' } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<StudyPageQuery, StudyPageQueryVariables>;
export const StudyPageUpdatedDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'subscription',
      name: { kind: 'Name', value: 'StudyPageUpdated' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'id' } },
          type: { kind: 'NonNullType', type: { kind: 'NamedType', name: { kind: 'Name', value: 'ID' } } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'studyUpdated' },
            arguments: [{ kind: 'Argument', name: { kind: 'Name', value: 'id' }, value: { kind: 'Variable', name: { kind: 'Name', value: 'id' } } }],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'studyId' } },
                { kind: 'Field', name: { kind: 'Name', value: 'status' } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<StudyPageUpdatedSubscription, StudyPageUpdatedSubscriptionVariables>;
export const WorklistUpdatedDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'subscription',
      name: { kind: 'Name', value: 'WorklistUpdated' },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'worklistUpdated' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'studyId' } },
                { kind: 'Field', name: { kind: 'Name', value: 'status' } },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'study' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                      { kind: 'FragmentSpread', name: { kind: 'Name', value: 'WorklistRow_Study' } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'WorklistRow_Study' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'Study' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'patient' },
            selectionSet: { kind: 'SelectionSet', selections: [{ kind: 'Field', name: { kind: 'Name', value: 'key' } }] },
          },
          { kind: 'Field', name: { kind: 'Name', value: 'studyDate' } },
          { kind: 'Field', name: { kind: 'Name', value: 'receivedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'description' } },
          { kind: 'Field', name: { kind: 'Name', value: 'modalities' } },
          { kind: 'Field', name: { kind: 'Name', value: 'seriesCount' } },
          { kind: 'Field', name: { kind: 'Name', value: 'status' } },
          { kind: 'Field', name: { kind: 'Name', value: 'statusReason' } },
          { kind: 'Field', name: { kind: 'Name', value: 'priority' } },
          { kind: 'Field', name: { kind: 'Name', value: 'aiClass' } },
          { kind: 'Field', name: { kind: 'Name', value: 'pUnhealthy' } },
          { kind: 'Field', name: { kind: 'Name', value: 'analyzedAt' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<WorklistUpdatedSubscription, WorklistUpdatedSubscriptionVariables>;
export const WorklistDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'Worklist' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'first' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'Int' } },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'after' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'String' } },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'filter' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'StudyFilter' } },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'orderBy' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'StudyOrder' } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'studies' },
            arguments: [
              { kind: 'Argument', name: { kind: 'Name', value: 'first' }, value: { kind: 'Variable', name: { kind: 'Name', value: 'first' } } },
              { kind: 'Argument', name: { kind: 'Name', value: 'after' }, value: { kind: 'Variable', name: { kind: 'Name', value: 'after' } } },
              { kind: 'Argument', name: { kind: 'Name', value: 'filter' }, value: { kind: 'Variable', name: { kind: 'Name', value: 'filter' } } },
              { kind: 'Argument', name: { kind: 'Name', value: 'orderBy' }, value: { kind: 'Variable', name: { kind: 'Name', value: 'orderBy' } } },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'edges' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'cursor' } },
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'node' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [
                            { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                            { kind: 'FragmentSpread', name: { kind: 'Name', value: 'WorklistRow_Study' } },
                          ],
                        },
                      },
                    ],
                  },
                },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'pageInfo' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'endCursor' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'hasNextPage' } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'WorklistRow_Study' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'Study' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'patient' },
            selectionSet: { kind: 'SelectionSet', selections: [{ kind: 'Field', name: { kind: 'Name', value: 'key' } }] },
          },
          { kind: 'Field', name: { kind: 'Name', value: 'studyDate' } },
          { kind: 'Field', name: { kind: 'Name', value: 'receivedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'description' } },
          { kind: 'Field', name: { kind: 'Name', value: 'modalities' } },
          { kind: 'Field', name: { kind: 'Name', value: 'seriesCount' } },
          { kind: 'Field', name: { kind: 'Name', value: 'status' } },
          { kind: 'Field', name: { kind: 'Name', value: 'statusReason' } },
          { kind: 'Field', name: { kind: 'Name', value: 'priority' } },
          { kind: 'Field', name: { kind: 'Name', value: 'aiClass' } },
          { kind: 'Field', name: { kind: 'Name', value: 'pUnhealthy' } },
          { kind: 'Field', name: { kind: 'Name', value: 'analyzedAt' } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<WorklistQuery, WorklistQueryVariables>;

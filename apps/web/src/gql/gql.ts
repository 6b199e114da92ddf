/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
  '\n  query AuditEvents($first: Int, $after: String, $action: String) {\n    auditEvents(first: $first, after: $after, action: $action) {\n      edges {\n        cursor\n        node {\n          id\n          at\n          action\n          actorType\n          actorLabel\n          targetType\n          targetId\n          ip\n          detail\n        }\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n': typeof types.AuditEventsDocument;
  '\n  query HospitalSettings {\n    me {\n      id\n      hospital {\n        id\n        name\n        slug\n        aeTitle\n        allowedCallingAes\n        activeModelVersion {\n          id\n        }\n      }\n    }\n  }\n': typeof types.HospitalSettingsDocument;
  '\n  mutation UpdateDicomSettings($input: DicomSettingsInput!) {\n    updateDicomSettings(input: $input) {\n      id\n      aeTitle\n      allowedCallingAes\n    }\n  }\n': typeof types.UpdateDicomSettingsDocument;
  '\n  query AdminModelVersions($first: Int) {\n    modelVersions(first: $first) {\n      edges {\n        node {\n          id\n          name\n          version\n          intendedUse\n          isBundled\n          createdAt\n          ...ModelUseBadge_ModelVersion\n        }\n      }\n    }\n  }\n': typeof types.AdminModelVersionsDocument;
  '\n  mutation ActivateModelVersion($versionId: ID!) {\n    activateModelVersion(versionId: $versionId) {\n      id\n      activeModelVersion {\n        id\n        labels\n        isNotForClinicalUse\n        ...ModelUseBadge_ModelVersion\n      }\n    }\n  }\n': typeof types.ActivateModelVersionDocument;
  '\n  query ServiceAccounts($first: Int, $after: String) {\n    serviceAccounts(first: $first, after: $after) {\n      edges {\n        node {\n          id\n          name\n          clientId\n          roles\n          createdAt\n          revokedAt\n        }\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n': typeof types.ServiceAccountsDocument;
  '\n  mutation CreateServiceAccount($input: CreateServiceAccountInput!) {\n    createServiceAccount(input: $input) {\n      clientId\n      clientSecret\n      serviceAccount {\n        id\n        name\n        clientId\n        roles\n        createdAt\n        revokedAt\n      }\n    }\n  }\n': typeof types.CreateServiceAccountDocument;
  '\n  mutation RevokeServiceAccount($id: ID!) {\n    revokeServiceAccount(id: $id) {\n      id\n      revokedAt\n    }\n  }\n': typeof types.RevokeServiceAccountDocument;
  '\n  fragment AdminUserRow_HospitalUser on HospitalUser {\n    id\n    displayName\n    email\n    roles\n    hasSignedIn\n    memberSince\n  }\n': typeof types.AdminUserRow_HospitalUserFragmentDoc;
  '\n  query AdminUsers($first: Int, $after: String) {\n    hospitalUsers(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          id\n          ...AdminUserRow_HospitalUser\n        }\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n': typeof types.AdminUsersDocument;
  '\n  mutation SetUserRoles($input: SetUserRolesInput!) {\n    setUserRoles(input: $input) {\n      id\n      ...AdminUserRow_HospitalUser\n    }\n  }\n': typeof types.SetUserRolesDocument;
  '\n  mutation InviteUser($input: InviteUserInput!) {\n    inviteUser(input: $input) {\n      initialPassword\n      user {\n        id\n        ...AdminUserRow_HospitalUser\n      }\n    }\n  }\n': typeof types.InviteUserDocument;
  '\n  query ModelCard($id: ID!) {\n    modelVersion(id: $id) {\n      id\n      name\n      version\n      intendedUse\n      isNotForClinicalUse\n      isBundled\n      trainedOn\n      labels\n      sha256\n      sizeBytes\n      createdAt\n      metrics {\n        accuracy\n        aucBinary\n        weightedF1\n        camLocalisationRatio\n        recall {\n          label\n          value\n        }\n      }\n      ...ModelUseBadge_ModelVersion\n    }\n  }\n': typeof types.ModelCardDocument;
  '\n  query Hospitals($first: Int, $after: String) {\n    hospitals(first: $first, after: $after) {\n      edges {\n        node {\n          id\n          name\n          slug\n          status\n          aeTitle\n          createdAt\n          activeModelVersion {\n            id\n            name\n            version\n          }\n        }\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n': typeof types.HospitalsDocument;
  '\n  mutation CreateHospital($input: CreateHospitalInput!) {\n    createHospital(input: $input) {\n      id\n      name\n      slug\n      status\n    }\n  }\n': typeof types.CreateHospitalDocument;
  '\n  mutation SuspendHospital($id: ID!) {\n    suspendHospital(id: $id) {\n      id\n      status\n    }\n  }\n': typeof types.SuspendHospitalDocument;
  '\n  mutation ReactivateHospital($id: ID!) {\n    reactivateHospital(id: $id) {\n      id\n      status\n    }\n  }\n': typeof types.ReactivateHospitalDocument;
  '\n  query CurrentUser {\n    me {\n      id\n      kind\n      displayName\n      email\n      roles\n      hospital {\n        id\n        name\n        slug\n        status\n        activeModelVersion {\n          id\n          labels\n          isNotForClinicalUse\n          ...ModelUseBadge_ModelVersion\n        }\n      }\n    }\n  }\n': typeof types.CurrentUserDocument;
  '\n  fragment ModelUseBadge_ModelVersion on ModelVersion {\n    id\n    name\n    version\n    intendedUse\n    isNotForClinicalUse\n  }\n': typeof types.ModelUseBadge_ModelVersionFragmentDoc;
  '\n  fragment AiPanel_Finding on Finding {\n    id\n    predictedClass\n    pUnhealthy\n    executionProvider\n    createdAt\n    probabilities {\n      label\n      probability\n    }\n    timings {\n      queueWaitMs\n      readMs\n      decodeMs\n      preprocessMs\n      inferenceMs\n      camMs\n      totalMs\n    }\n    modelVersion {\n      id\n      name\n      version\n      intendedUse\n      isNotForClinicalUse\n    }\n  }\n': typeof types.AiPanel_FindingFragmentDoc;
  '\n  fragment DiagnosisPanel_Study on Study {\n    id\n    status\n    diagnoses {\n      id\n      label\n      note\n      agreesWithAi\n      findingId\n      signedAt\n      amendsId\n      amendedById\n      reader {\n        id\n        displayName\n      }\n    }\n  }\n': typeof types.DiagnosisPanel_StudyFragmentDoc;
  '\n  mutation ConfirmDiagnosis($input: ConfirmDiagnosisInput!) {\n    confirmDiagnosis(input: $input) {\n      id\n      label\n      note\n      agreesWithAi\n      findingId\n      signedAt\n      amendsId\n      amendedById\n      reader {\n        id\n        displayName\n      }\n    }\n  }\n': typeof types.ConfirmDiagnosisDocument;
  '\n  query StudyPage($id: ID!) {\n    study(id: $id) {\n      id\n      studyInstanceUid\n      status\n      statusReason\n      aiClass\n      pUnhealthy\n      studyDate\n      description\n      patient {\n        key\n        sex\n        birthYear\n      }\n      series {\n        id\n        seriesInstanceUid\n        description\n        plane\n        instanceCount\n        selectedForInference\n        finding {\n          id\n        }\n      }\n      findings {\n        id\n        seriesInstanceUid\n        predictedClass\n        keySliceIndex\n        camUrl\n        probabilities {\n          label\n          probability\n        }\n        slices {\n          index\n          sopInstanceUid\n          instanceNumber\n        }\n        modelVersion {\n          id\n          ...ModelUseBadge_ModelVersion\n        }\n        ...AiPanel_Finding\n      }\n      ...DiagnosisPanel_Study\n    }\n  }\n': typeof types.StudyPageDocument;
  '\n  subscription StudyPageUpdated($id: ID!) {\n    studyUpdated(id: $id) {\n      studyId\n      status\n    }\n  }\n': typeof types.StudyPageUpdatedDocument;
  '\n  subscription WorklistUpdated {\n    worklistUpdated {\n      studyId\n      status\n      study {\n        id\n        ...WorklistRow_Study\n      }\n    }\n  }\n': typeof types.WorklistUpdatedDocument;
  '\n  query Worklist($first: Int, $after: String, $filter: StudyFilter, $orderBy: StudyOrder) {\n    studies(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {\n      edges {\n        cursor\n        node {\n          id\n          ...WorklistRow_Study\n        }\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n': typeof types.WorklistDocument;
  '\n  fragment WorklistRow_Study on Study {\n    id\n    patient {\n      key\n    }\n    studyDate\n    receivedAt\n    description\n    modalities\n    seriesCount\n    status\n    statusReason\n    priority\n    aiClass\n    pUnhealthy\n    analyzedAt\n  }\n': typeof types.WorklistRow_StudyFragmentDoc;
};
const documents: Documents = {
  '\n  query AuditEvents($first: Int, $after: String, $action: String) {\n    auditEvents(first: $first, after: $after, action: $action) {\n      edges {\n        cursor\n        node {\n          id\n          at\n          action\n          actorType\n          actorLabel\n          targetType\n          targetId\n          ip\n          detail\n        }\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n':
    types.AuditEventsDocument,
  '\n  query HospitalSettings {\n    me {\n      id\n      hospital {\n        id\n        name\n        slug\n        aeTitle\n        allowedCallingAes\n        activeModelVersion {\n          id\n        }\n      }\n    }\n  }\n':
    types.HospitalSettingsDocument,
  '\n  mutation UpdateDicomSettings($input: DicomSettingsInput!) {\n    updateDicomSettings(input: $input) {\n      id\n      aeTitle\n      allowedCallingAes\n    }\n  }\n':
    types.UpdateDicomSettingsDocument,
  '\n  query AdminModelVersions($first: Int) {\n    modelVersions(first: $first) {\n      edges {\n        node {\n          id\n          name\n          version\n          intendedUse\n          isBundled\n          createdAt\n          ...ModelUseBadge_ModelVersion\n        }\n      }\n    }\n  }\n':
    types.AdminModelVersionsDocument,
  '\n  mutation ActivateModelVersion($versionId: ID!) {\n    activateModelVersion(versionId: $versionId) {\n      id\n      activeModelVersion {\n        id\n        labels\n        isNotForClinicalUse\n        ...ModelUseBadge_ModelVersion\n      }\n    }\n  }\n':
    types.ActivateModelVersionDocument,
  '\n  query ServiceAccounts($first: Int, $after: String) {\n    serviceAccounts(first: $first, after: $after) {\n      edges {\n        node {\n          id\n          name\n          clientId\n          roles\n          createdAt\n          revokedAt\n        }\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n':
    types.ServiceAccountsDocument,
  '\n  mutation CreateServiceAccount($input: CreateServiceAccountInput!) {\n    createServiceAccount(input: $input) {\n      clientId\n      clientSecret\n      serviceAccount {\n        id\n        name\n        clientId\n        roles\n        createdAt\n        revokedAt\n      }\n    }\n  }\n':
    types.CreateServiceAccountDocument,
  '\n  mutation RevokeServiceAccount($id: ID!) {\n    revokeServiceAccount(id: $id) {\n      id\n      revokedAt\n    }\n  }\n':
    types.RevokeServiceAccountDocument,
  '\n  fragment AdminUserRow_HospitalUser on HospitalUser {\n    id\n    displayName\n    email\n    roles\n    hasSignedIn\n    memberSince\n  }\n':
    types.AdminUserRow_HospitalUserFragmentDoc,
  '\n  query AdminUsers($first: Int, $after: String) {\n    hospitalUsers(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          id\n          ...AdminUserRow_HospitalUser\n        }\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n':
    types.AdminUsersDocument,
  '\n  mutation SetUserRoles($input: SetUserRolesInput!) {\n    setUserRoles(input: $input) {\n      id\n      ...AdminUserRow_HospitalUser\n    }\n  }\n':
    types.SetUserRolesDocument,
  '\n  mutation InviteUser($input: InviteUserInput!) {\n    inviteUser(input: $input) {\n      initialPassword\n      user {\n        id\n        ...AdminUserRow_HospitalUser\n      }\n    }\n  }\n':
    types.InviteUserDocument,
  '\n  query ModelCard($id: ID!) {\n    modelVersion(id: $id) {\n      id\n      name\n      version\n      intendedUse\n      isNotForClinicalUse\n      isBundled\n      trainedOn\n      labels\n      sha256\n      sizeBytes\n      createdAt\n      metrics {\n        accuracy\n        aucBinary\n        weightedF1\n        camLocalisationRatio\n        recall {\n          label\n          value\n        }\n      }\n      ...ModelUseBadge_ModelVersion\n    }\n  }\n':
    types.ModelCardDocument,
  '\n  query Hospitals($first: Int, $after: String) {\n    hospitals(first: $first, after: $after) {\n      edges {\n        node {\n          id\n          name\n          slug\n          status\n          aeTitle\n          createdAt\n          activeModelVersion {\n            id\n            name\n            version\n          }\n        }\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n':
    types.HospitalsDocument,
  '\n  mutation CreateHospital($input: CreateHospitalInput!) {\n    createHospital(input: $input) {\n      id\n      name\n      slug\n      status\n    }\n  }\n':
    types.CreateHospitalDocument,
  '\n  mutation SuspendHospital($id: ID!) {\n    suspendHospital(id: $id) {\n      id\n      status\n    }\n  }\n': types.SuspendHospitalDocument,
  '\n  mutation ReactivateHospital($id: ID!) {\n    reactivateHospital(id: $id) {\n      id\n      status\n    }\n  }\n': types.ReactivateHospitalDocument,
  '\n  query CurrentUser {\n    me {\n      id\n      kind\n      displayName\n      email\n      roles\n      hospital {\n        id\n        name\n        slug\n        status\n        activeModelVersion {\n          id\n          labels\n          isNotForClinicalUse\n          ...ModelUseBadge_ModelVersion\n        }\n      }\n    }\n  }\n':
    types.CurrentUserDocument,
  '\n  fragment ModelUseBadge_ModelVersion on ModelVersion {\n    id\n    name\n    version\n    intendedUse\n    isNotForClinicalUse\n  }\n':
    types.ModelUseBadge_ModelVersionFragmentDoc,
  '\n  fragment AiPanel_Finding on Finding {\n    id\n    predictedClass\n    pUnhealthy\n    executionProvider\n    createdAt\n    probabilities {\n      label\n      probability\n    }\n    timings {\n      queueWaitMs\n      readMs\n      decodeMs\n      preprocessMs\n      inferenceMs\n      camMs\n      totalMs\n    }\n    modelVersion {\n      id\n      name\n      version\n      intendedUse\n      isNotForClinicalUse\n    }\n  }\n':
    types.AiPanel_FindingFragmentDoc,
  '\n  fragment DiagnosisPanel_Study on Study {\n    id\n    status\n    diagnoses {\n      id\n      label\n      note\n      agreesWithAi\n      findingId\n      signedAt\n      amendsId\n      amendedById\n      reader {\n        id\n        displayName\n      }\n    }\n  }\n':
    types.DiagnosisPanel_StudyFragmentDoc,
  '\n  mutation ConfirmDiagnosis($input: ConfirmDiagnosisInput!) {\n    confirmDiagnosis(input: $input) {\n      id\n      label\n      note\n      agreesWithAi\n      findingId\n      signedAt\n      amendsId\n      amendedById\n      reader {\n        id\n        displayName\n      }\n    }\n  }\n':
    types.ConfirmDiagnosisDocument,
  '\n  query StudyPage($id: ID!) {\n    study(id: $id) {\n      id\n      studyInstanceUid\n      status\n      statusReason\n      aiClass\n      pUnhealthy\n      studyDate\n      description\n      patient {\n        key\n        sex\n        birthYear\n      }\n      series {\n        id\n        seriesInstanceUid\n        description\n        plane\n        instanceCount\n        selectedForInference\n        finding {\n          id\n        }\n      }\n      findings {\n        id\n        seriesInstanceUid\n        predictedClass\n        keySliceIndex\n        camUrl\n        probabilities {\n          label\n          probability\n        }\n        slices {\n          index\n          sopInstanceUid\n          instanceNumber\n        }\n        modelVersion {\n          id\n          ...ModelUseBadge_ModelVersion\n        }\n        ...AiPanel_Finding\n      }\n      ...DiagnosisPanel_Study\n    }\n  }\n':
    types.StudyPageDocument,
  '\n  subscription StudyPageUpdated($id: ID!) {\n    studyUpdated(id: $id) {\n      studyId\n      status\n    }\n  }\n': types.StudyPageUpdatedDocument,
  '\n  subscription WorklistUpdated {\n    worklistUpdated {\n      studyId\n      status\n      study {\n        id\n        ...WorklistRow_Study\n      }\n    }\n  }\n':
    types.WorklistUpdatedDocument,
  '\n  query Worklist($first: Int, $after: String, $filter: StudyFilter, $orderBy: StudyOrder) {\n    studies(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {\n      edges {\n        cursor\n        node {\n          id\n          ...WorklistRow_Study\n        }\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n':
    types.WorklistDocument,
  '\n  fragment WorklistRow_Study on Study {\n    id\n    patient {\n      key\n    }\n    studyDate\n    receivedAt\n    description\n    modalities\n    seriesCount\n    status\n    statusReason\n    priority\n    aiClass\n    pUnhealthy\n    analyzedAt\n  }\n':
    types.WorklistRow_StudyFragmentDoc,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query AuditEvents($first: Int, $after: String, $action: String) {\n    auditEvents(first: $first, after: $after, action: $action) {\n      edges {\n        cursor\n        node {\n          id\n          at\n          action\n          actorType\n          actorLabel\n          targetType\n          targetId\n          ip\n          detail\n        }\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n',
): (typeof documents)['\n  query AuditEvents($first: Int, $after: String, $action: String) {\n    auditEvents(first: $first, after: $after, action: $action) {\n      edges {\n        cursor\n        node {\n          id\n          at\n          action\n          actorType\n          actorLabel\n          targetType\n          targetId\n          ip\n          detail\n        }\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query HospitalSettings {\n    me {\n      id\n      hospital {\n        id\n        name\n        slug\n        aeTitle\n        allowedCallingAes\n        activeModelVersion {\n          id\n        }\n      }\n    }\n  }\n',
): (typeof documents)['\n  query HospitalSettings {\n    me {\n      id\n      hospital {\n        id\n        name\n        slug\n        aeTitle\n        allowedCallingAes\n        activeModelVersion {\n          id\n        }\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation UpdateDicomSettings($input: DicomSettingsInput!) {\n    updateDicomSettings(input: $input) {\n      id\n      aeTitle\n      allowedCallingAes\n    }\n  }\n',
): (typeof documents)['\n  mutation UpdateDicomSettings($input: DicomSettingsInput!) {\n    updateDicomSettings(input: $input) {\n      id\n      aeTitle\n      allowedCallingAes\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query AdminModelVersions($first: Int) {\n    modelVersions(first: $first) {\n      edges {\n        node {\n          id\n          name\n          version\n          intendedUse\n          isBundled\n          createdAt\n          ...ModelUseBadge_ModelVersion\n        }\n      }\n    }\n  }\n',
): (typeof documents)['\n  query AdminModelVersions($first: Int) {\n    modelVersions(first: $first) {\n      edges {\n        node {\n          id\n          name\n          version\n          intendedUse\n          isBundled\n          createdAt\n          ...ModelUseBadge_ModelVersion\n        }\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation ActivateModelVersion($versionId: ID!) {\n    activateModelVersion(versionId: $versionId) {\n      id\n      activeModelVersion {\n        id\n        labels\n        isNotForClinicalUse\n        ...ModelUseBadge_ModelVersion\n      }\n    }\n  }\n',
): (typeof documents)['\n  mutation ActivateModelVersion($versionId: ID!) {\n    activateModelVersion(versionId: $versionId) {\n      id\n      activeModelVersion {\n        id\n        labels\n        isNotForClinicalUse\n        ...ModelUseBadge_ModelVersion\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query ServiceAccounts($first: Int, $after: String) {\n    serviceAccounts(first: $first, after: $after) {\n      edges {\n        node {\n          id\n          name\n          clientId\n          roles\n          createdAt\n          revokedAt\n        }\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n',
): (typeof documents)['\n  query ServiceAccounts($first: Int, $after: String) {\n    serviceAccounts(first: $first, after: $after) {\n      edges {\n        node {\n          id\n          name\n          clientId\n          roles\n          createdAt\n          revokedAt\n        }\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation CreateServiceAccount($input: CreateServiceAccountInput!) {\n    createServiceAccount(input: $input) {\n      clientId\n      clientSecret\n      serviceAccount {\n        id\n        name\n        clientId\n        roles\n        createdAt\n        revokedAt\n      }\n    }\n  }\n',
): (typeof documents)['\n  mutation CreateServiceAccount($input: CreateServiceAccountInput!) {\n    createServiceAccount(input: $input) {\n      clientId\n      clientSecret\n      serviceAccount {\n        id\n        name\n        clientId\n        roles\n        createdAt\n        revokedAt\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation RevokeServiceAccount($id: ID!) {\n    revokeServiceAccount(id: $id) {\n      id\n      revokedAt\n    }\n  }\n',
): (typeof documents)['\n  mutation RevokeServiceAccount($id: ID!) {\n    revokeServiceAccount(id: $id) {\n      id\n      revokedAt\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  fragment AdminUserRow_HospitalUser on HospitalUser {\n    id\n    displayName\n    email\n    roles\n    hasSignedIn\n    memberSince\n  }\n',
): (typeof documents)['\n  fragment AdminUserRow_HospitalUser on HospitalUser {\n    id\n    displayName\n    email\n    roles\n    hasSignedIn\n    memberSince\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query AdminUsers($first: Int, $after: String) {\n    hospitalUsers(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          id\n          ...AdminUserRow_HospitalUser\n        }\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n',
): (typeof documents)['\n  query AdminUsers($first: Int, $after: String) {\n    hospitalUsers(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          id\n          ...AdminUserRow_HospitalUser\n        }\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation SetUserRoles($input: SetUserRolesInput!) {\n    setUserRoles(input: $input) {\n      id\n      ...AdminUserRow_HospitalUser\n    }\n  }\n',
): (typeof documents)['\n  mutation SetUserRoles($input: SetUserRolesInput!) {\n    setUserRoles(input: $input) {\n      id\n      ...AdminUserRow_HospitalUser\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation InviteUser($input: InviteUserInput!) {\n    inviteUser(input: $input) {\n      initialPassword\n      user {\n        id\n        ...AdminUserRow_HospitalUser\n      }\n    }\n  }\n',
): (typeof documents)['\n  mutation InviteUser($input: InviteUserInput!) {\n    inviteUser(input: $input) {\n      initialPassword\n      user {\n        id\n        ...AdminUserRow_HospitalUser\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query ModelCard($id: ID!) {\n    modelVersion(id: $id) {\n      id\n      name\n      version\n      intendedUse\n      isNotForClinicalUse\n      isBundled\n      trainedOn\n      labels\n      sha256\n      sizeBytes\n      createdAt\n      metrics {\n        accuracy\n        aucBinary\n        weightedF1\n        camLocalisationRatio\n        recall {\n          label\n          value\n        }\n      }\n      ...ModelUseBadge_ModelVersion\n    }\n  }\n',
): (typeof documents)['\n  query ModelCard($id: ID!) {\n    modelVersion(id: $id) {\n      id\n      name\n      version\n      intendedUse\n      isNotForClinicalUse\n      isBundled\n      trainedOn\n      labels\n      sha256\n      sizeBytes\n      createdAt\n      metrics {\n        accuracy\n        aucBinary\n        weightedF1\n        camLocalisationRatio\n        recall {\n          label\n          value\n        }\n      }\n      ...ModelUseBadge_ModelVersion\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query Hospitals($first: Int, $after: String) {\n    hospitals(first: $first, after: $after) {\n      edges {\n        node {\n          id\n          name\n          slug\n          status\n          aeTitle\n          createdAt\n          activeModelVersion {\n            id\n            name\n            version\n          }\n        }\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n',
): (typeof documents)['\n  query Hospitals($first: Int, $after: String) {\n    hospitals(first: $first, after: $after) {\n      edges {\n        node {\n          id\n          name\n          slug\n          status\n          aeTitle\n          createdAt\n          activeModelVersion {\n            id\n            name\n            version\n          }\n        }\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation CreateHospital($input: CreateHospitalInput!) {\n    createHospital(input: $input) {\n      id\n      name\n      slug\n      status\n    }\n  }\n',
): (typeof documents)['\n  mutation CreateHospital($input: CreateHospitalInput!) {\n    createHospital(input: $input) {\n      id\n      name\n      slug\n      status\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation SuspendHospital($id: ID!) {\n    suspendHospital(id: $id) {\n      id\n      status\n    }\n  }\n',
): (typeof documents)['\n  mutation SuspendHospital($id: ID!) {\n    suspendHospital(id: $id) {\n      id\n      status\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation ReactivateHospital($id: ID!) {\n    reactivateHospital(id: $id) {\n      id\n      status\n    }\n  }\n',
): (typeof documents)['\n  mutation ReactivateHospital($id: ID!) {\n    reactivateHospital(id: $id) {\n      id\n      status\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query CurrentUser {\n    me {\n      id\n      kind\n      displayName\n      email\n      roles\n      hospital {\n        id\n        name\n        slug\n        status\n        activeModelVersion {\n          id\n          labels\n          isNotForClinicalUse\n          ...ModelUseBadge_ModelVersion\n        }\n      }\n    }\n  }\n',
): (typeof documents)['\n  query CurrentUser {\n    me {\n      id\n      kind\n      displayName\n      email\n      roles\n      hospital {\n        id\n        name\n        slug\n        status\n        activeModelVersion {\n          id\n          labels\n          isNotForClinicalUse\n          ...ModelUseBadge_ModelVersion\n        }\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  fragment ModelUseBadge_ModelVersion on ModelVersion {\n    id\n    name\n    version\n    intendedUse\n    isNotForClinicalUse\n  }\n',
): (typeof documents)['\n  fragment ModelUseBadge_ModelVersion on ModelVersion {\n    id\n    name\n    version\n    intendedUse\n    isNotForClinicalUse\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  fragment AiPanel_Finding on Finding {\n    id\n    predictedClass\n    pUnhealthy\n    executionProvider\n    createdAt\n    probabilities {\n      label\n      probability\n    }\n    timings {\n      queueWaitMs\n      readMs\n      decodeMs\n      preprocessMs\n      inferenceMs\n      camMs\n      totalMs\n    }\n    modelVersion {\n      id\n      name\n      version\n      intendedUse\n      isNotForClinicalUse\n    }\n  }\n',
): (typeof documents)['\n  fragment AiPanel_Finding on Finding {\n    id\n    predictedClass\n    pUnhealthy\n    executionProvider\n    createdAt\n    probabilities {\n      label\n      probability\n    }\n    timings {\n      queueWaitMs\n      readMs\n      decodeMs\n      preprocessMs\n      inferenceMs\n      camMs\n      totalMs\n    }\n    modelVersion {\n      id\n      name\n      version\n      intendedUse\n      isNotForClinicalUse\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  fragment DiagnosisPanel_Study on Study {\n    id\n    status\n    diagnoses {\n      id\n      label\n      note\n      agreesWithAi\n      findingId\n      signedAt\n      amendsId\n      amendedById\n      reader {\n        id\n        displayName\n      }\n    }\n  }\n',
): (typeof documents)['\n  fragment DiagnosisPanel_Study on Study {\n    id\n    status\n    diagnoses {\n      id\n      label\n      note\n      agreesWithAi\n      findingId\n      signedAt\n      amendsId\n      amendedById\n      reader {\n        id\n        displayName\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation ConfirmDiagnosis($input: ConfirmDiagnosisInput!) {\n    confirmDiagnosis(input: $input) {\n      id\n      label\n      note\n      agreesWithAi\n      findingId\n      signedAt\n      amendsId\n      amendedById\n      reader {\n        id\n        displayName\n      }\n    }\n  }\n',
): (typeof documents)['\n  mutation ConfirmDiagnosis($input: ConfirmDiagnosisInput!) {\n    confirmDiagnosis(input: $input) {\n      id\n      label\n      note\n      agreesWithAi\n      findingId\n      signedAt\n      amendsId\n      amendedById\n      reader {\n        id\n        displayName\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query StudyPage($id: ID!) {\n    study(id: $id) {\n      id\n      studyInstanceUid\n      status\n      statusReason\n      aiClass\n      pUnhealthy\n      studyDate\n      description\n      patient {\n        key\n        sex\n        birthYear\n      }\n      series {\n        id\n        seriesInstanceUid\n        description\n        plane\n        instanceCount\n        selectedForInference\n        finding {\n          id\n        }\n      }\n      findings {\n        id\n        seriesInstanceUid\n        predictedClass\n        keySliceIndex\n        camUrl\n        probabilities {\n          label\n          probability\n        }\n        slices {\n          index\n          sopInstanceUid\n          instanceNumber\n        }\n        modelVersion {\n          id\n          ...ModelUseBadge_ModelVersion\n        }\n        ...AiPanel_Finding\n      }\n      ...DiagnosisPanel_Study\n    }\n  }\n',
): (typeof documents)['\n  query StudyPage($id: ID!) {\n    study(id: $id) {\n      id\n      studyInstanceUid\n      status\n      statusReason\n      aiClass\n      pUnhealthy\n      studyDate\n      description\n      patient {\n        key\n        sex\n        birthYear\n      }\n      series {\n        id\n        seriesInstanceUid\n        description\n        plane\n        instanceCount\n        selectedForInference\n        finding {\n          id\n        }\n      }\n      findings {\n        id\n        seriesInstanceUid\n        predictedClass\n        keySliceIndex\n        camUrl\n        probabilities {\n          label\n          probability\n        }\n        slices {\n          index\n          sopInstanceUid\n          instanceNumber\n        }\n        modelVersion {\n          id\n          ...ModelUseBadge_ModelVersion\n        }\n        ...AiPanel_Finding\n      }\n      ...DiagnosisPanel_Study\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  subscription StudyPageUpdated($id: ID!) {\n    studyUpdated(id: $id) {\n      studyId\n      status\n    }\n  }\n',
): (typeof documents)['\n  subscription StudyPageUpdated($id: ID!) {\n    studyUpdated(id: $id) {\n      studyId\n      status\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  subscription WorklistUpdated {\n    worklistUpdated {\n      studyId\n      status\n      study {\n        id\n        ...WorklistRow_Study\n      }\n    }\n  }\n',
): (typeof documents)['\n  subscription WorklistUpdated {\n    worklistUpdated {\n      studyId\n      status\n      study {\n        id\n        ...WorklistRow_Study\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query Worklist($first: Int, $after: String, $filter: StudyFilter, $orderBy: StudyOrder) {\n    studies(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {\n      edges {\n        cursor\n        node {\n          id\n          ...WorklistRow_Study\n        }\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n',
): (typeof documents)['\n  query Worklist($first: Int, $after: String, $filter: StudyFilter, $orderBy: StudyOrder) {\n    studies(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {\n      edges {\n        cursor\n        node {\n          id\n          ...WorklistRow_Study\n        }\n      }\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  fragment WorklistRow_Study on Study {\n    id\n    patient {\n      key\n    }\n    studyDate\n    receivedAt\n    description\n    modalities\n    seriesCount\n    status\n    statusReason\n    priority\n    aiClass\n    pUnhealthy\n    analyzedAt\n  }\n',
): (typeof documents)['\n  fragment WorklistRow_Study on Study {\n    id\n    patient {\n      key\n    }\n    studyDate\n    receivedAt\n    description\n    modalities\n    seriesCount\n    status\n    statusReason\n    priority\n    aiClass\n    pUnhealthy\n    analyzedAt\n  }\n'];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<infer TType, any> ? TType : never;

export { freePort } from './free-port.js';
export { signInWithPkce, clientCredentialsToken, type PkceSignIn } from './oidc-client.js';
export { createTestHospital, createTestPlatformAdmin, type TestHospital, type TestUser, type TestServiceAccount, systemQuery } from './factories.js';
export { testDatabase, type TestDatabase } from './test-database.js';
export { gql, type GqlResponse } from './graphql-client.js';
export { stow, stowBody, multipartParts, type StowResponse } from './dicomweb-client.js';
export * from './synthetic-dicom.js';
export { writeDicomFiles } from './dicom-files.js';
export { BUILT_PLATFORM_MAIN, startBuiltPlatform, stopBuiltPlatform, type BuiltPlatform } from './built-platform.js';

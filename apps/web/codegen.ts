import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed GraphQL documents for the portal, generated from the API's committed schema into src/gql/ (committed too;
 * src/gql/codegen-drift.spec.tsx fails when they no longer match). Regenerate with `npm run codegen -w @cruciate/web`.
 */
const config: CodegenConfig = {
  schema: '../api/schema.graphql',
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**/*', '!src/**/*.spec.tsx'],
  ignoreNoDocuments: true,
  generates: {
    './src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: { unmaskFunctionName: 'getFragmentData' } },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        strictScalars: true,
        scalars: { DateTime: 'string' },
        defaultScalarType: 'unknown',
        // Apollo Client always selects __typename.
        nonOptionalTypename: true,
        avoidOptionals: { field: true, inputValue: false, object: true, defaultValue: false },
      },
    },
  },
  hooks: { afterAllFileWrite: ['prettier --write'] },
};

export default config;

import { inject } from 'vitest';

export interface TestDatabase {
  /** Application role (RLS-bound). */
  readonly appUrl: string;
  /** Owner role (owns tables, runs migrations). */
  readonly ownerUrl: string;
  readonly appRole: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    testDatabase: TestDatabase;
  }
}

/** The migrated database of this test run, provided by the global setup. */
export function testDatabase(): TestDatabase {
  return inject('testDatabase');
}

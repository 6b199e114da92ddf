import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_ENV_DOCS, apiEnvSchema, loadApiConfig } from './api-config.js';
import { ConfigError } from './parse-env.js';

describe('API configuration', () => {
  it('runs on embedded defaults with no configuration at all', () => {
    const config = loadApiConfig({});
    expect(config.isEmbeddedDatabase).toBe(true);
    expect(config.isBuiltInIssuer).toBe(true);
    expect(config.PORT).toBe(3000);
    expect(config.HOST).toBe('127.0.0.1');
    expect(config.issuerUrl).toBe('http://127.0.0.1:3000/oidc');
    expect(config.DATA_DIR).toBe(path.resolve('./data'));
  });

  it('reports every bad variable at once', () => {
    let error: unknown;
    try {
      loadApiConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', OIDC_ALGORITHMS: 'HS256', LOG_LEVEL: 'loud', NODE_ENV: 'production' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['PORT', 'DATABASE_URL', 'OIDC_ALGORITHMS', 'LOG_LEVEL', 'OIDC_ISSUER_URL']) expect(problems).toContain(name);
  });

  it('requires the owner URL when an external database is migrated at start', () => {
    expect(() => loadApiConfig({ DATABASE_URL: 'postgres://app@db/cruciate' })).toThrow(/DATABASE_MIGRATION_URL/);
    expect(loadApiConfig({ DATABASE_URL: 'postgres://app@db/cruciate', MIGRATE_ON_START: 'false' }).isEmbeddedDatabase).toBe(false);
  });

  it('documents exactly the variables it reads', () => {
    const keys = Object.keys(apiEnvSchema.shape);
    expect(keys.length).toBeGreaterThan(10);
    expect(API_ENV_DOCS.map((d) => d.name).sort()).toEqual(keys.sort());
  });
});

import type { z } from 'zod';

/** One documented environment variable (rendered into the README table). */
export interface EnvDoc {
  readonly name: string;
  readonly description: string;
  readonly default: string;
  readonly secret: boolean;
}

/** Thrown once at boot, listing every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates the given environment against a schema and reports all problems at once. */
export function parseEnv<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
  crossChecks: (env: Record<string, string>) => string[] = () => [],
): z.output<S> {
  // Empty strings count as unset, as in most deployment tools.
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && v !== '') cleaned[k] = v;
  }
  const result = schema.safeParse(cleaned);
  const problems = result.success
    ? []
    : result.error.issues.map((issue) => {
        const name = issue.path.length > 0 ? issue.path.join('.') : '(environment)';
        return `${name}: ${issue.message}`;
      });
  problems.push(...crossChecks(cleaned));
  if (!result.success || problems.length > 0) throw new ConfigError(problems);
  return result.data;
}

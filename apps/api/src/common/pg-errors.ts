/** The unique constraint a PostgreSQL error violated, if it is a unique violation. */
export function uniqueViolation(err: unknown): string | null {
  const e = err as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  const source = e.driverError ?? e;
  if (source.code === '23505') return source.constraint ?? '';
  return null;
}

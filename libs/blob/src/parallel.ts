/** Runs fn over items with at most `limit` calls in flight; rejects with the first failure once all have settled. */
export async function inParallel<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const failures: Error[] = [];
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item).catch((err: unknown) => {
        failures.push(err instanceof Error ? err : new Error(String(err)));
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  const [first] = failures;
  if (first) throw first;
}

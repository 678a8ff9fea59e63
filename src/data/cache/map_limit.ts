/**
 * Runs fn over items with at most `limit` in flight; results in input order. After a failure no item
 * starts, and the error is thrown once every running one has settled (so none still uses the landmark
 * nets when they are disposed).
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i]!, i);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const error = settled.find((r) => r.status === 'rejected');
  if (error) throw error.reason;
  return out;
}

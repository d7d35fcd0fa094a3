// Bounded parallelism for work that opens one set of files per run or task: a step (or a join)
// with thousands of tasks must not open thousands of files at once (EMFILE; macOS allows 256).

/** Maps `items` through `fn` with at most `limit` calls in flight; results keep the input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** How many runs or tasks a listing loads at once (each is a handful of small reads). */
export const LOAD_CONCURRENCY = 32;

/**
 * Runs `work` over `items` with at most `limit` in flight; results keep the items' order.
 * @example await inPool([1, 2, 3], 2, async (n) => n * 2) // [2, 4, 6]
 */
export async function inPool<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  }
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker);
  await Promise.all(workers);
  return results;
}

/**
 * At most `limit` calls in flight; callers wait their turn in order. Unlike a pool of workers, a task that
 * is waiting (a busy cluster's backoff) holds no slot.
 * @example const regionLimit = new Limiter(10); await regionLimit.run(() => client.send(command))
 */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

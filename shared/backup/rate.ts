/**
 * An adaptive request rate per location (an account's Region): every DocumentDB call of a run in that
 * Region first takes a permit from the same gate, so the run as a whole sends no faster than the gate's
 * rate, and the rate follows what AWS answers — additive increase while calls go through, multiplicative
 * decrease on a throttle (AIMD, as TCP's congestion control). AWS throttles per account and Region with a
 * token bucket shared with every other tool in the account; a run converges on the rate it is granted
 * instead of spending its calls, and the account's, on throttled answers.
 *
 * Pure apart from the injected clock: no timers of its own, so tests drive it with a fake clock.
 *
 * @example
 * const rates = new RatePool({ initialPerSecond: 10, minPerSecond: 0.5, maxPerSecond: 50, clock });
 * const rate = rates.for('123456789012/eu-west-1');
 * const permit = await rate.acquire(signal);        // waits its turn (FIFO) at the current rate
 * try {
 *   await docdb.createSnapshot(region, request, signal);
 *   rate.onSuccess(permit);                          // AWS took the call: the rate may grow
 * } catch (error) {
 *   if (error.name === 'Throttling') rate.onThrottled(permit); // AWS refused it: the rate shrinks
 *   else rate.onSuccess(permit);                     // answered (busy, quota, …): not a rate problem
 *   throw error;
 * }
 */
import type { Clock } from './clock.js';

export interface AdaptiveRateOptions {
  /** Calls per second to start with. */
  initialPerSecond: number;
  /** The rate never goes below this, however many throttles. */
  minPerSecond: number;
  /** The rate never goes above this, however many successes. */
  maxPerSecond: number;
  clock: Pick<Clock, 'now' | 'sleep'>;
  /** Permits that can be granted back to back after a quiet spell (default 1: evenly spaced calls). */
  burst?: number;
  /** Additive increase: calls per second added per second of successful calls at the rate (default 0.5). */
  increasePerSecond?: number;
  /** Multiplicative decrease: the rate is multiplied by this on a throttle (default 0.7). */
  decreaseFactor?: number;
}

/** What `acquire` grants; hand it back to `onSuccess` / `onThrottled` so the rate reacts exactly once. */
export interface RatePermit {
  /** Grant order, from 0. */
  readonly sequence: number;
  /** Clock time of the grant (epoch ms). */
  readonly grantedAt: number;
  /** True when the caller had to wait for it: the rate, not the caller, set the pace. */
  readonly waited: boolean;
}

/** Counters and the current rate, for logs and benchmarks. */
export interface RateStats {
  perSecond: number;
  granted: number;
  waiting: number;
  succeeded: number;
  throttled: number;
  /** Throttles that lowered the rate (the others came from calls sent before the last decrease). */
  decreases: number;
  /** Lowest rate reached. */
  lowestPerSecond: number;
}

interface Waiter {
  resolve(permit: RatePermit): void;
  reject(reason: unknown): void;
  detach(): void;
}

/** Floating-point slack when comparing token counts. */
const EPSILON = 1e-9;

function check(condition: boolean, message: string): void {
  if (!condition) throw new RangeError(`AdaptiveRate: ${message}`);
}

/**
 * One location's gate: a token bucket that holds up to `burst` permits and refills at the current rate;
 * callers that find it empty wait in arrival order. `onThrottled` lowers the rate (once per round of calls:
 * throttles of permits granted before the last decrease do not lower it again) and empties the bucket;
 * `onSuccess` of a call that had to wait raises it by `increasePerSecond ÷ rate`, i.e. by
 * `increasePerSecond` for every second of calls at the rate.
 *
 * @example
 * const rate = new AdaptiveRate({ initialPerSecond: 5, minPerSecond: 0.5, maxPerSecond: 20, clock });
 * const permit = await rate.acquire(signal);
 * rate.onThrottled(permit); // 5 → 3.5 calls per second
 */
export class AdaptiveRate {
  private rate: number;
  private tokens: number;
  private updatedAt: number;
  private readonly burst: number;
  private readonly increase: number;
  private readonly factor: number;
  private readonly queue: Waiter[] = [];
  private pumping = false;
  private wake?: AbortController;
  private sequence = 0;
  /** Permits with a sequence below this were granted before the last decrease. */
  private decreasedBefore = 0;
  private lastDecreaseAt = Number.NEGATIVE_INFINITY;
  private readonly counts = { succeeded: 0, throttled: 0, decreases: 0 };
  private lowest: number;

  constructor(private readonly options: AdaptiveRateOptions) {
    const { initialPerSecond, minPerSecond, maxPerSecond } = options;
    check(minPerSecond > 0 && Number.isFinite(maxPerSecond), 'minPerSecond must be > 0, maxPerSecond finite');
    check(
      minPerSecond <= initialPerSecond && initialPerSecond <= maxPerSecond,
      `expected minPerSecond ≤ initialPerSecond ≤ maxPerSecond, got ${minPerSecond}, ${initialPerSecond}, ${maxPerSecond}`,
    );
    this.burst = options.burst ?? 1;
    this.increase = options.increasePerSecond ?? 0.5;
    this.factor = options.decreaseFactor ?? 0.7;
    check(Number.isInteger(this.burst) && this.burst >= 1, 'burst must be a whole number ≥ 1');
    check(this.increase >= 0, 'increasePerSecond must be ≥ 0');
    check(this.factor > 0 && this.factor < 1, 'decreaseFactor must be between 0 and 1');
    this.rate = initialPerSecond;
    this.lowest = initialPerSecond;
    this.tokens = this.burst;
    this.updatedAt = options.clock.now();
  }

  /** The current rate, calls per second. */
  get perSecond(): number {
    return this.rate;
  }

  /**
   * Waits for a permit to make one call: at once while the bucket holds one and nobody waits, otherwise in
   * arrival order as the bucket refills. Rejects with the signal's reason when it aborts first (the permit
   * is then not taken, and the callers behind move up).
   */
  acquire(signal?: AbortSignal): Promise<RatePermit> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.refill();
    if (this.queue.length === 0 && this.tokens >= 1 - EPSILON) {
      this.tokens -= 1;
      return Promise.resolve(this.grant(false));
    }
    return new Promise<RatePermit>((resolve, reject) => {
      const onAbort = () => {
        const index = this.queue.indexOf(waiter);
        if (index >= 0) this.queue.splice(index, 1);
        if (this.queue.length === 0) this.wake?.abort();
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        resolve,
        reject,
        detach: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
      void this.pump();
    });
  }

  /**
   * AWS throttled the call made with `permit`: the rate is multiplied by `decreaseFactor` (not below
   * `minPerSecond`) and the bucket emptied, unless the permit was granted before the last decrease (that
   * call was sent at the old rate, already answered for). Without a permit, a throttle within one interval
   * of the last decrease is taken as part of the same round.
   */
  onThrottled(permit?: RatePermit): void {
    this.counts.throttled++;
    const now = this.options.clock.now();
    const sameRound = permit
      ? permit.sequence < this.decreasedBefore
      : now - this.lastDecreaseAt < 1000 / this.rate;
    if (sameRound) return;
    this.refill();
    this.rate = Math.max(this.options.minPerSecond, this.rate * this.factor);
    this.lowest = Math.min(this.lowest, this.rate);
    this.tokens = Math.min(this.tokens, 0);
    this.decreasedBefore = this.sequence;
    this.lastDecreaseAt = now;
    this.counts.decreases++;
  }

  /**
   * AWS answered the call made with `permit` with anything but a throttle. When the caller had to wait for
   * the permit (or, without a permit, callers are waiting now) the rate is what limits the run, so it grows
   * by `increasePerSecond ÷ rate` (not above `maxPerSecond`); a rate nobody waits for stays as it is.
   */
  onSuccess(permit?: RatePermit): void {
    this.counts.succeeded++;
    const limiting = permit ? permit.waited : this.queue.length > 0;
    if (!limiting) return;
    this.refill();
    this.rate = Math.min(this.options.maxPerSecond, this.rate + this.increase / this.rate);
  }

  /**
   * Runs `work` with a permit and reports its outcome: a rejection `isThrottle` recognises lowers the rate,
   * any other outcome counts as answered. The rejection is rethrown; retrying is the caller's business.
   * @example await rate.run(() => client.send(command, { abortSignal }), { signal, isThrottle: (e) => e.name === 'Throttling' })
   */
  async run<T>(
    work: () => Promise<T>,
    options: { signal?: AbortSignal; isThrottle: (error: unknown) => boolean },
  ): Promise<T> {
    const permit = await this.acquire(options.signal);
    try {
      const value = await work();
      this.onSuccess(permit);
      return value;
    } catch (error) {
      if (options.isThrottle(error)) this.onThrottled(permit);
      else if (!options.signal?.aborted) this.onSuccess(permit);
      throw error;
    }
  }

  stats(): RateStats {
    return {
      perSecond: this.rate,
      granted: this.sequence,
      waiting: this.queue.length,
      succeeded: this.counts.succeeded,
      throttled: this.counts.throttled,
      decreases: this.counts.decreases,
      lowestPerSecond: this.lowest,
    };
  }

  private grant(waited: boolean): RatePermit {
    return { sequence: this.sequence++, grantedAt: this.options.clock.now(), waited };
  }

  private refill(): void {
    const now = this.options.clock.now();
    const elapsedMs = Math.max(0, now - this.updatedAt);
    this.tokens = Math.min(this.burst, this.tokens + (elapsedMs / 1000) * this.rate);
    this.updatedAt = now;
  }

  /** Releases waiters one by one as tokens come; one pump at a time, gone when nobody waits. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0) {
        this.refill();
        if (this.tokens >= 1 - EPSILON) {
          this.tokens -= 1;
          const waiter = this.queue.shift() as Waiter;
          waiter.detach();
          waiter.resolve(this.grant(true));
          continue;
        }
        const waitMs = Math.max(1, Math.ceil(((1 - this.tokens) / this.rate) * 1000));
        this.wake = new AbortController();
        try {
          await this.options.clock.sleep(waitMs, this.wake.signal);
        } catch {
          // Woken early: the queue emptied (or changed); look again.
        }
      }
    } finally {
      this.pumping = false;
      this.wake = undefined;
    }
  }
}

/**
 * One AdaptiveRate per location, created on first use with the same options: every call a run makes in a
 * Region shares that Region's rate.
 * @example const rates = new RatePool(options); await rates.for('eu-west-1').acquire(signal);
 */
export class RatePool {
  private readonly rates = new Map<string, AdaptiveRate>();

  constructor(private readonly options: AdaptiveRateOptions) {
    // Fails at construction, not at the first call, when the options are wrong.
    new AdaptiveRate(options);
  }

  for(location: string): AdaptiveRate {
    let rate = this.rates.get(location);
    if (!rate) {
      rate = new AdaptiveRate(this.options);
      this.rates.set(location, rate);
    }
    return rate;
  }

  /** Every location's stats so far, e.g. for the run's log line. */
  stats(): Record<string, RateStats> {
    return Object.fromEntries([...this.rates].map(([location, rate]) => [location, rate.stats()]));
  }
}

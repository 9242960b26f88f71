// Seam: the adaptive per-Region request rate (shared/backup/rate.ts) on a virtual clock: how it paces
// callers, how it follows throttles and successes, and what a run of calls against a simulated AWS token
// bucket (the emulator's own TokenBucket) costs. No real time passes: sleeps end when the test moves the
// clock.
import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../../local/throttle.js';
import type { Clock } from '../../../shared/backup/clock.js';
import { AdaptiveRate, type AdaptiveRateOptions, RatePool } from '../../../shared/backup/rate.js';

interface Timer {
  at: number;
  order: number;
  resolve(): void;
}

/** A clock whose sleeps end only when `advanceTo` moves time past them, in time order. */
class VirtualClock implements Clock {
  private current = 0;
  private order = 0;
  private timers: Timer[] = [];

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer: Timer = {
        at: this.current + ms,
        order: this.order++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.timers = this.timers.filter((t) => t !== timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.timers.push(timer);
    });
  }

  /** Fires every timer due by `until`, letting the promises it wakes run before the next one. */
  async advanceTo(until: number): Promise<void> {
    for (;;) {
      await settle();
      const due = this.timers
        .filter((t) => t.at <= until)
        .sort((a, b) => a.at - b.at || a.order - b.order)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.current = due.at;
      due.resolve();
    }
    this.current = until;
    await settle();
  }

  get pendingTimers(): number {
    return this.timers.length;
  }
}

/** Lets every promise chain that can move, move (no timers involved). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function gate(clock: Clock, options: Partial<AdaptiveRateOptions> = {}): AdaptiveRate {
  return new AdaptiveRate({ initialPerSecond: 5, minPerSecond: 0.5, maxPerSecond: 50, clock, ...options });
}

/** Grant times (ms) of `count` permits asked for at once, on a clock advanced to `untilMs`. */
async function grantTimes(rate: AdaptiveRate, clock: VirtualClock, count: number, untilMs: number) {
  const times: number[] = [];
  for (let i = 0; i < count; i++) void rate.acquire().then(() => times.push(clock.now()));
  await clock.advanceTo(untilMs);
  return times;
}

interface Simulated {
  seconds: number;
  calls: number;
  throttled: number;
  finalPerSecond: number;
  lowestPerSecond: number;
}

/**
 * `clusters` snapshot calls by `workers` concurrent callers through one AdaptiveRate against an AWS bucket
 * of `aws.rate` calls per second (burst `aws.burst`), each call taking `latencyMs`; a throttled call is
 * made again (behind the callers already waiting).
 */
async function simulate(options: {
  clusters: number;
  workers: number;
  latencyMs: number;
  aws: { rate: number; burst: number };
  rate: Partial<AdaptiveRateOptions>;
}): Promise<Simulated> {
  const clock = new VirtualClock();
  const aws = new TokenBucket(options.aws, 0);
  const rate = gate(clock, options.rate);
  let next = 0;
  let calls = 0;
  let throttled = 0;
  const worker = async () => {
    while (next < options.clusters) {
      next++;
      for (;;) {
        const permit = await rate.acquire();
        calls++;
        const admitted = aws.take(clock.now());
        await clock.sleep(options.latencyMs);
        if (admitted) {
          rate.onSuccess(permit);
          break;
        }
        throttled++;
        rate.onThrottled(permit);
      }
    }
  };
  let finished = false;
  void Promise.all(Array.from({ length: options.workers }, worker)).then(() => {
    finished = true;
  });
  while (!finished && clock.now() < 3_600_000) await clock.advanceTo(clock.now() + 1000);
  const stats = rate.stats();
  return {
    seconds: clock.now() / 1000,
    calls,
    throttled,
    finalPerSecond: stats.perSecond,
    lowestPerSecond: stats.lowestPerSecond,
  };
}

describe('adaptive rate: pacing', () => {
  it('grants the first permit at once and spaces the rest at the current rate', async () => {
    const clock = new VirtualClock();
    const rate = gate(clock, { initialPerSecond: 5 });

    const times = await grantTimes(rate, clock, 4, 1000);

    expect(times).toEqual([0, 200, 400, 600]);
  });

  it('grants up to `burst` permits back to back after a quiet spell, then one per interval', async () => {
    const clock = new VirtualClock();
    const rate = gate(clock, { initialPerSecond: 10, burst: 3 });

    const times = await grantTimes(rate, clock, 5, 1000);

    expect(times).toEqual([0, 0, 0, 100, 200]);
  });

  it('grants permits in the order they were asked for', async () => {
    const clock = new VirtualClock();
    const rate = gate(clock, { initialPerSecond: 2 });
    const order: string[] = [];

    for (const name of ['orders', 'billing', 'ledger', 'audit'])
      void rate.acquire().then(() => order.push(name));
    await clock.advanceTo(5000);

    expect(order).toEqual(['orders', 'billing', 'ledger', 'audit']);
  });

  it('lets an aborted caller go without a permit, and the callers behind it move up', async () => {
    const clock = new VirtualClock();
    const rate = gate(clock, { initialPerSecond: 1 });
    const stop = new AbortController();
    const granted: string[] = [];

    void rate.acquire().then(() => granted.push('first'));
    const aborted = rate.acquire(stop.signal).then(
      () => 'granted',
      (reason: unknown) => `rejected: ${String(reason)}`,
    );
    void rate.acquire().then(() => granted.push(`third at ${clock.now()}`));
    await clock.advanceTo(500);
    stop.abort('run deadline');
    await clock.advanceTo(3000);

    expect(await aborted).toBe('rejected: run deadline');
    expect(granted).toEqual(['first', 'third at 1000']);
    expect(rate.stats().granted).toBe(2);
  });

  it('leaves no timer behind once every waiting caller has aborted', async () => {
    const clock = new VirtualClock();
    const rate = gate(clock, { initialPerSecond: 0.5, minPerSecond: 0.5 });
    const stop = new AbortController();

    await rate.acquire();
    const waiting = rate.acquire(stop.signal).catch(() => 'stopped');
    await clock.advanceTo(100);
    stop.abort();
    await clock.advanceTo(100);

    expect(await waiting).toBe('stopped');
    expect(clock.pendingTimers).toBe(0);
  });

  it('refuses an already aborted signal at once', async () => {
    const rate = gate(new VirtualClock());

    await expect(rate.acquire(AbortSignal.abort('late'))).rejects.toBe('late');
    expect(rate.stats().granted).toBe(0);
  });
});

describe('adaptive rate: following AWS', () => {
  it('multiplies the rate by decreaseFactor on a throttle and empties the bucket', async () => {
    const clock = new VirtualClock();
    const rate = gate(clock, { initialPerSecond: 10, burst: 5, decreaseFactor: 0.5 });

    const permit = await rate.acquire();
    rate.onThrottled(permit);
    const times = await grantTimes(rate, clock, 2, 1000);

    expect(rate.perSecond).toBe(5);
    expect(times).toEqual([200, 400]);
  });

  it('lowers the rate once for a round of throttles of calls sent before the decrease', async () => {
    const clock = new VirtualClock();
    const rate = gate(clock, { initialPerSecond: 10, burst: 10, decreaseFactor: 0.5 });

    const inFlight = await Promise.all(Array.from({ length: 8 }, () => rate.acquire()));
    for (const permit of inFlight) rate.onThrottled(permit);
    const [later] = await grantTimes(rate, clock, 1, 1000);
    const afterDecrease = await rate.acquire();
    rate.onThrottled(afterDecrease);

    expect(later).toBe(200);
    expect(rate.stats()).toMatchObject({ throttled: 9, decreases: 2, perSecond: 2.5 });
  });

  it('never goes below minPerSecond however many throttles', async () => {
    const clock = new VirtualClock();
    const rate = gate(clock, { initialPerSecond: 4, minPerSecond: 1 });

    for (let i = 0; i < 20; i++) {
      const permit = rate.acquire();
      await clock.advanceTo(clock.now() + 2000);
      rate.onThrottled(await permit);
    }

    expect(rate.perSecond).toBe(1);
  });

  it('grows by increasePerSecond for each second of successful calls that waited for the rate', async () => {
    const clock = new VirtualClock();
    const rate = gate(clock, { initialPerSecond: 4, increasePerSecond: 1 });
    const permits = Promise.all(Array.from({ length: 5 }, () => rate.acquire()));

    await clock.advanceTo(1000);
    for (const permit of await permits) rate.onSuccess(permit);

    // The first permit came at once (it did not wait); the four that waited each add 1 ÷ rate:
    // 4 → 4.25 → 4.49 → 4.71 → 4.92.
    expect(rate.perSecond).toBeCloseTo(4.92, 2);
  });

  it('does not grow while nobody waits for it: the callers, not the rate, set the pace', async () => {
    const clock = new VirtualClock();
    const rate = gate(clock, { initialPerSecond: 5 });

    for (let i = 0; i < 50; i++) {
      rate.onSuccess(await rate.acquire());
      await clock.advanceTo(clock.now() + 1000);
    }

    expect(rate.perSecond).toBe(5);
  });

  it('never grants more than maxPerSecond (plus the burst) however long it succeeds', async () => {
    const clock = new VirtualClock();
    const rate = gate(clock, { initialPerSecond: 5, maxPerSecond: 8, increasePerSecond: 5 });
    const granted: number[] = [];
    let stop = false;
    const caller = async () => {
      while (!stop) {
        const permit = await rate.acquire();
        granted.push(clock.now());
        rate.onSuccess(permit);
      }
    };

    const callers = Array.from({ length: 4 }, caller);
    await clock.advanceTo(20_000);
    stop = true;
    await clock.advanceTo(21_000);
    await Promise.all(callers);
    const lastTenSeconds = granted.filter((t) => t >= 10_000 && t < 20_000).length;

    expect(rate.perSecond).toBe(8);
    expect(lastTenSeconds).toBeLessThanOrEqual(8 * 10 + 1);
    expect(lastTenSeconds).toBeGreaterThanOrEqual(8 * 10 - 1);
  });

  it('runs work with a permit and reports a throttle or an answer from its outcome', async () => {
    const clock = new VirtualClock();
    const rate = gate(clock, { initialPerSecond: 10, decreaseFactor: 0.5 });
    const isThrottle = (error: unknown) => (error as Error).name === 'Throttling';
    const throttling = Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
    const busy = Object.assign(new Error('busy'), { name: 'InvalidDBClusterStateFault' });

    const first = await rate.run(async () => 'created', { isThrottle });
    const second = rate.run(() => Promise.reject(busy), { isThrottle }).catch((e: Error) => e.name);
    await clock.advanceTo(1000);
    const third = rate.run(() => Promise.reject(throttling), { isThrottle }).catch((e: Error) => e.name);
    await clock.advanceTo(2000);

    expect([first, await second, await third]).toEqual([
      'created',
      'InvalidDBClusterStateFault',
      'Throttling',
    ]);
    expect(rate.stats()).toMatchObject({ succeeded: 2, throttled: 1, decreases: 1 });
    expect(rate.perSecond).toBeLessThan(10);
  });

  it('refuses options that cannot describe a rate', () => {
    const clock = new VirtualClock();

    expect(() => gate(clock, { initialPerSecond: 100 })).toThrow(/initialPerSecond/);
    expect(() => gate(clock, { minPerSecond: 0 })).toThrow(RangeError);
    expect(() => gate(clock, { decreaseFactor: 1 })).toThrow(/decreaseFactor/);
    expect(() => gate(clock, { burst: 0 })).toThrow(/burst/);
  });
});

describe('adaptive rate: a run against an AWS bucket', () => {
  // The scenario: 400 snapshots in one Region, AWS grants 5 CreateDBClusterSnapshot per second
  // with a burst of 5; the engine keeps 10 calls in flight per Region, 50 ms each.
  const scenario = { clusters: 400, workers: 10, latencyMs: 50, aws: { rate: 5, burst: 5 } };
  const lowerBoundSeconds = (400 - 5) / 5;

  it('converges on the rate AWS grants and finishes within 1.2x of the bucket bound', async () => {
    const run = await simulate({ ...scenario, rate: { initialPerSecond: 10 } });

    expect(run.seconds).toBeLessThanOrEqual(1.2 * lowerBoundSeconds);
    expect(run.seconds).toBeGreaterThanOrEqual(lowerBoundSeconds);
    expect(run.finalPerSecond).toBeGreaterThan(3.5);
    expect(run.finalPerSecond).toBeLessThan(7);
  });

  it('spends few calls on throttled answers: far below 1.5 per cluster', async () => {
    const run = await simulate({ ...scenario, rate: { initialPerSecond: 10 } });

    expect(run.calls).toBe(400 + run.throttled);
    expect(run.throttled / 400).toBeLessThan(0.15);
  });

  it('climbs from a low start to the granted rate instead of staying there', async () => {
    const run = await simulate({ ...scenario, rate: { initialPerSecond: 1 } });

    expect(run.finalPerSecond).toBeGreaterThan(3.5);
    expect(run.seconds).toBeLessThanOrEqual(1.2 * lowerBoundSeconds);
  });

  it('without the gate (a fixed 50 calls per second), the same run wastes most of its calls', async () => {
    const run = await simulate({
      ...scenario,
      rate: { initialPerSecond: 50, minPerSecond: 50, maxPerSecond: 50 },
    });

    expect(run.throttled / 400).toBeGreaterThan(1.5);
  });
});

describe('rate pool', () => {
  it('gives each location one rate, shared by every caller there, and others their own', async () => {
    const clock = new VirtualClock();
    const rates = new RatePool({ initialPerSecond: 4, minPerSecond: 1, maxPerSecond: 10, clock });

    rates.for('eu-west-1').onThrottled(await rates.for('eu-west-1').acquire());

    expect(rates.for('eu-west-1')).toBe(rates.for('eu-west-1'));
    expect(rates.for('eu-west-1').perSecond).toBeCloseTo(2.8);
    expect(rates.for('us-east-1').perSecond).toBe(4);
    expect(Object.keys(rates.stats())).toEqual(['eu-west-1', 'us-east-1']);
  });

  it('refuses wrong options when it is made, not at the first call', () => {
    expect(
      () =>
        new RatePool({ initialPerSecond: 1, minPerSecond: 2, maxPerSecond: 3, clock: new VirtualClock() }),
    ).toThrow(RangeError);
  });
});

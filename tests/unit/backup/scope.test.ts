// Seam: the run scope (shared/backup/scope.ts): every location the run asks for gets its own limit of
// requests in flight, named by the policy or not (a copy's destination is never unlimited), kept for the
// whole run, and one per account and Region.
import { describe, expect, it } from 'vitest';
import type { Limiter } from '../../../shared/backup/pool.js';
import { openScope } from '../../../shared/backup/scope.js';
import { mockedAws, policy } from '../../support/fakes.js';

function scopeWith(concurrency: number) {
  const aws = mockedAws(['us-east-1']);
  const slot = new Date('2026-11-28T03:00:00Z');
  return openScope(aws.deps, {
    policy: policy({ regions: ['us-east-1'] }),
    slot,
    deadline: aws.clock.now() + 600_000,
    concurrency,
  });
}

/** How many of `calls` calls started through the limiter run at once before any ends. */
async function inFlightAtOnce(limiter: Limiter, calls: number): Promise<number> {
  let started = 0;
  const gates: (() => void)[] = [];
  const all = Array.from({ length: calls }, () =>
    limiter.run(async () => {
      started++;
      await new Promise<void>((resolve) => gates.push(resolve));
    }),
  );
  await new Promise((resolve) => setImmediate(resolve));
  const atOnce = started;
  while (started < calls || gates.length > 0) {
    gates.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
  await Promise.all(all);
  return atOnce;
}

describe('the run scope', () => {
  it('limits a Region the policy does not name like one it names', async () => {
    const scope = scopeWith(3);
    const named = scope.limiterFor({ region: 'us-east-1' });
    const unnamed = scope.limiterFor({ region: 'ap-southeast-2' });
    expect(await inFlightAtOnce(named, 10)).toBe(3);
    expect(await inFlightAtOnce(unnamed, 10)).toBe(3);
  });

  it('keeps one limit per location for the whole run: same Region, same limit; another account, another', () => {
    const scope = scopeWith(2);
    const here = scope.limiterFor({ region: 'eu-west-1' });
    expect(scope.limiterFor({ region: 'eu-west-1' })).toBe(here);
    const there = scope.limiterFor({ region: 'eu-west-1', account: '210987654321' });
    expect(there).not.toBe(here);
    expect(scope.limiterFor({ region: 'eu-west-1', account: '210987654321' })).toBe(there);
  });

  it('counts the quota per location: a full Region of one account is not full in another', () => {
    const scope = scopeWith(2);
    scope.quota.markFull({ region: 'eu-west-1' });
    expect(scope.quota.isFull({ region: 'eu-west-1' })).toBe(true);
    expect(scope.quota.isFull({ region: 'eu-west-1', account: '210987654321' })).toBe(false);
    expect(scope.quota.isFull({ region: 'us-east-1' })).toBe(false);
    scope.quota.markFreed({ region: 'eu-west-1' });
    expect(scope.quota.isFull({ region: 'eu-west-1' })).toBe(false);
  });
});

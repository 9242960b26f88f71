// Seam: a listing longer than AWS's burst finishes under throttling: a throttled page is asked for again
// from its own marker, not from the first page. (Regression test from review.)
import { describe, expect, it } from 'vitest';
import { nightlyPolicyFile, resetWorld, runPolicy, useWorld } from './support.js';

const ids = Array.from({ length: 250 }, (_, i) => `c${String(i).padStart(3, '0')}`);
const FILE = nightlyPolicyFile({ clusters: 'identifiers: [c000]' });

const world = useWorld();

describe('a Region with 250 clusters (3 pages of DescribeDBClusters)', () => {
  it('is listed under a bucket of 1 call/s with a burst of 2', { timeout: 40_000 }, async () => {
    await resetWorld(world, { regions: { 'us-east-1': { clusters: ids.map((id) => ({ id })) } } });
    world.emu.setFaults({ throttle: { 'rds:DescribeDBClusters': { rate: 1, burst: 2 } } });
    // 25 s left: 10 s of work phase, ample for 3 pages at 1 call/s.
    const run = runPolicy(
      world,
      FILE,
      { policy: 'nightly', time: '2026-11-28T03:00:00Z' },
      { remainingMs: 25_000 },
    );
    await expect(run.then((r) => r.result.results.map((x) => [x.clusterId, x.outcome]))).resolves.toEqual([
      ['c000', 'created'],
    ]);
  });
});

// Seam (found in review, now a regression test): throttling is "not yet" only for one-call requests. A
// paginated listing (DescribeDBClusters, DescribeDBClusterSnapshots) takes ONE permit from the Region's
// rate for all its pages (PacedDocdb.paced wraps docdb.listClusters / manualSnapshots whole), sends the
// pages back to back, and a throttle on page k restarts the listing from page 1. When AWS's bucket holds
// fewer tokens than there are pages, the listing can never finish however long the run waits, although AWS
// grants the calls when they are spaced: the Region is recorded `throttled` (unreadable) and nothing in it
// is backed up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nightlyPolicyFile, resetWorld, runPolicy, startWorld, type World } from './support.js';

const ids = Array.from({ length: 250 }, (_, i) => `c${String(i).padStart(3, '0')}`);
const FILE = nightlyPolicyFile({ clusters: 'identifiers: [c000]' });

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world.emu.stop();
});

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

// Seam: quota headroom is counted after the run, so the run's own new snapshots are counted once even when
// the count is slow. (Regression test from review.)
import { describe, expect, it } from 'vitest';
import { fakeClock } from '../../support/fakes.js';
import {
  nightlyPolicyFile,
  ordersFleet,
  othersSnapshots,
  resetWorld,
  runPolicy,
  snapshotsIn,
  useWorld,
} from './support.js';

const world = useWorld();

const FILE = nightlyPolicyFile({ topLines: 'quota: { default: 10, warnAtPercent: 80 }' });

describe('quota headroom after a run', () => {
  it('a run that leaves 7 of 10 slots used (70% < 80%) does not page a quota warning', async () => {
    await resetWorld(
      world,
      ordersFleet({
        quota: 10,
        snapshots: othersSnapshots(6, 'someone-else', 'legacy'),
      }),
    );
    // DescribeDBClusterSnapshots (the "before" count) is slow, as a Region with hundreds of snapshots is;
    // the create is not. The count is answered after the create landed.
    world.emu.setFaults({ actions: { 'rds:DescribeDBClusterSnapshots': { latencyMs: 1_000 } } });
    const { result } = await runPolicy(
      world,
      FILE,
      { policy: 'nightly', time: '2026-11-28T03:00:00Z' },
      { clock: fakeClock(Date.parse('2026-11-28T03:00:05Z')) },
    );
    expect(result.results[0]).toMatchObject({ outcome: 'created' });
    expect(snapshotsIn(world, 'us-east-1')).toHaveLength(7); // truly 7 of 10 = 70%
    expect(result.alert).toBeNull();
    expect(world.emu.publishedMessages()).toEqual([]);
  });
});

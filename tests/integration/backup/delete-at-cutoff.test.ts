// Seam: a retention delete in flight at the work cutoff is not abandoned (AWS may already have done it):
// it runs on the deadline's signal and is recorded `deleted`. (Regression test from review.)
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import {
  nightlyPolicyFile,
  ordersFleet,
  ourNightly,
  recordedResults,
  resetWorld,
  runPolicy,
  snapshotsIn,
  useWorld,
} from './support.js';

const FILE = nightlyPolicyFile({ policyLines: '    retention: { keepLast: 1 }' });

const world = useWorld();

describe('a delete in flight at the cutoff', () => {
  it('is not recorded as failed when AWS deleted the snapshot', async () => {
    await resetWorld(world, ordersFleet({ snapshots: [ourNightly(26), ourNightly(27)] }));
    // The delete is slow to answer (AWS took it; the answer comes late).
    world.emu.setFaults({ actions: { 'rds:DeleteDBClusterSnapshot': { latencyMs: 5_000 } } });
    // 17 s left: the work phase ends 2 s in, while the delete of the 27th is in flight (the run's own
    // snapshot is available at once on the emulator, so keepLast 1 keeps it and the 27th goes).
    const { result } = await runPolicy(
      world,
      FILE,
      { policy: 'nightly', time: '2026-11-28T03:00:00Z' },
      { remainingMs: 17_000 },
    );
    await sleep(5_000); // AWS finishes the delete it was sent
    expect(world.emu.callCount('rds:DeleteDBClusterSnapshot')).toBe(1);
    expect(snapshotsIn(world, 'us-east-1').map((s) => s.id)).toEqual([
      'nightly-orders-20261126-0300',
      'nightly-orders-20261128-0300',
    ]);
    const recorded = (await recordedResults(world)).filter((r) => r.pk === 'us-east-1#orders#deletions');
    expect(result.deletions.map((d) => [d.snapshotId, d.outcome])).not.toContainEqual([
      'nightly-orders-20261127-0300',
      'failed',
    ]);
    expect(recorded.map((r) => [r.snapshotId, r.outcome])).not.toContainEqual([
      'nightly-orders-20261127-0300',
      'failed',
    ]);
  }, 30_000);
});

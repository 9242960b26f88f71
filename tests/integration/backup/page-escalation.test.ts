// Seam: a page more severe than the one already sent for the slot still goes out (a retry that finds the
// slot's snapshot failed after a quota warning was paged). (Regression test from review.)
import { describe, expect, it } from 'vitest';
import { RunFailedError } from '../../../shared/backup/errors.js';
import {
  nightlyPolicyFile,
  ordersFleet,
  othersSnapshots,
  resetWorld,
  runPolicy,
  useWorld,
} from './support.js';

const FILE = nightlyPolicyFile({ topLines: 'quota: { default: 10, warnAtPercent: 80 }' });
const EVENT = { policy: 'nightly', time: '2026-11-28T03:00:00Z' };

const world = useWorld();

describe('a slot that paged a warning', () => {
  it("still pages when its retry finds the slot's snapshot failed", async () => {
    await resetWorld(
      world,
      ordersFleet({
        quota: 10,
        snapshots: othersSnapshots(8, 'legacy'),
      }),
    );
    // First invocation: snapshot taken, quota at 90% (WARNING paged), results not recorded → it fails.
    world.emu.setFaults({ actions: { 'dynamodb:BatchWriteItem': { serverErrorRate: 1 } } });
    await expect(runPolicy(world, FILE, EVENT)).rejects.toThrow(RunFailedError);
    expect(world.emu.publishedMessages().map((m) => m.subject)).toEqual([
      '[docdb-backup] WARNING nightly: snapshot quota 90% used in us-east-1',
    ]);
    world.emu.setFaults({});
    // Meanwhile the slot's snapshot failed.
    world.emu.seed({
      regions: {
        'us-east-1': {
          snapshots: [
            {
              id: 'nightly-orders-20261128-0300',
              clusterId: 'orders',
              status: 'failed',
              tags: {
                'docdb-backup:managed-by': 'docdb-backup',
                'docdb-backup:policy': 'nightly',
                'docdb-backup:scheduled-at': '2026-11-28T03:00:00.000Z',
              },
            },
          ],
        },
      },
    });
    // Lambda's retry of the slot.
    const { result } = await runPolicy(world, FILE, EVENT);
    expect(result.results[0]).toMatchObject({ outcome: 'failed', error: { code: 'snapshot-failed' } });
    expect(result.alert).toMatchObject({ severity: 'error', sent: true });
    expect(world.emu.publishedMessages()).toHaveLength(2);
  });
});

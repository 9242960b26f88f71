// Seam: retention and quota headroom in the whole run over real HTTP on the emulator: what is deleted,
// what never is, the warning page, and prune-then-retry when the quota is hit.
import { describe, expect, it } from 'vitest';
import {
  nightlyPolicyFile,
  ordersFleet,
  othersSnapshots,
  ourNightly,
  recordedResults,
  resetWorld,
  runPolicy,
  snapshotsIn,
  useWorld,
} from './support.js';

const EVENT = { policy: 'nightly', time: '2026-11-28T03:00:00Z' };
const policyFile = (retention: string, clusters = '[orders]') =>
  nightlyPolicyFile({ clusters: `identifiers: ${clusters}`, policyLines: retention });

const world = useWorld();

describe('retention on the emulator', () => {
  it('deletes only what no rule keeps, and only snapshots this policy created', async () => {
    await resetWorld(
      world,
      ordersFleet({
        snapshots: [
          ...[21, 22, 23, 24, 25, 26, 27].map((day) => ourNightly(day)),
          // Looks like ours by name, but carries no ownership tag: never touched.
          { id: 'nightly-orders-20261101-0300', clusterId: 'orders', createdAt: '2026-11-01T03:00:00Z' },
          // Ours by tag, but another policy's: never touched.
          ourNightly(2, 'orders', { tags: { 'docdb-backup:policy': 'weekly' } }),
          { clusterId: 'orders', type: 'automated', createdAt: '2026-11-20T05:00:00Z' },
          { id: 'before-migration', clusterId: 'orders', createdAt: '2026-10-01T00:00:00Z' },
        ],
      }),
    );
    const { result } = await runPolicy(world, policyFile('    retention: { keepLast: 3 }'), EVENT);
    expect(result.counts.created).toBe(1);
    expect(result.deletions.map((d) => [d.snapshotId, d.outcome, d.reason])).toEqual(
      [25, 24, 23, 22, 21].map((day) => [
        `nightly-orders-202611${day}-0300`,
        'deleted',
        'kept by no rule (keepLast 3)',
      ]),
    );
    expect(snapshotsIn(world, 'us-east-1').map((s) => s.id)).toEqual([
      'before-migration',
      'nightly-orders-20261101-0300',
      'nightly-orders-20261102-0300',
      'nightly-orders-20261126-0300',
      'nightly-orders-20261127-0300',
      'nightly-orders-20261128-0300',
    ]);
    expect(snapshotsIn(world, 'us-east-1', 'automated')).toHaveLength(1);
    const deletions = (await recordedResults(world)).filter((r) => r.pk === 'us-east-1#orders#deletions');
    expect(deletions).toHaveLength(5);
    expect(deletions[0]).toMatchObject({ outcome: 'deleted', snapshotId: 'nightly-orders-20261121-0300' });
    const deletedEvents = world.emu
      .recordedEvents('default')
      .filter((e) => e.detailType === 'DocumentDB Snapshot Deleted');
    expect(deletedEvents).toHaveLength(5);
    expect(world.emu.publishedMessages()).toEqual([]);
  });

  it('deletes nothing for a cluster whose snapshot failed in this run', async () => {
    await resetWorld(world, ordersFleet({ snapshots: [21, 22, 23].map((day) => ourNightly(day)) }));
    world.emu.setFaults({ clusters: { orders: { status: 'stopped' } } });
    const { result } = await runPolicy(world, policyFile('    retention: { keepLast: 1 }'), EVENT);
    expect(result.results[0]).toMatchObject({ outcome: 'failed', error: { code: 'cluster-unavailable' } });
    expect(result.deletions).toEqual([]);
    expect(snapshotsIn(world, 'us-east-1')).toHaveLength(3);
    expect(world.emu.callCount('rds:DeleteDBClusterSnapshot')).toBe(0);
  });

  it('pages a warning naming the holders when a run leaves the Region above the threshold', async () => {
    await resetWorld(
      world,
      ordersFleet({
        quota: 100,
        snapshots: [
          ...[25, 26, 27].map((day) => ourNightly(day)),
          ...othersSnapshots(77, 'manual-keep', 'orders'),
        ],
      }),
    );
    const { result } = await runPolicy(world, policyFile('    retention: { keepLast: 4 }'), EVENT);
    expect(result.deletions).toEqual([]);
    expect(result.alert).toMatchObject({ severity: 'warning', sent: true });
    const [message] = world.emu.publishedMessages();
    expect(message?.subject).toBe('[docdb-backup] WARNING nightly: snapshot quota 81% used in us-east-1');
    expect(message?.attributes.severity?.stringValue).toBe('warning');
    expect(message?.message).toContain(
      'Snapshot quota in us-east-1 after this run: 81 of 100 manual cluster snapshots in use (81%, warning at 80%).',
    );
    expect(message?.message).toContain('  77  not created by docdb-backup');
    expect(message?.message).toContain('   4  docdb-backup policy nightly (prefix nightly)');
  });

  it("prunes this policy's expired snapshots and retries once when the quota is hit", async () => {
    await resetWorld(world, {
      regions: {
        'us-east-1': {
          quota: 6,
          clusters: [{ id: 'orders' }, { id: 'billing' }],
          snapshots: [
            ...[25, 26, 27].map((day) => ourNightly(day)),
            ...[26, 27].map((day) => ourNightly(day, 'billing')),
          ],
        },
      },
    });
    const { result } = await runPolicy(
      world,
      policyFile('    retention: { keepLast: 2 }', '[billing, orders]'),
      EVENT,
      { concurrency: 1 },
    );
    // billing takes the last free slot; orders hits the quota, retention frees one, orders is retried.
    expect(result.results.map((r) => [r.clusterId, r.outcome, r.attempts])).toEqual([
      ['billing', 'created', 1],
      ['orders', 'created', 2],
    ]);
    expect(result.deletions.map((d) => d.snapshotId).sort()).toEqual([
      'nightly-billing-20261126-0300',
      'nightly-orders-20261125-0300',
      'nightly-orders-20261126-0300',
    ]);
    expect(world.emu.publishedMessages()).toEqual([]);
  });

  it('says exactly what to do when retention cannot free the quota', async () => {
    await resetWorld(
      world,
      ordersFleet({
        quota: 3,
        snapshots: [
          ourNightly(27),
          { id: 'keep-a', clusterId: 'orders' },
          { id: 'keep-b', clusterId: 'orders' },
        ],
      }),
    );
    const { result } = await runPolicy(world, policyFile('    retention: { keepLast: 5 }'), EVENT);
    expect(result.results[0]).toMatchObject({ outcome: 'failed', error: { code: 'quota-exceeded' } });
    const [message] = world.emu.publishedMessages();
    expect(message?.subject).toBe('[docdb-backup] CRITICAL nightly: snapshot quota reached in us-east-1');
    expect(message?.message).toContain(
      'Snapshot quota reached in us-east-1: 3 of 100 manual cluster snapshots in use',
    );
    expect(message?.message).toContain(
      'To take the 1 missed snapshot(s), free at least 1 slot(s) in us-east-1: delete that many manual snapshots that are no longer needed',
    );
    expect(message?.message).toContain('raise the quota to at least 4');
  });
});

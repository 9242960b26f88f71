// Seam: the safety rules of a whole run over real HTTP on the emulator (issue "Trust"): late, replayed
// and future slots; only proven, available snapshots count; exact ownership; failed slot snapshots;
// overlapping runs and the audit trail; pages that must not be lost; silence that pages; time pressure.
import { describe, expect, it } from 'vitest';
import { InvalidEventError } from '../../../functions/backup/event.js';
import { RunFailedError } from '../../../shared/backup/errors.js';
import { fakeClock } from '../../support/fakes.js';
import {
  nightlyPolicyFile,
  ordersFleet,
  ourSnapshot,
  recordedResults,
  resetWorld,
  runPolicy,
  snapshotsIn,
  useWorld,
  type World,
} from './support.js';

const ours = ourSnapshot;
const policyFile = (extra: string, clusters = 'identifiers: [orders]') =>
  nightlyPolicyFile({ clusters, policyLines: extra });

const nights = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `2026-11-${String(from + i).padStart(2, '0')}T03:00`);
const ids = (world: World) => snapshotsIn(world, 'us-east-1').map((s) => s.id);
const at = (iso: string) => fakeClock(Date.parse(iso));

const world = useWorld();

describe('late, replayed and future slots', () => {
  it('refuses an event two days ahead of the clock before any AWS call', async () => {
    await resetWorld(world, ordersFleet());
    const run = runPolicy(
      world,
      policyFile('    retention: { daily: 7 }'),
      { policy: 'nightly', time: '2026-11-30T03:00:00Z' },
      { clock: at('2026-11-28T03:00:05Z') },
    );
    await expect(run).rejects.toThrow(InvalidEventError);
    await expect(run).rejects.toThrow(/2880 minutes ahead of the clock/);
    expect(world.emu.callCount('rds:DescribeDBClusters')).toBe(0);
    expect(world.emu.callCount('rds:CreateDBClusterSnapshot')).toBe(0);
  });

  it.each(['2026-02-30T03:00:00Z', '2026-11-28T24:00:00Z', '0000-11-28T03:00:00Z'])(
    'refuses the impossible time %s before any AWS call',
    async (time) => {
      await resetWorld(world, ordersFleet());
      const run = runPolicy(world, policyFile(''), { policy: 'nightly', time });
      await expect(run).rejects.toThrow(InvalidEventError);
      expect(world.emu.callCount('rds:DescribeDBClusters')).toBe(0);
    },
  );

  it('a dead-letter redrive of a slot four days old keeps the newer snapshots: windows run from now', async () => {
    await resetWorld(world, ordersFleet({ snapshots: nights(14, 27).map((s) => ours('orders', s)) }));
    const { result } = await runPolicy(
      world,
      policyFile('    retention: { daily: 7 }'),
      { policy: 'nightly', time: '2026-11-24T03:00:00Z' },
      { clock: at('2026-11-28T03:10:00Z') },
    );
    expect(result.results[0]).toMatchObject({
      outcome: 'already-exists',
      snapshotId: 'nightly-orders-20261124-0300',
    });
    // daily 7 measured from the 28th keeps the 22nd to the 27th; the 14th to the 21st go.
    expect(result.deletions.map((d) => d.snapshotId).sort()).toEqual(
      nights(14, 21).map((s) => `nightly-orders-${s.slice(0, 10).replaceAll('-', '')}-0300`),
    );
    expect(ids(world)).toEqual(
      nights(22, 27).map((s) => `nightly-orders-${s.slice(0, 10).replaceAll('-', '')}-0300`),
    );
  });

  it("never deletes the run's own snapshot when an ad-hoc run took a newer one the same day", async () => {
    await resetWorld(
      world,
      ordersFleet({ snapshots: [ours('orders', '2026-11-28T03:00'), ours('orders', '2026-11-28T10:00')] }),
    );
    // A redelivery of the 03:00 slot at 11:00: `daily: 1` alone would keep only the newest of the day.
    const { result } = await runPolicy(
      world,
      policyFile('    retention: { daily: 1 }'),
      { policy: 'nightly', time: '2026-11-28T03:00:00Z' },
      { clock: at('2026-11-28T11:00:00Z') },
    );
    expect(result.results[0]).toMatchObject({ outcome: 'already-exists' });
    expect(result.deletions).toEqual([]);
    expect(ids(world)).toEqual(['nightly-orders-20261128-0300', 'nightly-orders-20261128-1000']);
  });
});

describe('only proven, available snapshots of ours count', () => {
  const EVENT = { policy: 'nightly', time: '2026-11-28T03:00:00Z' };
  const NOW = () => at('2026-11-28T03:00:05Z');

  it('an untagged look-alike fills no keepLast place: keepLast 3 keeps three of ours', async () => {
    const lookAlike = {
      id: 'nightly-orders-20261127-1200',
      clusterId: 'orders',
      createdAt: '2026-11-27T12:00:00Z',
    };
    await resetWorld(
      world,
      ordersFleet({ snapshots: [...nights(23, 27).map((s) => ours('orders', s)), lookAlike] }),
    );
    const { result } = await runPolicy(world, policyFile('    retention: { keepLast: 3 }'), EVENT, {
      clock: NOW(),
    });
    expect(result.deletions.map((d) => d.snapshotId)).toEqual([
      'nightly-orders-20261125-0300',
      'nightly-orders-20261124-0300',
      'nightly-orders-20261123-0300',
    ]);
    expect(ids(world)).toEqual([
      'nightly-orders-20261126-0300',
      'nightly-orders-20261127-0300',
      'nightly-orders-20261127-1200',
      'nightly-orders-20261128-0300',
    ]);
  });

  it('a copy named like ours with our copied tags is not ours (legal hold), and stays', async () => {
    const legalhold = {
      ...ours('orders', '2026-10-01T03:00'),
      id: 'nightly-orders-legalhold-20261001-0300',
    };
    await resetWorld(world, ordersFleet({ snapshots: [ours('orders', '2026-11-27T03:00'), legalhold] }));
    const { result } = await runPolicy(world, policyFile('    retention: { keepLast: 1 }'), EVENT, {
      clock: NOW(),
    });
    expect(result.deletions.map((d) => d.snapshotId)).toEqual(['nightly-orders-20261127-0300']);
    expect(ids(world)).toContain('nightly-orders-legalhold-20261001-0300');
  });

  it('failed snapshots fill no keepLast place: keepLast 2 leaves two good snapshots', async () => {
    await resetWorld(
      world,
      ordersFleet({
        snapshots: [
          ours('orders', '2026-11-27T03:00', { status: 'failed' }),
          ours('orders', '2026-11-26T03:00'),
          ours('orders', '2026-11-25T03:00'),
        ],
      }),
    );
    world.emu.advanceClock(1); // the new snapshot becomes available on the next read
    const { result } = await runPolicy(world, policyFile('    retention: { keepLast: 2 }'), EVENT, {
      clock: NOW(),
    });
    // This run's snapshot counts as kept; with the 26th that is two good ones. The failed one stays, uncounted.
    expect(result.deletions.map((d) => d.snapshotId)).toEqual(['nightly-orders-20261125-0300']);
    expect(ids(world)).toEqual([
      'nightly-orders-20261126-0300',
      'nightly-orders-20261127-0300',
      'nightly-orders-20261128-0300',
    ]);
  });

  it("a failed snapshot of this very slot is a failure that pages, not 'already exists'", async () => {
    await resetWorld(
      world,
      ordersFleet({
        snapshots: [
          ours('orders', '2026-11-28T03:00', { status: 'failed' }),
          ours('orders', '2026-11-27T03:00'),
        ],
      }),
    );
    const { result } = await runPolicy(world, policyFile('    retention: { keepLast: 1 }'), EVENT, {
      clock: NOW(),
    });
    expect(result.results[0]).toMatchObject({ outcome: 'failed', error: { code: 'snapshot-failed' } });
    expect(result.deletions).toEqual([]); // nothing is deleted when the slot has no good snapshot
    expect(result.alert).toMatchObject({ sent: true, severity: 'error' });
    expect(world.emu.publishedMessages()[0]?.message).toContain('snapshot-failed');
  });
});

describe('overlapping runs and the audit trail', () => {
  const EVENT = { policy: 'nightly', time: '2026-11-28T03:00:00Z' };

  it('two runs pruning the same cluster both record the snapshot as deleted', async () => {
    await resetWorld(world, ordersFleet({ snapshots: nights(25, 27).map((s) => ours('orders', s)) }));
    // Both runs list before either deletes: deletes are slow.
    world.emu.setFaults({ actions: { 'rds:DeleteDBClusterSnapshot': { latencyMs: 150 } } });
    const file = policyFile('    retention: { keepLast: 2 }');
    const [a, b] = await Promise.all([
      runPolicy(world, file, EVENT, { clock: at('2026-11-28T03:00:05Z') }),
      runPolicy(world, file, EVENT, { clock: at('2026-11-28T03:00:05Z') }),
    ]);
    const outcomes = [...a.result.deletions, ...b.result.deletions].map((d) => [d.snapshotId, d.outcome]);
    expect(outcomes).toEqual([
      ['nightly-orders-20261126-0300', 'deleted'],
      ['nightly-orders-20261125-0300', 'deleted'],
      ['nightly-orders-20261126-0300', 'deleted'],
      ['nightly-orders-20261125-0300', 'deleted'],
    ]);
    const recorded = (await recordedResults(world)).filter((r) => r.pk === 'us-east-1#orders#deletions');
    expect(recorded.map((r) => r.outcome)).toEqual(['deleted', 'deleted']);
  });

  it('records each deletion as it happens, so a failed batch write later loses none of them', async () => {
    await resetWorld(world, ordersFleet({ snapshots: nights(25, 27).map((s) => ours('orders', s)) }));
    world.emu.setFaults({ actions: { 'dynamodb:BatchWriteItem': { serverErrorRate: 1 } } });
    const run = runPolicy(world, policyFile('    retention: { keepLast: 1 }'), EVENT, {
      clock: at('2026-11-28T03:00:05Z'),
    });
    await expect(run).rejects.toThrow(RunFailedError);
    const recorded = (await recordedResults(world)).filter((r) => r.pk === 'us-east-1#orders#deletions');
    expect(recorded.map((r) => [r.snapshotId, r.outcome])).toEqual([
      ['nightly-orders-20261125-0300', 'deleted'],
      ['nightly-orders-20261126-0300', 'deleted'],
      ['nightly-orders-20261127-0300', 'deleted'],
    ]);
  });
});

describe('no page is lost, and silence pages too', () => {
  const EVENT = { policy: 'nightly', time: '2026-11-28T03:00:00Z' };

  it('a page SNS refused fails the invocation; the retry pages exactly once', async () => {
    await resetWorld(world, ordersFleet());
    const file = policyFile('', 'identifiers: [orders, ghost]');
    // More failures than the SDK's own attempts: the page cannot go out in this invocation.
    world.emu.setFaults({ actions: { 'sns:Publish': { serverErrorFirst: 6 } } });
    await expect(runPolicy(world, file, EVENT)).rejects.toThrow(/could not be sent.*its retry pages/);
    expect(world.emu.publishedMessages()).toEqual([]);
    world.emu.setFaults({});
    const retry = await runPolicy(world, file, EVENT);
    expect(retry.result.alert).toMatchObject({ sent: true });
    const again = await runPolicy(world, file, EVENT);
    expect(again.result.alert).toMatchObject({ sent: false, note: 'already sent for this slot' });
    expect(world.emu.publishedMessages()).toHaveLength(1);
  });

  it('a tag selection that matches nothing pages a warning once per slot', async () => {
    await resetWorld(world, {
      regions: { 'us-east-1': { clusters: [{ id: 'orders', tags: { backup: 'nightly' } }] } },
    });
    const file = policyFile('', 'tags: { backup: nigthly }');
    const { result } = await runPolicy(world, file, EVENT);
    expect(result.results).toEqual([]);
    expect(result.notices).toEqual([
      {
        region: '*',
        code: 'nothing-selected',
        message: expect.stringContaining('matched no DocumentDB cluster in us-east-1'),
      },
    ]);
    expect(result.alert).toMatchObject({ sent: true, severity: 'warning' });
    const [page] = world.emu.publishedMessages();
    expect(page?.subject).toBe('[docdb-backup] WARNING nightly: selection matched no cluster in any Region');
    expect(page?.message).toContain('allowEmpty: true');
    await runPolicy(world, file, EVENT);
    expect(world.emu.publishedMessages()).toHaveLength(1);
    const notices = (await recordedResults(world)).filter((r) => r.pk === 'notice#nightly');
    expect(notices).toMatchObject([{ code: 'nothing-selected', region: '*' }]);
  });

  it('stays silent about an empty selection when the policy says allowEmpty', async () => {
    await resetWorld(world, ordersFleet());
    const { result } = await runPolicy(
      world,
      policyFile('    allowEmpty: true', 'tags: { backup: nightly }'),
      EVENT,
    );
    expect(result.notices).toEqual([]);
    expect(result.alert).toBeNull();
    expect(world.emu.publishedMessages()).toEqual([]);
  });

  it('the quota page names the missed slot, and that command takes only what is missing', async () => {
    await resetWorld(world, {
      regions: {
        'us-east-1': {
          quota: 1,
          clusters: [{ id: 'billing' }, { id: 'orders' }],
        },
      },
    });
    const file = policyFile('', 'identifiers: [billing, orders]');
    const { result } = await runPolicy(world, file, EVENT, { concurrency: 1 });
    expect(result.results.map((r) => [r.clusterId, r.outcome])).toEqual([
      ['billing', 'created'],
      ['orders', 'failed'],
    ]);
    const page = world.emu.publishedMessages()[0]?.message ?? '';
    expect(page).toContain('npx docdb-backup run --policy nightly --at 2026-11-28T03:00Z');
    expect(page).not.toMatch(/run --policy nightly(?! --at)/);
  });
});

describe('time pressure', () => {
  it('stops calls in flight at the cutoff and still records, pages and publishes', async () => {
    await resetWorld(world, ordersFleet());
    world.emu.setFaults({ actions: { 'rds:CreateDBClusterSnapshot': { latencyMs: 20_000 } } });
    const started = Date.now();
    // 16 s left: the work phase ends after 1 s, the 15 s reserve is for reporting.
    const { result } = await runPolicy(
      world,
      policyFile(''),
      { policy: 'nightly', time: '2026-11-28T03:00:00Z' },
      {
        remainingMs: 16_000,
        clock: { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
      },
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.results[0]).toMatchObject({ outcome: 'failed', error: { code: 'deadline' } });
    expect(result.alert).toMatchObject({ sent: true });
    expect(world.emu.recordedEvents('default')).toHaveLength(1);
    expect((await recordedResults(world)).filter((r) => r.pk === 'us-east-1#orders')).toHaveLength(1);
  });
});

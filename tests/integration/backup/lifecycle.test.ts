// Seam: the backup lifecycle end to end, over real HTTP on the emulator: the backup function's run writes
// its jobs, reconcile passes (the reconcile function's real code path) carry each to `available` or
// `failed` with the emulator's snapshots taking time, failing, vanishing and clusters busy for a while,
// and exactly one page per failure, also when two passes run at once.
import { describe, expect, it } from 'vitest';
import {
  hourlyPolicyFile,
  jobRecord,
  lifecycleWorld,
  ordersFleet,
  ourSnapshot,
  pendingJobWorld,
  reconcilePass,
  runPolicy,
  snapshotsIn,
  useWorld,
} from './support.js';

const world = useWorld();

const MINUTE = 60_000;

const eventsOf = (detailType: string) =>
  world.emu.recordedEvents('default').filter((e) => e.detailType === detailType);

describe('the backup lifecycle', () => {
  it('follows a snapshot from the run until it is available, then stops following it', async () => {
    const { clock, advance, event, snapshotId } = await lifecycleWorld(world);
    world.emu.setFaults({ clusters: { orders: { snapshotAvailableAfterMs: 20 * MINUTE } } });
    const { result } = await runPolicy(world, hourlyPolicyFile(), event, { clock });
    expect(result.results[0]).toMatchObject({ outcome: 'created', snapshotId });
    expect(await jobRecord(world, snapshotId)).toMatchObject({ state: 'creating', openPolicy: 'nightly' });

    advance(10 * MINUTE);
    const early = await reconcilePass(world, hourlyPolicyFile(), { clock });
    expect(early.result).toMatchObject({ open: 1, transitions: [] });

    advance(15 * MINUTE);
    const done = await reconcilePass(world, hourlyPolicyFile(), { clock });
    expect(done.result.open).toBe(0);
    expect(done.result.transitions).toEqual([
      expect.objectContaining({
        policy: 'nightly',
        region: 'us-east-1',
        clusterId: 'orders',
        snapshotId,
        from: 'creating',
        to: 'available',
      }),
    ]);
    expect(done.result.transitions[0]?.durationMs).toBeGreaterThanOrEqual(20 * MINUTE);
    const job = await jobRecord(world, snapshotId);
    expect(job).toMatchObject({ state: 'available' });
    expect(job?.openPolicy).toBeUndefined();
    expect(eventsOf('DocumentDB Snapshot Completed')).toHaveLength(1);
    expect(world.emu.publishedMessages()).toEqual([]);
    expect(done.emitted).toMatchObject({ OpenJobs: 0, JobsCompleted: 1, JobsFailed: 0 });

    const after = await reconcilePass(world, hourlyPolicyFile(), { clock });
    expect(after.result).toMatchObject({ open: 0, transitions: [] });
  });

  it.each([
    ['failed', 'ended "failed"'],
    ['vanished', 'no longer exists'],
  ] as const)('pages once for a snapshot that %s after the run', async (outcome, says) => {
    const { clock, advance, event, snapshotId } = await lifecycleWorld(world);
    world.emu.setFaults({
      clusters: { orders: { snapshotAvailableAfterMs: 5 * MINUTE, snapshotOutcome: outcome } },
    });
    await runPolicy(world, hourlyPolicyFile(), event, { clock });
    advance(6 * MINUTE);
    const pass = await reconcilePass(world, hourlyPolicyFile(), { clock });
    expect(pass.result.transitions).toEqual([
      expect.objectContaining({
        snapshotId,
        from: 'creating',
        to: 'failed',
        error: expect.objectContaining({ code: 'snapshot-failed', message: expect.stringContaining(says) }),
      }),
    ]);
    const pages = world.emu.publishedMessages();
    expect(pages).toHaveLength(1);
    expect(pages[0]?.subject).toContain('nightly');
    expect(pages[0]?.message).toContain(snapshotId);
    expect(pages[0]?.message).toContain('orders');
    expect(eventsOf('DocumentDB Snapshot Failed')).toHaveLength(1);

    advance(10 * MINUTE);
    const again = await reconcilePass(world, hourlyPolicyFile(), { clock });
    expect(again.result.transitions).toEqual([]);
    expect(world.emu.publishedMessages()).toHaveLength(1);
    expect(await jobRecord(world, snapshotId)).toMatchObject({
      state: 'failed',
      errorCode: 'snapshot-failed',
    });
  });

  it('backs up a cluster busy for longer than the run inside its start window, without a page', async () => {
    // The invocation has two minutes: its retries run out while the cluster is still busy.
    const { clock, advance, snapshotId, result } = await pendingJobWorld(world, 30);
    expect(result.results[0]).toMatchObject({ outcome: 'pending', snapshotId });
    expect(result.counts.pending).toBe(1);
    expect(result.alert).toBeNull();
    expect(await jobRecord(world, snapshotId)).toMatchObject({ state: 'pending' });

    advance(10 * MINUTE);
    expect((await reconcilePass(world, hourlyPolicyFile(), { clock })).result).toMatchObject({
      open: 1,
      transitions: [],
    });

    advance(25 * MINUTE);
    const started = await reconcilePass(world, hourlyPolicyFile(), { clock });
    expect(started.result.transitions).toEqual([
      expect.objectContaining({ snapshotId, from: 'pending', to: 'creating' }),
    ]);
    expect(snapshotsIn(world, 'us-east-1').map((s) => s.id)).toEqual([snapshotId]);

    advance(2 * MINUTE);
    const done = await reconcilePass(world, hourlyPolicyFile(), { clock });
    expect(done.result.transitions).toEqual([
      expect.objectContaining({ snapshotId, from: 'creating', to: 'available' }),
    ]);
    expect(world.emu.publishedMessages()).toEqual([]);
  });

  it('loses no page: a failure SNS refused stays followed, the pass fails, and the next pass pages it', async () => {
    const { clock, advance, event, snapshotId } = await lifecycleWorld(world);
    world.emu.setFaults({
      clusters: { orders: { snapshotAvailableAfterMs: 5 * MINUTE, snapshotOutcome: 'failed' } },
      actions: { 'sns:Publish': { serverErrorFirst: 100 } },
    });
    await runPolicy(world, hourlyPolicyFile(), event, { clock });
    advance(6 * MINUTE);
    await expect(reconcilePass(world, hourlyPolicyFile(), { clock })).rejects.toThrow(
      /the page for policy "nightly" could not be sent/,
    );
    expect(world.emu.publishedMessages()).toEqual([]);
    expect(await jobRecord(world, snapshotId)).toMatchObject({ state: 'failed', openPolicy: 'nightly' });

    world.emu.setFaults({});
    advance(10 * MINUTE);
    const next = await reconcilePass(world, hourlyPolicyFile(), { clock });
    expect(next.result.transitions).toEqual([]);
    expect(world.emu.publishedMessages()).toHaveLength(1);
    expect(world.emu.publishedMessages()[0]?.message).toContain(snapshotId);
    expect((await jobRecord(world, snapshotId))?.openPolicy).toBeUndefined();
  });

  it('fails a cluster still busy when its start window closes, and pages it once', async () => {
    const { clock, advance, event, snapshotId } = await lifecycleWorld(world);
    world.emu.setFaults({ clusters: { orders: { busyForMs: 180 * MINUTE } } });
    await runPolicy(world, hourlyPolicyFile(), event, { clock, remainingMs: 120_000 });
    advance(61 * MINUTE);
    const pass = await reconcilePass(world, hourlyPolicyFile(), { clock });
    expect(pass.result.transitions).toEqual([
      expect.objectContaining({
        snapshotId,
        from: 'pending',
        to: 'failed',
        error: expect.objectContaining({ code: 'start-window-missed' }),
      }),
    ]);
    expect(world.emu.publishedMessages()).toHaveLength(1);
    expect(world.emu.publishedMessages()[0]?.message).toContain('start-window-missed');
    expect(snapshotsIn(world, 'us-east-1')).toEqual([]);
  });

  it('fails a snapshot still creating when its completion window closes', async () => {
    const { clock, advance, event, snapshotId } = await lifecycleWorld(world);
    world.emu.setFaults({ clusters: { orders: { snapshotAvailableAfterMs: 300 * MINUTE } } });
    await runPolicy(world, hourlyPolicyFile(), event, { clock });
    advance(119 * MINUTE);
    expect((await reconcilePass(world, hourlyPolicyFile(), { clock })).result.transitions).toEqual([]);
    advance(2 * MINUTE);
    const pass = await reconcilePass(world, hourlyPolicyFile(), { clock });
    expect(pass.result.transitions).toEqual([
      expect.objectContaining({
        snapshotId,
        to: 'failed',
        error: expect.objectContaining({ code: 'completion-window-missed' }),
      }),
    ]);
    expect(world.emu.publishedMessages()).toHaveLength(1);
  });

  it('never doubles a transition or a page when two passes run at once', async () => {
    const { clock, advance, event } = await lifecycleWorld(world, {
      regions: { 'us-east-1': { clusters: [{ id: 'orders' }, { id: 'billing' }] } },
    });
    world.emu.setFaults({
      clusters: {
        orders: { snapshotAvailableAfterMs: 5 * MINUTE },
        billing: { snapshotAvailableAfterMs: 5 * MINUTE, snapshotOutcome: 'failed' },
      },
    });
    const twoClusters = hourlyPolicyFile().replace('identifiers: [orders]', 'identifiers: [orders, billing]');
    await runPolicy(world, twoClusters, event, { clock });
    advance(6 * MINUTE);
    const [a, b] = await Promise.all([
      reconcilePass(world, twoClusters, { clock }),
      reconcilePass(world, twoClusters, { clock }),
    ]);
    const transitions = [...a.result.transitions, ...b.result.transitions];
    expect(transitions.map((t) => `${t.clusterId}:${t.to}`).sort()).toEqual([
      'billing:failed',
      'orders:available',
    ]);
    expect(world.emu.publishedMessages()).toHaveLength(1);
    expect(eventsOf('DocumentDB Snapshot Completed')).toHaveLength(1);
    expect(eventsOf('DocumentDB Snapshot Failed')).toHaveLength(1);
  });

  it('keeps the older backups while the new snapshot may still fail, and prunes once it is available', async () => {
    const { clock, advance, event, snapshotId } = await lifecycleWorld(
      world,
      ordersFleet({
        snapshots: [ourSnapshot('orders', '2026-11-20T03:00'), ourSnapshot('orders', '2026-11-21T03:00')],
      }),
    );
    world.emu.setFaults({ clusters: { orders: { snapshotAvailableAfterMs: 5 * MINUTE } } });
    const keepOne = hourlyPolicyFile('    retention:\n      keepLast: 1\n');
    const { result } = await runPolicy(world, keepOne, event, { clock });
    // The run keeps one available snapshot (the 21st): the new one fills no place while it is creating.
    expect(result.deletions.map((d) => d.snapshotId)).toEqual(['nightly-orders-20261120-0300']);
    advance(6 * MINUTE);
    const pass = await reconcilePass(world, keepOne, { clock });
    expect(pass.result.transitions).toEqual([expect.objectContaining({ snapshotId, to: 'available' })]);
    expect(snapshotsIn(world, 'us-east-1').map((s) => s.id)).toEqual([snapshotId]);
    const deleted = eventsOf('DocumentDB Snapshot Deleted').map(
      (e) => (e.detail as { snapshotId: string }).snapshotId,
    );
    expect(deleted).toEqual(['nightly-orders-20261120-0300', 'nightly-orders-20261121-0300']);
  });

  it('deletes nothing more when the new snapshot fails after the run', async () => {
    const { clock, advance, event } = await lifecycleWorld(
      world,
      ordersFleet({ snapshots: [ourSnapshot('orders', '2026-11-21T03:00')] }),
    );
    world.emu.setFaults({
      clusters: { orders: { snapshotAvailableAfterMs: 5 * MINUTE, snapshotOutcome: 'failed' } },
    });
    const keepOne = hourlyPolicyFile('    retention:\n      keepLast: 1\n');
    await runPolicy(world, keepOne, event, { clock });
    advance(6 * MINUTE);
    await reconcilePass(world, keepOne, { clock });
    expect(snapshotsIn(world, 'us-east-1').map((s) => s.id)).toContain('nightly-orders-20261121-0300');
  });
});

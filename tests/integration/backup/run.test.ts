// Seam: the whole scheduled run over real HTTP — the backup function's wiring and the unmodified SDK
// clients against the local emulator, with injected faults. Each case seeds its own emulator state and
// asserts the snapshots that exist afterwards, the recorded results, the events and the exact alerts.
import { describe, expect, it } from 'vitest';
import type { FleetSeed } from '../../../local/emulator.js';
import {
  nightlyPolicyFile,
  ordersFleet,
  recordedResults,
  resetWorld,
  runPolicy,
  snapshotsIn,
  useWorld,
} from './support.js';

const SLOT = '2026-11-28T03:00:00Z';
const EVENT = { policy: 'nightly', time: SLOT };

const NIGHTLY = nightlyPolicyFile({
  clusters: 'identifiers: [orders, billing]',
  policyLines: `    snapshot:
      prefix: nightly
      tags: { tier: gold }
    retry: { maxAttempts: 5, baseDelaySeconds: 0.1, maxDelaySeconds: 0.2 }`,
});

const TWO_CLUSTERS: FleetSeed = {
  regions: {
    'us-east-1': {
      clusters: [
        { id: 'orders', tags: { team: 'orders' } },
        { id: 'billing', tags: { team: 'billing' } },
      ],
    },
  },
};

const world = useWorld();

describe('scheduled run on the emulator', () => {
  it('takes tagged snapshots, records one result per cluster and publishes one event each', async () => {
    // Prepare
    await resetWorld(world, TWO_CLUSTERS);
    // Act
    const { result } = await runPolicy(world, NIGHTLY, EVENT);
    // Assess
    expect(result.counts).toEqual({ created: 2, 'already-exists': 0, pending: 0, failed: 0, skipped: 0 });
    const snapshots = snapshotsIn(world, 'us-east-1');
    expect(snapshots.map((s) => [s.id, s.clusterId])).toEqual([
      ['nightly-billing-20261128-0300', 'billing'],
      ['nightly-orders-20261128-0300', 'orders'],
    ]);
    expect(snapshots[1]!.tags).toEqual({
      'docdb-backup:managed-by': 'docdb-backup',
      'docdb-backup:policy': 'nightly',
      'docdb-backup:scheduled-at': '2026-11-28T03:00:00.000Z',
      tier: 'gold',
    });
    const records = await recordedResults(world);
    // Besides the results: a job per snapshot for the reconciler, and the note that the policy has jobs.
    expect(records.filter((r) => r.pk?.startsWith('job#')).map((r) => [r.pk, r.state])).toEqual([
      ['job#us-east-1#billing', 'creating'],
      ['job#us-east-1#orders', 'creating'],
    ]);
    expect(records.filter((r) => r.pk === 'job-policies').map((r) => r.sk)).toEqual(['nightly']);
    const results = records.filter((r) => !r.pk?.startsWith('job'));
    expect(results.map((r) => [r.pk, r.sk, r.outcome, r.snapshotId, r.attempts])).toEqual([
      [
        'us-east-1#billing',
        '2026-11-28T03:00:00.000Z#nightly',
        'created',
        'nightly-billing-20261128-0300',
        '1',
      ],
      [
        'us-east-1#orders',
        '2026-11-28T03:00:00.000Z#nightly',
        'created',
        'nightly-orders-20261128-0300',
        '1',
      ],
    ]);
    const events = world.emu.recordedEvents('default');
    expect(
      events.map((e) => [e.source, e.detailType, (e.detail as { clusterId: string }).clusterId]),
    ).toEqual([
      ['docdb-backup', 'DocumentDB Snapshot Result', 'billing'],
      ['docdb-backup', 'DocumentDB Snapshot Result', 'orders'],
    ]);
    expect(world.emu.publishedMessages()).toEqual([]);
  });

  it('selects by tag with excludes and never touches other engines', async () => {
    await resetWorld(world, {
      regions: {
        'us-east-1': {
          clusters: [
            { id: 'orders', tags: { backup: 'nightly' } },
            { id: 'scratch', tags: { backup: 'nightly' } },
            { id: 'untagged' },
            { id: 'reporting-pg', engine: 'aurora-postgresql', tags: { backup: 'nightly' } },
            { id: 'graph', engine: 'neptune', tags: { backup: 'nightly' } },
          ],
          snapshots: [{ clusterId: 'orders', type: 'automated', createdAt: '2026-11-27T03:00:00Z' }],
        },
      },
    });
    const policies = NIGHTLY.replace(
      'identifiers: [orders, billing]',
      'tags: { backup: nightly }\n      exclude: [scratch]',
    ).replace('tags: { tier: gold }', 'tags: { tier: gold }\n      copyClusterTags: true');
    const { result } = await runPolicy(world, policies, EVENT);
    expect(result.results.map((r) => [r.clusterId, r.outcome])).toEqual([['orders', 'created']]);
    expect(snapshotsIn(world, 'us-east-1').map((s) => s.id)).toEqual(['nightly-orders-20261128-0300']);
    expect(snapshotsIn(world, 'us-east-1')[0]!.tags.backup).toBe('nightly');
    expect(snapshotsIn(world, 'us-east-1', 'automated')).toHaveLength(1);
    expect(world.emu.callCount('rds:CreateDBClusterSnapshot')).toBe(1);
  });

  it('waits out a busy cluster and succeeds after retries', async () => {
    await resetWorld(world, TWO_CLUSTERS);
    world.emu.setFaults({ clusters: { orders: { busyForAttempts: 2 } } });
    const { result } = await runPolicy(world, NIGHTLY, EVENT);
    expect(result.results.map((r) => [r.clusterId, r.outcome, r.attempts])).toEqual([
      ['billing', 'created', 1],
      ['orders', 'created', 3],
    ]);
    expect(world.emu.publishedMessages()).toEqual([]);
  });

  it('gives up on a cluster that stays busy past the deadline and pages once', async () => {
    await resetWorld(world, TWO_CLUSTERS);
    world.emu.setFaults({ clusters: { orders: { busyForAttempts: 1000 } } });
    const policies = NIGHTLY.replace('maxAttempts: 5', 'maxAttempts: 50');
    // 15 s are kept back for recording: the run has 1.5 s to retry.
    const { result } = await runPolicy(world, policies, EVENT, { remainingMs: 16_500 });
    const orders = result.results.find((r) => r.clusterId === 'orders')!;
    expect(orders.outcome).toBe('failed');
    expect(orders.error?.code).toBe('cluster-busy');
    expect(orders.error?.message).toMatch(
      /still busy after \d+ attempt\(s\); (the next attempt would pass the run deadline|the run reached its cutoff during the last one)/,
    );
    expect(orders.attempts).toBeGreaterThan(3);
    const messages = world.emu.publishedMessages();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      topicArn: world.service.topicArn,
      subject: '[docdb-backup] ERROR nightly: 1 of 2 clusters not backed up',
      attributes: {
        severity: { dataType: 'String', stringValue: 'error' },
        policy: { dataType: 'String', stringValue: 'nightly' },
      },
    });
    expect(messages[0]!.message).toContain(
      'docdb-backup policy "nightly", scheduled at 2026-11-28T03:00:00.000Z: 1 of 2 clusters not backed up.',
    );
    expect(messages[0]!.message).toContain('- us-east-1 orders: cluster-busy');
    expect(messages[0]!.message).not.toContain(world.emu.url);
  });

  it('pages critically when one Region hits the snapshot quota while the other succeeds', async () => {
    await resetWorld(world, {
      regions: {
        'us-east-1': { clusters: [{ id: 'orders' }] },
        'eu-west-1': {
          quota: 3,
          clusters: [{ id: 'orders-eu' }, { id: 'customers-eu' }],
          snapshots: [
            { id: 'nightly-orders-eu-20261127-0300', clusterId: 'orders-eu' },
            { id: 'migration-before-upgrade', clusterId: 'customers-eu' },
          ],
        },
      },
    });
    const policies = NIGHTLY.replace('regions: [us-east-1]', 'regions: [us-east-1, eu-west-1]').replace(
      'identifiers: [orders, billing]',
      'identifiers: [orders, orders-eu, customers-eu]',
    );
    const { result } = await runPolicy(world, policies, EVENT, { concurrency: 1 });
    expect(result.results.map((r) => [r.region, r.clusterId, r.outcome, r.error?.code])).toEqual([
      ['eu-west-1', 'customers-eu', 'created', undefined],
      ['eu-west-1', 'orders-eu', 'failed', 'quota-exceeded'],
      ['us-east-1', 'orders', 'created', undefined],
    ]);
    expect(snapshotsIn(world, 'eu-west-1')).toHaveLength(3);
    const messages = world.emu.publishedMessages();
    expect(messages).toHaveLength(1);
    expect(messages[0]!.subject).toBe('[docdb-backup] CRITICAL nightly: snapshot quota reached in eu-west-1');
    expect(messages[0]!.attributes.severity).toEqual({ dataType: 'String', stringValue: 'critical' });
    expect(messages[0]!.message).toContain(
      'Snapshot quota reached in eu-west-1: 3 of 100 manual cluster snapshots in use (shared with RDS and Neptune).',
    );
    expect(messages[0]!.message).toContain(
      'AWS refused a new snapshot at 3 while the configured quota is 100',
    );
    expect(messages[0]!.message).toContain('2  docdb-backup policy nightly (prefix nightly)');
    expect(messages[0]!.message).toContain('1  not created by docdb-backup');
  });

  it('treats a duplicate delivery of the same slot as done: no new snapshot, no second page', async () => {
    await resetWorld(world, ordersFleet());
    const policies = NIGHTLY.replace('identifiers: [orders, billing]', 'identifiers: [orders, ghost]');
    await runPolicy(world, policies, EVENT);
    const { result } = await runPolicy(world, policies, { ...EVENT, time: '2026-11-28T03:00:59Z' });
    expect(result.results.map((r) => [r.clusterId, r.outcome])).toEqual([
      ['ghost', 'failed'],
      ['orders', 'already-exists'],
    ]);
    expect(result.alert).toMatchObject({ sent: false, note: 'already sent for this slot' });
    expect(snapshotsIn(world, 'us-east-1')).toHaveLength(1);
    expect(world.emu.publishedMessages()).toHaveLength(1);
  });

  it('rides out a throttling storm through the SDK retry strategy', async () => {
    await resetWorld(world, {
      regions: { 'us-east-1': { clusters: Array.from({ length: 6 }, (_, i) => ({ id: `c${i}` })) } },
    });
    world.emu.setFaults({ actions: { 'rds:CreateDBClusterSnapshot': { throttleEvery: 2 } } });
    const policies = NIGHTLY.replace(
      'identifiers: [orders, billing]',
      'identifiers: [c0, c1, c2, c3, c4, c5]',
    );
    const { result } = await runPolicy(world, policies, EVENT);
    expect(result.counts.created).toBe(6);
    expect(world.emu.callCount('rds:CreateDBClusterSnapshot')).toBeGreaterThanOrEqual(11);
    expect(snapshotsIn(world, 'us-east-1')).toHaveLength(6);
  });

  it('records a missing explicit cluster as a failure and pages, while the others are backed up', async () => {
    await resetWorld(world, ordersFleet());
    const { result } = await runPolicy(world, NIGHTLY, EVENT);
    expect(result.results.map((r) => [r.region, r.clusterId, r.outcome, r.error?.code])).toEqual([
      ['*', 'billing', 'failed', 'cluster-not-found'],
      ['us-east-1', 'orders', 'created', undefined],
    ]);
    const records = await recordedResults(world);
    expect(records.find((r) => r.clusterId === 'billing')).toMatchObject({
      pk: '*#billing',
      outcome: 'failed',
      errorCode: 'cluster-not-found',
      errorMessage: 'no DocumentDB cluster "billing" in us-east-1 (named in clusters.identifiers)',
    });
    const [message] = world.emu.publishedMessages();
    expect(message?.subject).toBe('[docdb-backup] ERROR nightly: 1 of 2 clusters not backed up');
    expect(message?.message).toContain('- any Region billing: cluster-not-found');
  });

  it('resends PutEvents entries that failed so every result gets its event', async () => {
    await resetWorld(world, TWO_CLUSTERS);
    world.emu.setFaults({ putEventsFailEntries: { count: 1, forCalls: 1 } });
    const { result } = await runPolicy(world, NIGHTLY, EVENT);
    expect(result.eventsFailed).toBe(0);
    expect(world.emu.callCount('events:PutEvents')).toBe(2);
    expect(world.emu.recordedEvents('default')).toHaveLength(2);
  });
});

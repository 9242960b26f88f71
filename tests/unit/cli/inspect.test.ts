// Seam: cli/inspect.ts `planRows` with plain Region plans: what a plan says about every cluster the
// next run touches or leaves out, and in which order; `slotSnapshotAvailable`, the port retention's
// preview reads.
import { describe, expect, it } from 'vitest';
import {
  countActions,
  planRows,
  type RegionInspection,
  slotSnapshotAvailable,
} from '../../../cli/inspect.js';
import type { RegionPlan } from '../../../shared/backup/plan-region.js';
import type { DocdbPort, ManualSnapshot } from '../../../shared/backup/ports.js';

function task(region: string, id: string, status = 'available') {
  return {
    at: { region },
    cluster: { id, arn: `arn:aws:rds:${region}:123456789012:cluster:${id}`, status },
    snapshotId: `nightly-${id}-20261128-0300`,
    tags: [],
  };
}

function region(
  { region, ...plan }: Partial<RegionPlan> & { region: string },
  otherEngines: RegionInspection['otherEngines'] = [],
): RegionInspection {
  return { plan: { at: { region }, tasks: [], failures: [], missing: [], ...plan }, otherEngines };
}

const other = (id: string, engine = 'aurora-postgresql') => ({
  id,
  arn: `arn:aws:rds:us-east-1:123456789012:cluster:${id}`,
  status: 'available',
  engine,
});

describe('planRows', () => {
  it('snapshots the selected clusters, and says a busy one will be retried', () => {
    const rows = planRows([
      region({
        region: 'us-east-1',
        tasks: [task('us-east-1', 'payments', 'backing-up'), task('us-east-1', 'orders')],
      }),
    ]);

    expect(rows).toEqual([
      {
        region: 'us-east-1',
        clusterId: 'orders',
        action: 'snapshot',
        reason: null,
        status: 'available',
        engine: null,
        snapshotId: 'nightly-orders-20261128-0300',
        detail: 'nightly-orders-20261128-0300',
        wouldDelete: [],
      },
      expect.objectContaining({
        clusterId: 'payments',
        action: 'snapshot',
        detail: 'nightly-payments-20261128-0300 (now "backing-up": the run retries while it is busy)',
      }),
    ]);
  });

  it('fails a cluster in a state waiting does not fix, and an unreadable Region', () => {
    const rows = planRows([
      region({ region: 'us-east-1', tasks: [task('us-east-1', 'archive', 'stopped')] }),
      region({
        region: 'eu-west-1',
        missing: undefined,
        failures: [
          {
            region: 'eu-west-1',
            clusterId: '*',
            outcome: 'failed',
            attempts: 0,
            durationMs: 0,
            error: {
              code: 'access-denied',
              message: 'listing DocumentDB clusters: AccessDenied: not allowed',
            },
          },
        ],
      }),
    ]);

    expect(rows.map((r) => [r.region, r.clusterId, r.action, r.reason, r.detail])).toEqual([
      ['eu-west-1', '*', 'fail', 'access-denied', 'listing DocumentDB clusters: AccessDenied: not allowed'],
      [
        'us-east-1',
        'archive',
        'fail',
        'cluster-unavailable',
        '"stopped": the run records a failure at once (waiting does not fix it)',
      ],
    ]);
  });

  it("skips excluded clusters and other engines with the policy's tags", () => {
    const rows = planRows([
      region({ region: 'us-east-1', excluded: ['scratch'] }, [
        { cluster: other('reporting-pg'), byIdentifier: false },
      ]),
    ]);

    expect(rows.map((r) => [r.clusterId, r.action, r.reason, r.engine])).toEqual([
      ['reporting-pg', 'skip', 'other-engine', 'aurora-postgresql'],
      ['scratch', 'skip', 'excluded', null],
    ]);
  });

  it('fails an explicit identifier found in no Region once, naming another engine that has it', () => {
    const rows = planRows([
      region({ region: 'us-east-1', missing: ['ghost', 'graph', 'orders'] }, [
        { cluster: other('graph', 'neptune'), byIdentifier: true },
      ]),
      region({ region: 'eu-west-1', missing: ['ghost', 'graph'], tasks: [task('eu-west-1', 'orders')] }),
    ]);

    expect(rows.map((r) => [r.region, r.clusterId, r.action, r.reason, r.detail])).toEqual([
      ['eu-west-1', 'orders', 'snapshot', null, 'nightly-orders-20261128-0300'],
      [
        '*',
        'ghost',
        'fail',
        'cluster-not-found',
        'no DocumentDB cluster "ghost" in us-east-1, eu-west-1 (named in clusters.identifiers)',
      ],
      [
        '*',
        'graph',
        'fail',
        'cluster-not-found',
        'no DocumentDB cluster "graph" in us-east-1, eu-west-1 (named in clusters.identifiers); it is a ' +
          'cluster of another engine (neptune in us-east-1): not backed up',
      ],
    ]);
  });

  it('does not call an identifier missing while a Region could not be read', () => {
    const rows = planRows([
      region({ region: 'us-east-1', missing: ['ghost'] }),
      region({ region: 'eu-west-1', missing: undefined }),
    ]);

    expect(rows).toEqual([]);
  });

  it('counts lines by action', () => {
    const rows = planRows([
      region({
        region: 'us-east-1',
        tasks: [task('us-east-1', 'a'), task('us-east-1', 'b', 'stopped')],
        excluded: ['c'],
      }),
    ]);
    expect(countActions(rows)).toEqual({ snapshot: 1, skip: 1, fail: 1 });
  });
});

describe('retention preview port', () => {
  const slot = new Date('2026-11-28T03:00:00Z');
  const snap = (snapshotId: string, status: string): ManualSnapshot => ({
    snapshotId,
    clusterId: 'orders',
    arn: `arn:${snapshotId}`,
    status,
    createdAt: new Date('2026-11-27T03:00:00Z'),
  });
  const port = (listed: ManualSnapshot[]) =>
    slotSnapshotAvailable(
      { listClusterSnapshots: async () => listed } as unknown as DocdbPort,
      'n-orders-20261128-0300',
      slot,
    );

  it("counts the slot's snapshot as available: not taken yet, or still creating", async () => {
    const old = snap('n-orders-20261127-0300', 'available');

    expect(await port([old]).listClusterSnapshots({ region: 'us-east-1' }, 'orders')).toEqual([
      old,
      {
        snapshotId: 'n-orders-20261128-0300',
        clusterId: 'orders',
        arn: '',
        status: 'available',
        createdAt: slot,
      },
    ]);
    const creating = snap('n-orders-20261128-0300', 'creating');
    expect(
      (await port([creating, old]).listClusterSnapshots({ region: 'us-east-1' }, 'orders'))[1],
    ).toMatchObject({
      snapshotId: 'n-orders-20261128-0300',
      status: 'available',
      arn: 'arn:n-orders-20261128-0300',
    });
  });

  it('leaves a slot snapshot that failed as it is', async () => {
    const failed = snap('n-orders-20261128-0300', 'failed');

    expect(await port([failed]).listClusterSnapshots({ region: 'us-east-1' }, 'orders')).toEqual([failed]);
  });
});

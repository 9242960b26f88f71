// Seam: snapshots and clusters that change with the emulator's clock, as the real @aws-sdk/client-docdb
// sees them over HTTP — per-cluster snapshot durations, snapshots that end failed or vanish, snapshots
// deleted behind the product's back, and clusters busy for a while — set through setFaults, the seed,
// and the /_emulator/ control endpoints, and moved along with advanceClock.
import {
  CreateDBClusterSnapshotCommand,
  DBClusterSnapshotNotFoundFault,
  DeleteDBClusterSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  InvalidDBClusterSnapshotStateFault,
  InvalidDBClusterStateFault,
  SnapshotQuotaExceededFault,
} from '@aws-sdk/client-docdb';
import { describe, expect, it } from 'vitest';
import { EmulatorConfigError } from '../../../local/errors.js';
import { rejectionOf, useEmulator } from './support.js';

const t = useEmulator();

const ACCOUNT = '123456789012';
const MINUTE = 60_000;

function seedFleet(extra: { quota?: number; ordersSnapshotMs?: number } = {}): void {
  t.emu.seed({
    regions: {
      'us-east-1': {
        ...(extra.quota === undefined ? {} : { quota: extra.quota }),
        clusters: [
          {
            id: 'orders',
            ...(extra.ordersSnapshotMs === undefined
              ? {}
              : { snapshotAvailableAfterMs: extra.ordersSnapshotMs }),
          },
          { id: 'billing' },
        ],
      },
    },
  });
}

async function createSnapshot(id: string, cluster = 'orders') {
  const { DBClusterSnapshot } = await t
    .docdb()
    .send(
      new CreateDBClusterSnapshotCommand({ DBClusterIdentifier: cluster, DBClusterSnapshotIdentifier: id }),
    );
  return DBClusterSnapshot;
}

async function describeSnapshot(id: string) {
  const { DBClusterSnapshots } = await t
    .docdb()
    .send(new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: id }));
  return DBClusterSnapshots?.[0];
}

async function clusterStatus(cluster: string): Promise<string | undefined> {
  const { DBClusters } = await t
    .docdb()
    .send(new DescribeDBClustersCommand({ DBClusterIdentifier: cluster }));
  return DBClusters?.[0]?.Status;
}

async function post(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${t.emu.url}/_emulator/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('snapshot duration per cluster', () => {
  it('keeps a snapshot of a cluster with snapshotAvailableAfterMs creating for that long, progress following the clock', async () => {
    seedFleet();
    t.emu.setFaults({ clusters: { orders: { snapshotAvailableAfterMs: 30 * MINUTE } } });

    const created = await createSnapshot('orders-1');
    await createSnapshot('billing-1', 'billing');
    const ordersAtStart = await describeSnapshot('orders-1');
    const billingAtStart = await describeSnapshot('billing-1');
    t.emu.advanceClock(15 * MINUTE);
    const ordersHalfway = await describeSnapshot('orders-1');
    t.emu.advanceClock(15 * MINUTE);
    const ordersAfter = await describeSnapshot('orders-1');

    expect(created).toMatchObject({ Status: 'creating', PercentProgress: 0 });
    expect(ordersAtStart?.Status).toBe('creating');
    expect(billingAtStart).toMatchObject({ Status: 'available', PercentProgress: 100 });
    expect(ordersHalfway).toMatchObject({ Status: 'creating', PercentProgress: 50 });
    expect(ordersAfter).toMatchObject({ Status: 'available', PercentProgress: 100 });
  });

  it('takes a cluster duration from the seed, and the cluster fault over the seed', async () => {
    seedFleet({ ordersSnapshotMs: 10 * MINUTE });

    await createSnapshot('seeded');
    t.emu.setFaults({ clusters: { orders: { snapshotAvailableAfterMs: 40 * MINUTE } } });
    await createSnapshot('faulted');
    t.emu.advanceClock(10 * MINUTE);
    const after10 = [await describeSnapshot('seeded'), await describeSnapshot('faulted')];
    t.emu.advanceClock(30 * MINUTE);
    const after40 = await describeSnapshot('faulted');

    expect(after10.map((snapshot) => snapshot?.Status)).toEqual(['available', 'creating']);
    expect(after10[1]?.PercentProgress).toBe(25);
    expect(after40?.Status).toBe('available');
  });

  it('sets the duration over HTTP and advances it with POST /_emulator/clock', async () => {
    seedFleet();

    const set = await post('faults', { clusters: { orders: { snapshotAvailableAfterMs: 5 * MINUTE } } });
    await createSnapshot('s1');
    const before = await describeSnapshot('s1');
    await post('clock', { advanceMs: 5 * MINUTE });
    const after = await describeSnapshot('s1');

    expect(set.status).toBe(200);
    expect(before?.Status).toBe('creating');
    expect(after?.Status).toBe('available');
  });
});

describe('snapshots that fail after creation', () => {
  it('ends a snapshot failed once its creation time is over, still counted against the quota', async () => {
    seedFleet({ quota: 1 });
    t.emu.setFaults({
      clusters: { orders: { snapshotAvailableAfterMs: 20 * MINUTE, snapshotOutcome: 'failed' } },
    });

    const created = await createSnapshot('s1');
    const during = await describeSnapshot('s1');
    t.emu.advanceClock(20 * MINUTE);
    const after = await describeSnapshot('s1');
    const next = await rejectionOf(createSnapshot('s2', 'billing'));

    expect(created?.Status).toBe('creating');
    expect(during?.Status).toBe('creating');
    expect(after).toMatchObject({ Status: 'failed', PercentProgress: 0, SnapshotType: 'manual' });
    expect(next).toBeInstanceOf(SnapshotQuotaExceededFault);
    expect(t.emu.state().accounts[ACCOUNT]?.regions['us-east-1']).toMatchObject({
      manualSnapshots: 1,
      snapshots: [expect.objectContaining({ id: 's1', status: 'failed' })],
    });
  });

  it('refuses to delete a failed snapshot, as the API deletes only available ones', async () => {
    seedFleet();
    t.emu.setFaults({ clusters: { orders: { snapshotOutcome: 'failed' } } });
    await createSnapshot('s1');

    const error = await rejectionOf(
      t.docdb().send(new DeleteDBClusterSnapshotCommand({ DBClusterSnapshotIdentifier: 's1' })),
    );

    expect(error).toBeInstanceOf(InvalidDBClusterSnapshotStateFault);
    expect((await describeSnapshot('s1'))?.Status).toBe('failed');
  });

  it('fixes the outcome when the snapshot is created: later faults change only later snapshots', async () => {
    seedFleet();
    await createSnapshot('before');
    t.emu.setFaults({
      clusters: { orders: { snapshotAvailableAfterMs: MINUTE, snapshotOutcome: 'failed' } },
    });
    await createSnapshot('during');
    t.emu.setFaults({});
    await createSnapshot('after');
    t.emu.advanceClock(MINUTE);

    const statuses = await Promise.all(['before', 'during', 'after'].map(describeSnapshot));

    expect(statuses.map((snapshot) => snapshot?.Status)).toEqual(['available', 'failed', 'available']);
  });

  it('limits the failure to the faulted cluster', async () => {
    seedFleet();
    t.emu.setFaults({ clusters: { orders: { snapshotOutcome: 'failed' } } });

    await createSnapshot('orders-1');
    await createSnapshot('billing-1', 'billing');
    const { DBClusterSnapshots } = await t.docdb().send(new DescribeDBClusterSnapshotsCommand({}));

    expect(DBClusterSnapshots?.map((s) => [s.DBClusterSnapshotIdentifier, s.Status])).toEqual([
      ['orders-1', 'failed'],
      ['billing-1', 'available'],
    ]);
  });
});

describe('snapshots that vanish', () => {
  it('deletes a snapshot behind the product’s back: describing it answers DBClusterSnapshotNotFoundFault', async () => {
    seedFleet({ quota: 1 });
    await createSnapshot('s1');

    t.emu.deleteSnapshot(ACCOUNT, 'us-east-1', 's1');
    const error = await rejectionOf(describeSnapshot('s1'));
    const byCluster = await t
      .docdb()
      .send(new DescribeDBClusterSnapshotsCommand({ DBClusterIdentifier: 'orders' }));
    const again = await createSnapshot('s2');

    expect(error).toBeInstanceOf(DBClusterSnapshotNotFoundFault);
    expect(error.message).toBe('DBClusterSnapshot not found: s1');
    expect(error.$metadata.httpStatusCode).toBe(404);
    expect(byCluster.DBClusterSnapshots).toEqual([]);
    expect(again?.Status).toBe('creating');
  });

  it('deletes a snapshot still creating, and refuses an unknown one', async () => {
    await t.emu.reset({ snapshotAvailableAfterMs: 10 * MINUTE });
    seedFleet();
    await createSnapshot('s1');

    t.emu.deleteSnapshot(ACCOUNT, 'us-east-1', 'S1');

    expect(t.emu.state().accounts[ACCOUNT]?.regions['us-east-1']?.snapshots).toEqual([]);
    expect(() => t.emu.deleteSnapshot(ACCOUNT, 'us-east-1', 's1')).toThrow(EmulatorConfigError);
    expect(() => t.emu.deleteSnapshot(ACCOUNT, 'eu-west-1', 'other')).toThrow(/no snapshot other/);
  });

  it('deletes a snapshot through POST /_emulator/delete-snapshot, in the default account or another', async () => {
    t.emu.seed({
      accessKeys: { AKIDOTHER: '210987654321' },
      regions: { 'us-east-1': { clusters: [{ id: 'orders' }] } },
      accounts: { '210987654321': { regions: { 'eu-west-1': { clusters: [{ id: 'audit' }] } } } },
    });
    await createSnapshot('s1');
    await t.docdb({ region: 'eu-west-1', accessKeyId: 'AKIDOTHER' }).send(
      new CreateDBClusterSnapshotCommand({
        DBClusterIdentifier: 'audit',
        DBClusterSnapshotIdentifier: 'a1',
      }),
    );

    const own = await post('delete-snapshot', { region: 'us-east-1', id: 's1' });
    const other = await post('delete-snapshot', { accountId: '210987654321', region: 'eu-west-1', id: 'a1' });
    const missing = await post('delete-snapshot', { region: 'us-east-1', id: 's1' });
    const invalid = await post('delete-snapshot', { region: 'us-east-1', snapshot: 's1' });

    expect(own).toEqual({ status: 200, json: { ok: true } });
    expect(other).toEqual({ status: 200, json: { ok: true } });
    expect(missing.status).toBe(400);
    expect(missing.json.error).toContain('no snapshot s1');
    expect(invalid.status).toBe(400);
    expect(invalid.json.error).toContain('id');
    expect(await rejectionOf(describeSnapshot('s1'))).toBeInstanceOf(DBClusterSnapshotNotFoundFault);
  });

  it('removes the snapshots of a cluster with snapshotOutcome vanished when they would become available', async () => {
    seedFleet();
    t.emu.setFaults({
      clusters: { orders: { snapshotAvailableAfterMs: 30 * MINUTE, snapshotOutcome: 'vanished' } },
    });
    await createSnapshot('s1');

    const during = await describeSnapshot('s1');
    t.emu.advanceClock(30 * MINUTE);
    const gone = await rejectionOf(describeSnapshot('s1'));
    t.emu.setFaults({});
    const reused = await createSnapshot('s1');
    const region = t.emu.state().accounts[ACCOUNT]?.regions['us-east-1'];

    expect(during?.Status).toBe('creating');
    expect(gone).toBeInstanceOf(DBClusterSnapshotNotFoundFault);
    expect(reused?.DBClusterSnapshotIdentifier).toBe('s1');
    expect(region?.snapshots.map((snapshot) => [snapshot.id, snapshot.status])).toEqual([
      ['s1', 'available'],
    ]);
  });
});

describe('clusters busy for a while', () => {
  it('keeps a cluster busy for busyForMs of emulator time, then lets snapshots through', async () => {
    seedFleet();
    t.emu.setFaults({ clusters: { orders: { busyForMs: 30 * MINUTE, busyStatus: 'modifying' } } });

    const statusDuring = await clusterStatus('orders');
    const refused = await rejectionOf(createSnapshot('s1'));
    const refusedAgain = await rejectionOf(createSnapshot('s1'));
    t.emu.advanceClock(29 * MINUTE);
    const stillBusy = await rejectionOf(createSnapshot('s1'));
    t.emu.advanceClock(MINUTE);
    const statusAfter = await clusterStatus('orders');
    const created = await createSnapshot('s1');

    expect(statusDuring).toBe('modifying');
    expect(refused).toBeInstanceOf(InvalidDBClusterStateFault);
    expect(refused.message).toContain('modifying');
    expect(refusedAgain).toBeInstanceOf(InvalidDBClusterStateFault);
    expect(stillBusy).toBeInstanceOf(InvalidDBClusterStateFault);
    expect(statusAfter).toBe('available');
    expect(created?.Status).toBe('creating');
    expect(await clusterStatus('billing')).toBe('available');
  });

  it('keeps a cluster backing-up until busyUntil, set over HTTP, and shows it in the state', async () => {
    seedFleet();
    const now = Date.parse(t.emu.state().now);
    const until = new Date(now + 30 * MINUTE).toISOString();

    const set = await post('faults', { clusters: { orders: { busyUntil: until } } });
    const during = await clusterStatus('orders');
    const refused = await rejectionOf(createSnapshot('s1'));
    const shown = t.emu.state().faults.busyUntil;
    await post('clock', { advanceMs: 30 * MINUTE });
    const after = await clusterStatus('orders');

    expect(set.status).toBe(200);
    expect(during).toBe('backing-up');
    expect(refused).toBeInstanceOf(InvalidDBClusterStateFault);
    expect(shown).toEqual({ orders: until });
    expect(after).toBe('available');
  });

  it('frees the cluster and completes its snapshot after 30 minutes of emulator time', async () => {
    seedFleet();
    t.emu.setFaults({
      clusters: { orders: { busyForMs: 10 * MINUTE, snapshotAvailableAfterMs: 20 * MINUTE } },
    });

    const refused = await rejectionOf(createSnapshot('s1'));
    t.emu.advanceClock(10 * MINUTE);
    const created = await createSnapshot('s1');
    t.emu.advanceClock(20 * MINUTE);
    const snapshot = await describeSnapshot('s1');

    expect(refused).toBeInstanceOf(InvalidDBClusterStateFault);
    expect(created?.Status).toBe('creating');
    expect(snapshot).toMatchObject({ Status: 'available', PercentProgress: 100 });
    expect(await clusterStatus('orders')).toBe('available');
  });

  it('shows a permanent status once the busy period is over', async () => {
    seedFleet();
    t.emu.setFaults({ clusters: { orders: { busyForMs: MINUTE, status: 'stopped' } } });

    const during = await clusterStatus('orders');
    t.emu.advanceClock(MINUTE);
    const after = await clusterStatus('orders');

    expect([during, after]).toEqual(['backing-up', 'stopped']);
  });

  it('refuses busyForMs together with busyUntil, and a busyUntil that is not an ISO time', () => {
    expect(() =>
      t.emu.setFaults({
        clusters: { orders: { busyForMs: MINUTE, busyUntil: '2030-01-01T00:00:00Z' } },
      }),
    ).toThrow(/busyForMs or busyUntil/);
    expect(() => t.emu.setFaults({ clusters: { orders: { busyUntil: 'tomorrow' } } })).toThrow(
      EmulatorConfigError,
    );
    expect(() => t.emu.setFaults({ clusters: { orders: { snapshotOutcome: 'lost' as never } } })).toThrow(
      /snapshotOutcome/,
    );
  });
});

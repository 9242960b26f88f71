// Seam: the emulator's DocumentDB snapshot and tagging API as seen by the real @aws-sdk/client-docdb
// over HTTP — AWS's validation rules, quota, lifecycle, and errors mapped to the SDK's exported classes.
import {
  AddTagsToResourceCommand,
  CreateDBClusterSnapshotCommand,
  DBClusterNotFoundFault,
  DBClusterSnapshotAlreadyExistsFault,
  DBClusterSnapshotNotFoundFault,
  DeleteDBClusterSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  InvalidDBClusterSnapshotStateFault,
  InvalidDBClusterStateFault,
  ListTagsForResourceCommand,
  RemoveTagsFromResourceCommand,
  SnapshotQuotaExceededFault,
} from '@aws-sdk/client-docdb';
import { describe, expect, it } from 'vitest';
import { createSnapshot, rejectionOf, useEmulator } from './support.js';

const t = useEmulator();

const SNAPSHOT_ARN_PREFIX = 'arn:aws:rds:us-east-1:123456789012:cluster-snapshot:';

function seedOrders(extra: { quota?: number } = {}): void {
  t.emu.seed({ regions: { 'us-east-1': { ...extra, clusters: [{ id: 'orders', encrypted: true }] } } });
}

describe('CreateDBClusterSnapshot', () => {
  it('answers a creating manual snapshot, stored lowercase, with the cluster engine and encryption', async () => {
    seedOrders();

    const { DBClusterSnapshot } = await createSnapshot(t.docdb(), 'orders', 'Nightly-1');

    expect(DBClusterSnapshot).toMatchObject({
      DBClusterSnapshotIdentifier: 'nightly-1',
      DBClusterIdentifier: 'orders',
      DBClusterSnapshotArn: `${SNAPSHOT_ARN_PREFIX}nightly-1`,
      Status: 'creating',
      SnapshotType: 'manual',
      Engine: 'docdb',
      StorageEncrypted: true,
      PercentProgress: 0,
    });
    expect(DBClusterSnapshot?.SnapshotCreateTime).toBeInstanceOf(Date);
  });

  it('moves from creating to available after snapshotAvailableAfterMs on the emulator clock', async () => {
    await t.emu.reset({ snapshotAvailableAfterMs: 60_000 });
    seedOrders();
    const docdb = t.docdb();
    await createSnapshot(docdb, 'orders', 's1');

    const during = await docdb.send(
      new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: 's1' }),
    );
    t.emu.advanceClock(30_000);
    const halfway = await docdb.send(
      new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: 's1' }),
    );
    t.emu.advanceClock(30_000);
    const after = await docdb.send(
      new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: 's1' }),
    );

    expect(during.DBClusterSnapshots?.[0]?.Status).toBe('creating');
    expect(halfway.DBClusterSnapshots?.[0]).toMatchObject({ Status: 'creating', PercentProgress: 50 });
    expect(after.DBClusterSnapshots?.[0]).toMatchObject({ Status: 'available', PercentProgress: 100 });
  });

  it.each([
    ['starts with a digit', '1nightly'],
    ['contains two hyphens in a row', 'nightly--1'],
    ['ends with a hyphen', 'nightly-'],
    ['has an underscore', 'nightly_1'],
    ['is 64 characters long', `a${'b'.repeat(63)}`],
  ])('rejects an identifier that %s with InvalidParameterValue', async (_why, identifier) => {
    seedOrders();

    const error = await rejectionOf(createSnapshot(t.docdb(), 'orders', identifier));

    expect(error.name).toBe('InvalidParameterValue');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('accepts a 63-character identifier', async () => {
    seedOrders();
    const identifier = `a${'b'.repeat(62)}`;

    const { DBClusterSnapshot } = await createSnapshot(t.docdb(), 'orders', identifier);

    expect(DBClusterSnapshot?.DBClusterSnapshotIdentifier).toBe(identifier);
  });

  it('answers DBClusterNotFoundFault (404) for an unknown cluster', async () => {
    const error = await rejectionOf(createSnapshot(t.docdb(), 'ghost', 's1'));

    expect(error).toBeInstanceOf(DBClusterNotFoundFault);
    expect(error.$metadata.httpStatusCode).toBe(404);
  });

  it('answers DBClusterSnapshotAlreadyExistsFault (400) when another engine already uses the identifier', async () => {
    t.emu.seed({
      regions: {
        'us-east-1': {
          clusters: [{ id: 'orders' }, { id: 'billing-pg', engine: 'aurora-postgresql' }],
          snapshots: [{ id: 'nightly-1', clusterId: 'billing-pg' }],
        },
      },
    });

    const error = await rejectionOf(createSnapshot(t.docdb(), 'orders', 'NIGHTLY-1'));

    expect(error).toBeInstanceOf(DBClusterSnapshotAlreadyExistsFault);
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('answers InvalidDBClusterStateFault (400) for a cluster that is not available', async () => {
    t.emu.seed({ regions: { 'us-east-1': { clusters: [{ id: 'orders', status: 'stopped' }] } } });

    const error = await rejectionOf(createSnapshot(t.docdb(), 'orders', 's1'));

    expect(error).toBeInstanceOf(InvalidDBClusterStateFault);
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('shares the manual quota across engines and does not count automated or AWS Backup snapshots', async () => {
    t.emu.seed({
      regions: {
        'us-east-1': {
          quota: 3,
          clusters: [
            { id: 'orders' },
            { id: 'billing-pg', engine: 'aurora-postgresql' },
            { id: 'graph', engine: 'neptune' },
          ],
          snapshots: [
            { id: 'pg-manual', clusterId: 'billing-pg' },
            { id: 'graph-manual', clusterId: 'graph' },
            { clusterId: 'orders', type: 'automated', createdAt: '2026-11-27T03:00:00Z' },
            { clusterId: 'orders', type: 'automated', createdAt: '2026-11-26T03:00:00Z' },
            { clusterId: 'orders', type: 'awsbackup', createdAt: '2026-11-25T03:00:00Z' },
          ],
        },
        'eu-west-1': { quota: 3, clusters: [{ id: 'orders' }] },
      },
    });
    const create = (id: string, region = 'us-east-1') => createSnapshot(t.docdb({ region }), 'orders', id);

    await create('third');
    const error = await rejectionOf(create('fourth'));
    const otherRegion = await create('fourth', 'eu-west-1');

    expect(error).toBeInstanceOf(SnapshotQuotaExceededFault);
    expect(error.name).toBe('SnapshotQuotaExceededFault');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(otherRegion.DBClusterSnapshot?.Status).toBe('creating');
    const state = t.emu.state().accounts['123456789012']?.regions['us-east-1'];
    expect(state).toMatchObject({ quota: 3, manualSnapshots: 3 });
    expect(state?.snapshots).toHaveLength(6);
  });

  it('rejects tags AWS would reject, with InvalidParameterValue', async () => {
    seedOrders();
    const create = (Tags: Array<{ Key: string; Value: string }>) =>
      rejectionOf(
        t.docdb().send(
          new CreateDBClusterSnapshotCommand({
            DBClusterIdentifier: 'orders',
            DBClusterSnapshotIdentifier: 's1',
            Tags,
          }),
        ),
      );

    const reserved = await create([{ Key: 'aws:owner', Value: 'x' }]);
    const badCharacter = await create([{ Key: 'owner!', Value: 'x' }]);
    const tooMany = await create(Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })));

    for (const error of [reserved, badCharacter, tooMany]) expect(error.name).toBe('InvalidParameterValue');
  });
});

describe('DescribeDBClusterSnapshots', () => {
  function seedHistory(): void {
    t.emu.seed({
      regions: {
        'us-east-1': {
          clusters: [{ id: 'orders' }, { id: 'billing' }],
          snapshots: [
            { id: 'orders-manual', clusterId: 'orders', createdAt: '2026-11-20T03:00:00Z' },
            { clusterId: 'orders', type: 'automated', createdAt: '2026-11-27T03:00:00Z' },
            { clusterId: 'orders', type: 'awsbackup', createdAt: '2026-11-26T03:00:00Z' },
            { id: 'billing-manual', clusterId: 'billing', createdAt: '2026-11-21T03:00:00Z' },
          ],
        },
      },
    });
  }

  it('selects by cluster, and names automated and AWS Backup snapshots as AWS does', async () => {
    seedHistory();

    const { DBClusterSnapshots } = await t
      .docdb()
      .send(new DescribeDBClusterSnapshotsCommand({ DBClusterIdentifier: 'orders' }));

    expect(DBClusterSnapshots?.map((s) => [s.DBClusterSnapshotIdentifier, s.SnapshotType])).toEqual([
      ['orders-manual', 'manual'],
      [expect.stringMatching(/^awsbackup:job-[0-9a-f-]{36}$/), 'awsbackup'],
      ['rds:orders-2026-11-27-03-00', 'automated'],
    ]);
  });

  it('selects by SnapshotType and ignores Filters like the real service', async () => {
    seedHistory();

    const { DBClusterSnapshots } = await t.docdb().send(
      new DescribeDBClusterSnapshotsCommand({
        SnapshotType: 'manual',
        Filters: [{ Name: 'db-cluster-id', Values: ['billing'] }],
      }),
    );

    expect(DBClusterSnapshots?.map((s) => s.DBClusterSnapshotIdentifier)).toEqual([
      'orders-manual',
      'billing-manual',
    ]);
  });

  it('answers DBClusterSnapshotNotFoundFault (404) for an unknown identifier', async () => {
    const error = await rejectionOf(
      t.docdb().send(new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: 'ghost' })),
    );

    expect(error).toBeInstanceOf(DBClusterSnapshotNotFoundFault);
    expect(error.$metadata.httpStatusCode).toBe(404);
  });

  it('pages with Marker and MaxRecords 20', async () => {
    const snapshots = Array.from({ length: 45 }, (_, i) => ({
      id: `s-${String(i).padStart(2, '0')}`,
      clusterId: 'orders',
      createdAt: new Date(Date.UTC(2026, 10, 1, 0, i)).toISOString(),
    }));
    t.emu.seed({ regions: { 'us-east-1': { quota: 100, clusters: [{ id: 'orders' }], snapshots } } });
    const docdb = t.docdb();

    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await docdb.send(
        new DescribeDBClusterSnapshotsCommand({ MaxRecords: 20, Marker: marker }),
      );
      seen.push(...(page.DBClusterSnapshots ?? []).map((s) => s.DBClusterSnapshotIdentifier ?? ''));
      marker = page.Marker;
      pages += 1;
    } while (marker);

    expect(pages).toBe(3);
    expect(seen).toEqual(snapshots.map((s) => s.id));
  });
});

describe('DeleteDBClusterSnapshot', () => {
  it('deletes an available manual snapshot', async () => {
    seedOrders();
    const docdb = t.docdb();
    await createSnapshot(docdb, 'orders', 's1');

    const deleted = await docdb.send(
      new DeleteDBClusterSnapshotCommand({ DBClusterSnapshotIdentifier: 's1' }),
    );
    const error = await rejectionOf(
      docdb.send(new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: 's1' })),
    );

    expect(deleted.DBClusterSnapshot?.DBClusterSnapshotIdentifier).toBe('s1');
    expect(error).toBeInstanceOf(DBClusterSnapshotNotFoundFault);
  });

  it('refuses a snapshot that is still creating with InvalidDBClusterSnapshotStateFault (400)', async () => {
    await t.emu.reset({ snapshotAvailableAfterMs: 60_000 });
    seedOrders();
    const docdb = t.docdb();
    await createSnapshot(docdb, 'orders', 's1');

    const error = await rejectionOf(
      docdb.send(new DeleteDBClusterSnapshotCommand({ DBClusterSnapshotIdentifier: 's1' })),
    );

    expect(error).toBeInstanceOf(InvalidDBClusterSnapshotStateFault);
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('refuses automated snapshots with InvalidDBClusterSnapshotStateFault', async () => {
    t.emu.seed({
      regions: {
        'us-east-1': {
          clusters: [{ id: 'orders' }],
          snapshots: [{ clusterId: 'orders', type: 'automated', createdAt: '2026-11-27T03:00:00Z' }],
        },
      },
    });

    const error = await rejectionOf(
      t
        .docdb()
        .send(
          new DeleteDBClusterSnapshotCommand({ DBClusterSnapshotIdentifier: 'rds:orders-2026-11-27-03-00' }),
        ),
    );

    expect(error).toBeInstanceOf(InvalidDBClusterSnapshotStateFault);
  });

  it('answers DBClusterSnapshotNotFoundFault (404) for an unknown snapshot', async () => {
    const error = await rejectionOf(
      t.docdb().send(new DeleteDBClusterSnapshotCommand({ DBClusterSnapshotIdentifier: 'ghost' })),
    );

    expect(error).toBeInstanceOf(DBClusterSnapshotNotFoundFault);
    expect(error.$metadata.httpStatusCode).toBe(404);
  });
});

describe('tags', () => {
  it('round-trips tags on clusters and snapshots through List/Add/RemoveTags', async () => {
    t.emu.seed({ regions: { 'us-east-1': { clusters: [{ id: 'orders', tags: { backup: 'nightly' } }] } } });
    const docdb = t.docdb();
    const clusterArn = 'arn:aws:rds:us-east-1:123456789012:cluster:orders';
    const created = await docdb.send(
      new CreateDBClusterSnapshotCommand({
        DBClusterIdentifier: 'orders',
        DBClusterSnapshotIdentifier: 's1',
        Tags: [
          { Key: 'managed-by', Value: 'docdb-backup' },
          { Key: 'policy', Value: 'nightly' },
        ],
      }),
    );
    const snapshotArn = created.DBClusterSnapshot?.DBClusterSnapshotArn;

    await docdb.send(
      new AddTagsToResourceCommand({ ResourceName: clusterArn, Tags: [{ Key: 'team', Value: 'payments' }] }),
    );
    await docdb.send(new RemoveTagsFromResourceCommand({ ResourceName: snapshotArn, TagKeys: ['policy'] }));
    const clusterTags = await docdb.send(new ListTagsForResourceCommand({ ResourceName: clusterArn }));
    const snapshotTags = await docdb.send(new ListTagsForResourceCommand({ ResourceName: snapshotArn }));

    expect(clusterTags.TagList).toEqual([
      { Key: 'backup', Value: 'nightly' },
      { Key: 'team', Value: 'payments' },
    ]);
    expect(snapshotTags.TagList).toEqual([{ Key: 'managed-by', Value: 'docdb-backup' }]);
  });

  it('answers not-found faults for unknown cluster and snapshot ARNs', async () => {
    const docdb = t.docdb();

    const cluster = await rejectionOf(
      docdb.send(
        new ListTagsForResourceCommand({ ResourceName: 'arn:aws:rds:us-east-1:123456789012:cluster:ghost' }),
      ),
    );
    const snapshot = await rejectionOf(
      docdb.send(new ListTagsForResourceCommand({ ResourceName: `${SNAPSHOT_ARN_PREFIX}ghost` })),
    );

    expect(cluster).toBeInstanceOf(DBClusterNotFoundFault);
    expect(snapshot).toBeInstanceOf(DBClusterSnapshotNotFoundFault);
  });
});

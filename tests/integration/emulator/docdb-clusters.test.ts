// Seam: the emulator's DocumentDB cluster API (DescribeDBClusters, CreateDBCluster) as seen by the real
// @aws-sdk/client-docdb over HTTP — wire format, paging, filters, errors, Region and account isolation.
import {
  CreateDBClusterCommand,
  DBClusterNotFoundFault,
  DescribeDBClustersCommand,
  paginateDescribeDBClusters,
} from '@aws-sdk/client-docdb';
import { describe, expect, it } from 'vitest';
import { rejectionOf, useEmulator } from './support.js';

const t = useEmulator();

describe('DescribeDBClusters', () => {
  it('returns clusters of every engine unless filtered, like the real API', async () => {
    // Prepare
    t.emu.seed({
      regions: {
        'us-east-1': {
          clusters: [
            { id: 'orders' },
            { id: 'billing-pg', engine: 'aurora-postgresql' },
            { id: 'graph', engine: 'neptune' },
          ],
        },
      },
    });
    const docdb = t.docdb();

    // Act
    const all = await docdb.send(new DescribeDBClustersCommand({}));
    const onlyDocdb = await docdb.send(
      new DescribeDBClustersCommand({ Filters: [{ Name: 'engine', Values: ['docdb'] }] }),
    );

    // Assess
    expect(all.DBClusters?.map((c) => c.Engine).sort()).toEqual(['aurora-postgresql', 'docdb', 'neptune']);
    expect(onlyDocdb.DBClusters?.map((c) => c.DBClusterIdentifier)).toEqual(['orders']);
  });

  it('answers fully populated clusters without a TagList', async () => {
    t.emu.seed({
      regions: {
        'eu-west-1': {
          clusters: [
            { id: 'Orders', encrypted: true, tags: { team: 'payments' }, createdAt: '2026-01-02T03:04:05Z' },
          ],
        },
      },
    });

    const { DBClusters } = await t.docdb({ region: 'eu-west-1' }).send(new DescribeDBClustersCommand({}));

    const cluster = DBClusters?.[0];
    expect(cluster).toMatchObject({
      DBClusterIdentifier: 'orders',
      DBClusterArn: 'arn:aws:rds:eu-west-1:123456789012:cluster:orders',
      Engine: 'docdb',
      EngineVersion: '5.0.0',
      Status: 'available',
      StorageEncrypted: true,
      Port: 27017,
      AvailabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
    });
    expect(cluster?.ClusterCreateTime).toEqual(new Date('2026-01-02T03:04:05Z'));
    expect(cluster?.KmsKeyId).toMatch(/^arn:aws:kms:eu-west-1:123456789012:key\//);
    expect(cluster?.DbClusterResourceId).toMatch(/^cluster-[A-Z2-7]{26}$/);
    expect(cluster).not.toHaveProperty('TagList');
  });

  it('pages 250 clusters with Marker, 100 per page by default', async () => {
    const clusters = Array.from({ length: 250 }, (_, i) => ({ id: `cluster-${String(i).padStart(3, '0')}` }));
    t.emu.seed({ regions: { 'us-east-1': { clusters } } });
    const docdb = t.docdb();

    const first = await docdb.send(new DescribeDBClustersCommand({}));
    const pages: number[] = [];
    const seen: string[] = [];
    for await (const page of paginateDescribeDBClusters({ client: docdb, pageSize: 40 }, {})) {
      pages.push(page.DBClusters?.length ?? 0);
      seen.push(...(page.DBClusters ?? []).map((c) => c.DBClusterIdentifier ?? ''));
    }

    expect(first.DBClusters).toHaveLength(100);
    expect(first.Marker).toBeTruthy();
    expect(pages).toEqual([40, 40, 40, 40, 40, 40, 10]);
    expect(seen).toEqual(clusters.map((c) => c.id));
  });

  it('rejects MaxRecords outside 20–100 with InvalidParameterValue', async () => {
    const docdb = t.docdb();

    const tooSmall = await rejectionOf(docdb.send(new DescribeDBClustersCommand({ MaxRecords: 19 })));
    const tooLarge = await rejectionOf(docdb.send(new DescribeDBClustersCommand({ MaxRecords: 101 })));

    for (const error of [tooSmall, tooLarge]) {
      expect(error.name).toBe('InvalidParameterValue');
      expect(error.$metadata.httpStatusCode).toBe(400);
    }
  });

  it('selects by db-cluster-id with identifiers or ARNs, and by DBClusterIdentifier', async () => {
    t.emu.seed({ regions: { 'us-east-1': { clusters: [{ id: 'a1' }, { id: 'b2' }, { id: 'c3' }] } } });
    const docdb = t.docdb();

    const filtered = await docdb.send(
      new DescribeDBClustersCommand({
        Filters: [{ Name: 'db-cluster-id', Values: ['a1', 'arn:aws:rds:us-east-1:123456789012:cluster:c3'] }],
      }),
    );
    const single = await docdb.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'B2' }));

    expect(filtered.DBClusters?.map((c) => c.DBClusterIdentifier)).toEqual(['a1', 'c3']);
    expect(single.DBClusters?.map((c) => c.DBClusterIdentifier)).toEqual(['b2']);
  });

  it('answers DBClusterNotFoundFault (404) for an unknown DBClusterIdentifier', async () => {
    const error = await rejectionOf(
      t.docdb().send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'ghost' })),
    );

    expect(error).toBeInstanceOf(DBClusterNotFoundFault);
    expect(error.$metadata.httpStatusCode).toBe(404);
  });

  it('rejects an unknown filter name', async () => {
    const error = await rejectionOf(
      t.docdb().send(new DescribeDBClustersCommand({ Filters: [{ Name: 'colour', Values: ['blue'] }] })),
    );

    expect(error.name).toBe('InvalidParameterValue');
  });

  it('keeps Regions apart: a cluster is only visible in its own Region', async () => {
    t.emu.seed({
      regions: {
        'eu-west-1': { clusters: [{ id: 'dublin' }] },
        'us-east-1': { clusters: [{ id: 'virginia' }] },
      },
    });

    const virginia = await t.docdb({ region: 'us-east-1' }).send(new DescribeDBClustersCommand({}));
    const dublin = await t.docdb({ region: 'eu-west-1' }).send(new DescribeDBClustersCommand({}));

    expect(virginia.DBClusters?.map((c) => c.DBClusterIdentifier)).toEqual(['virginia']);
    expect(dublin.DBClusters?.map((c) => c.DBClusterIdentifier)).toEqual(['dublin']);
  });

  it('keeps accounts apart by the access key id', async () => {
    t.emu.seed({
      regions: { 'us-east-1': { clusters: [{ id: 'mine' }] } },
      accessKeys: { AKIDOTHER: '210987654321' },
      accounts: { '210987654321': { regions: { 'us-east-1': { clusters: [{ id: 'theirs' }] } } } },
    });

    const mine = await t.docdb().send(new DescribeDBClustersCommand({}));
    const theirs = await t.docdb({ accessKeyId: 'AKIDOTHER' }).send(new DescribeDBClustersCommand({}));

    expect(mine.DBClusters?.map((c) => c.DBClusterArn)).toEqual([
      'arn:aws:rds:us-east-1:123456789012:cluster:mine',
    ]);
    expect(theirs.DBClusters?.map((c) => c.DBClusterArn)).toEqual([
      'arn:aws:rds:us-east-1:210987654321:cluster:theirs',
    ]);
  });
});

describe('CreateDBCluster', () => {
  it('creates a fixture cluster that answers creating, then available', async () => {
    const docdb = t.docdb();

    const created = await docdb.send(
      new CreateDBClusterCommand({ DBClusterIdentifier: 'Fixture', Engine: 'docdb', StorageEncrypted: true }),
    );
    const described = await docdb.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'fixture' }));

    expect(created.DBCluster).toMatchObject({
      DBClusterIdentifier: 'fixture',
      Status: 'creating',
      Engine: 'docdb',
    });
    expect(described.DBClusters?.[0]?.Status).toBe('available');
  });
});

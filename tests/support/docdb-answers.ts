/**
 * Mocked AWS answers for unit tests over aws-sdk-client-mock (`mockedAws` in fakes.ts): DocumentDB's
 * clusters, snapshots and tags as the SDK returns them (account 123456789012), a mocked DocumentDB Region
 * made of them, and the results table, EventBridge and SNS accepting what a run sends.
 */
import {
  CreateDBClusterSnapshotCommand,
  type DBCluster,
  type DBClusterSnapshot,
  DeleteDBClusterSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  ListTagsForResourceCommand,
  type Tag,
} from '@aws-sdk/client-docdb';
import { BatchWriteItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand } from '@aws-sdk/client-sns';
import { slotFromSnapshotId } from '../../shared/planning/retention.js';
import type { MockedAws } from './fakes.js';

/** The ARN prefix of the test account's DocumentDB resources in `region`: `arn:aws:rds:us-east-1:123456789012`. */
export function rdsArn(region = 'us-east-1'): string {
  return `arn:aws:rds:${region}:123456789012`;
}

/**
 * A DocumentDB cluster as DescribeDBClusters lists it: engine docdb, available, in us-east-1.
 * Example: `docdbCluster('orders', { Status: 'stopped' })`.
 */
export function docdbCluster(id: string, extra: Partial<DBCluster> = {}): DBCluster {
  return {
    DBClusterIdentifier: id,
    DBClusterArn: `${rdsArn()}:cluster:${id}`,
    Engine: 'docdb',
    Status: 'available',
    ...extra,
  };
}

/**
 * A manual cluster snapshot as DescribeDBClusterSnapshots lists it: of cluster orders, available.
 * Example: `docdbSnapshot('legacy-1', { DBClusterIdentifier: 'legacy' })`.
 */
export function docdbSnapshot(id: string, extra: Partial<DBClusterSnapshot> = {}): DBClusterSnapshot {
  return {
    DBClusterSnapshotIdentifier: id,
    DBClusterIdentifier: 'orders',
    DBClusterSnapshotArn: `${rdsArn()}:cluster-snapshot:${id}`,
    Status: 'available',
    SnapshotType: 'manual',
    ...extra,
  };
}

/**
 * The tags our snapshot carries, as ListTagsForResource answers them: made by docdb-backup for `policy`
 * (default nightly) and the slot its id names. Example: `ourTagList('nightly-orders-20261128-0300')`.
 */
export function ourTagList(snapshotId: string, policy = 'nightly'): Tag[] {
  const slot = slotFromSnapshotId(snapshotId) ?? new Date(0);
  return [
    { Key: 'docdb-backup:managed-by', Value: 'docdb-backup' },
    { Key: 'docdb-backup:policy', Value: policy },
    { Key: 'docdb-backup:scheduled-at', Value: slot.toISOString() },
  ];
}

/**
 * Everything a run records or announces is accepted: the results table takes every write, EventBridge
 * every event (ids e0, e1, …), SNS every page (message m-1).
 */
export function acceptRecordsAndPages(aws: MockedAws): void {
  aws.dynamo.on(BatchWriteItemCommand).resolves({});
  aws.dynamo.on(PutItemCommand).resolves({});
  aws.events.on(PutEventsCommand).callsFake((input) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map((_: unknown, i: number) => ({ EventId: `e${i}` })),
  }));
  aws.sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
}

export interface RegionAnswers {
  /** What DescribeDBClusters lists (default: orders, available). */
  clusters?: DBCluster[];
  /** What DescribeDBClusterSnapshots lists for a cluster, and finds by id. */
  snapshots?: DBClusterSnapshot[];
  /** The tags of a snapshot by id (default: ours, `ourTagList`). */
  tagsOf?: (snapshotId: string) => Tag[];
}

/**
 * A mocked DocumentDB Region (us-east-1) a run can take and prune snapshots in: it lists `clusters`, starts
 * every create, lists `snapshots` per cluster (and each by its id) with their tags, and deletes any; with
 * `acceptRecordsAndPages`. Example: `mockedRegion(aws, { snapshots: [docdbSnapshot(id)] })`.
 */
export function mockedRegion(aws: MockedAws, answers: RegionAnswers = {}): void {
  const { clusters = [docdbCluster('orders')], snapshots = [], tagsOf = ourTagList } = answers;
  const docdb = aws.docdb['us-east-1']!;
  docdb.on(DescribeDBClustersCommand).resolves({ DBClusters: clusters });
  docdb.on(CreateDBClusterSnapshotCommand).resolves({ DBClusterSnapshot: { Status: 'creating' } });
  docdb.on(DescribeDBClusterSnapshotsCommand).callsFake((input) => {
    if (input.DBClusterIdentifier) return { DBClusterSnapshots: snapshots };
    if (input.DBClusterSnapshotIdentifier)
      return {
        DBClusterSnapshots: snapshots.filter(
          (s) => s.DBClusterSnapshotIdentifier === input.DBClusterSnapshotIdentifier,
        ),
      };
    return { DBClusterSnapshots: [] };
  });
  docdb.on(ListTagsForResourceCommand).callsFake((input) => ({
    TagList: tagsOf(input.ResourceName.split(':').at(-1) as string),
  }));
  docdb.on(DeleteDBClusterSnapshotCommand).resolves({});
  acceptRecordsAndPages(aws);
}

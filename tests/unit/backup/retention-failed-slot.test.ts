// Seam: retention deletes nothing when its own listing shows the slot's snapshot failed or deleting
// (nothing is deleted when the slot has no good backup). (Regression test from review.)
import {
  CreateDBClusterSnapshotCommand,
  DeleteDBClusterSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-docdb';
import { BatchWriteItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { runBackup } from '../../../shared/backup/engine.js';
import { slotFromSnapshotId } from '../../../shared/planning/retention.js';
import { mockedAws, policy } from '../../support/fakes.js';

const ARN = 'arn:aws:rds:us-east-1:123456789012';
const snap = (id: string, status = 'available') => ({
  DBClusterSnapshotIdentifier: id,
  DBClusterIdentifier: 'orders',
  DBClusterSnapshotArn: `${ARN}:cluster-snapshot:${id}`,
  Status: status,
  SnapshotType: 'manual',
});
const tagsFor = (id: string) => [
  { Key: 'docdb-backup:managed-by', Value: 'docdb-backup' },
  { Key: 'docdb-backup:policy', Value: 'nightly' },
  { Key: 'docdb-backup:scheduled-at', Value: (slotFromSnapshotId(id) ?? new Date(0)).toISOString() },
];

function world(currentStatus: string) {
  const aws = mockedAws();
  const docdb = aws.docdb['us-east-1']!;
  const listed = [
    snap('nightly-orders-20261128-0300', currentStatus),
    snap('nightly-orders-20261127-0300'),
    snap('nightly-orders-20261126-0300'),
    snap('nightly-orders-20261125-0300'),
  ];
  docdb.on(DescribeDBClustersCommand).resolves({
    DBClusters: [
      {
        DBClusterIdentifier: 'orders',
        DBClusterArn: `${ARN}:cluster:orders`,
        Engine: 'docdb',
        Status: 'available',
      },
    ],
  });
  docdb.on(CreateDBClusterSnapshotCommand).resolves({ DBClusterSnapshot: { Status: 'creating' } });
  docdb
    .on(DescribeDBClusterSnapshotsCommand)
    .callsFake((input) =>
      input.DBClusterIdentifier ? { DBClusterSnapshots: listed } : { DBClusterSnapshots: [] },
    );
  docdb.on(ListTagsForResourceCommand).callsFake((input) => ({
    TagList: tagsFor(input.ResourceName.split(':').at(-1) as string),
  }));
  docdb.on(DeleteDBClusterSnapshotCommand).resolves({});
  aws.dynamo.on(BatchWriteItemCommand).resolves({});
  aws.dynamo.on(PutItemCommand).resolves({});
  aws.events.on(PutEventsCommand).callsFake((input) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map(() => ({ EventId: 'e' })),
  }));
  aws.sns.on(PublishCommand).resolves({ MessageId: 'm' });
  return aws;
}

describe("retention when the slot's own snapshot is failed by the time retention lists it", () => {
  it.each(['failed', 'deleting'])('deletes nothing when the listing shows it %s', async (status) => {
    const aws = world(status);
    const { summary } = await runBackup(aws.deps, {
      policy: policy({
        clusters: { identifiers: ['orders'], tags: {}, exclude: [] },
        retention: { keepLast: 2 },
      }),
      slot: new Date('2026-11-28T03:00:00Z'),
      deadline: aws.clock.now() + 600_000,
    });
    const deleted = aws.docdb['us-east-1']!.commandCalls(DeleteDBClusterSnapshotCommand).map(
      (c) => c.args[0].input.DBClusterSnapshotIdentifier,
    );
    expect(deleted).toEqual([]);
    expect(summary.deletions).toEqual([]);
  });
});

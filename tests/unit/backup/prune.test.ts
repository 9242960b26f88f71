// Seam: retention inside a run (shared/backup/prune.ts via the engine) over aws-sdk-client-mock'ed
// clients: ownership is proven from tags before any delete, and a look-alike never shifts what is kept.
import {
  CreateDBClusterSnapshotCommand,
  DeleteDBClusterSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  InvalidDBClusterSnapshotStateFault,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-docdb';
import { BatchWriteItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand } from '@aws-sdk/client-sns';
import { beforeEach, describe, expect, it } from 'vitest';
import { runBackup } from '../../../shared/backup/engine.js';
import { type MockedAws, mockedAws, policy } from '../../support/fakes.js';

const ARN = 'arn:aws:rds:us-east-1:123456789012';
const OURS = [
  { Key: 'docdb-backup:managed-by', Value: 'docdb-backup' },
  { Key: 'docdb-backup:policy', Value: 'nightly' },
];

function snapshot(id: string, status = 'available') {
  return {
    DBClusterSnapshotIdentifier: id,
    DBClusterIdentifier: 'orders',
    DBClusterSnapshotArn: `${ARN}:cluster-snapshot:${id}`,
    Status: status,
    SnapshotType: 'manual',
  };
}

function setup(aws: MockedAws, clusterSnapshots: ReturnType<typeof snapshot>[], foreign: string[] = []) {
  const docdb = aws.docdb['us-east-1']!;
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
      input.DBClusterIdentifier ? { DBClusterSnapshots: clusterSnapshots } : { DBClusterSnapshots: [] },
    );
  docdb.on(ListTagsForResourceCommand).callsFake((input) => ({
    TagList: foreign.some((id) => input.ResourceName.endsWith(`:${id}`)) ? [] : OURS,
  }));
  docdb.on(DeleteDBClusterSnapshotCommand).resolves({});
  aws.dynamo.on(BatchWriteItemCommand).resolves({});
  aws.dynamo.on(PutItemCommand).resolves({});
  aws.events.on(PutEventsCommand).callsFake((input) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map(() => ({ EventId: 'e' })),
  }));
  aws.sns.on(PublishCommand).resolves({ MessageId: 'm' });
}

const deleted = (aws: MockedAws) =>
  aws.docdb['us-east-1']!.commandCalls(DeleteDBClusterSnapshotCommand).map(
    (c) => c.args[0].input.DBClusterSnapshotIdentifier,
  );

describe('retention in a run', () => {
  let aws: MockedAws;
  beforeEach(() => {
    aws = mockedAws();
  });

  const request = (retention?: { keepLast: number }) => ({
    policy: policy({ clusters: { identifiers: ['orders'], tags: {}, exclude: [] }, retention }),
    slot: new Date('2026-11-28T03:00:00Z'),
    deadline: aws.clock.now() + 600_000,
  });

  it('keeps the newest owned snapshot when a look-alike is newer', async () => {
    setup(
      aws,
      [
        snapshot('nightly-orders-20261128-0300', 'creating'),
        snapshot('nightly-orders-20261127-0300'),
        snapshot('nightly-orders-20261126-0300'),
        snapshot('nightly-orders-20261125-0300'),
      ],
      ['nightly-orders-20261127-0300'],
    );
    const { summary } = await runBackup(aws.deps, request({ keepLast: 1 }));
    expect(deleted(aws)).toEqual(['nightly-orders-20261125-0300']);
    expect(summary.deletions).toEqual([
      {
        region: 'us-east-1',
        clusterId: 'orders',
        snapshotId: 'nightly-orders-20261125-0300',
        outcome: 'deleted',
        reason: 'kept by no rule (keepLast 1)',
      },
    ]);
  });

  it('reads tags only of snapshots it would delete or keep as the newest available', async () => {
    setup(aws, [
      snapshot('nightly-orders-20261128-0300', 'creating'),
      ...[27, 26, 25, 24, 23, 22, 21].map((d) => snapshot(`nightly-orders-202611${d}-0300`)),
    ]);
    await runBackup(aws.deps, request({ keepLast: 6 }));
    const read = aws.docdb['us-east-1']!.commandCalls(ListTagsForResourceCommand).map((c) =>
      c.args[0].input.ResourceName?.split(':').at(-1),
    );
    expect(read.sort()).toEqual([
      'nightly-orders-20261121-0300',
      'nightly-orders-20261122-0300',
      'nightly-orders-20261127-0300',
    ]);
    expect(deleted(aws)).toEqual(['nightly-orders-20261122-0300', 'nightly-orders-20261121-0300']);
  });

  it('lists nothing and deletes nothing without retention', async () => {
    setup(aws, [snapshot('nightly-orders-20261101-0300')]);
    const { summary } = await runBackup(aws.deps, request());
    expect(summary.deletions).toEqual([]);
    expect(aws.docdb['us-east-1']!.commandCalls(DeleteDBClusterSnapshotCommand)).toHaveLength(0);
  });

  it('records a delete AWS refuses and carries on', async () => {
    setup(aws, [
      snapshot('nightly-orders-20261127-0300'),
      snapshot('nightly-orders-20261126-0300'),
      snapshot('nightly-orders-20261125-0300'),
    ]);
    aws.docdb['us-east-1']!.on(DeleteDBClusterSnapshotCommand, {
      DBClusterSnapshotIdentifier: 'nightly-orders-20261126-0300',
    }).rejects(new InvalidDBClusterSnapshotStateFault({ message: 'not available', $metadata: {} }));
    const { summary, alert } = await runBackup(aws.deps, request({ keepLast: 1 }));
    expect(summary.deletions.map((d) => [d.snapshotId, d.outcome, d.error?.code])).toEqual([
      ['nightly-orders-20261126-0300', 'failed', 'aws-error'],
      ['nightly-orders-20261125-0300', 'deleted', undefined],
    ]);
    expect(alert).toBeUndefined();
  });
});

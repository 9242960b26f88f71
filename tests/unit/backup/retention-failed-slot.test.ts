// Seam: retention deletes nothing when its own listing shows the slot's snapshot failed or deleting
// (nothing is deleted when the slot has no good backup). (Regression test from review.)
import { DeleteDBClusterSnapshotCommand, DescribeDBClusterSnapshotsCommand } from '@aws-sdk/client-docdb';
import { describe, expect, it } from 'vitest';
import { runBackup } from '../../../shared/backup/engine.js';
import { docdbSnapshot, mockedRegion } from '../../support/docdb-answers.js';
import { mockedAws, policy } from '../../support/fakes.js';

/** A Region whose listing of orders shows the slot's own snapshot `currentStatus` and three older ones of ours. */
function world(currentStatus: string) {
  const aws = mockedAws();
  const listed = [
    docdbSnapshot('nightly-orders-20261128-0300', { Status: currentStatus }),
    docdbSnapshot('nightly-orders-20261127-0300'),
    docdbSnapshot('nightly-orders-20261126-0300'),
    docdbSnapshot('nightly-orders-20261125-0300'),
  ];
  mockedRegion(aws, { snapshots: listed });
  // Only the cluster's listing shows them (a lookup by id finds nothing).
  aws.docdb['us-east-1']!.on(DescribeDBClusterSnapshotsCommand).callsFake((input) =>
    input.DBClusterIdentifier ? { DBClusterSnapshots: listed } : { DBClusterSnapshots: [] },
  );
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

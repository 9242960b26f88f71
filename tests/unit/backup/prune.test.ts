// Seam: retention inside a run (shared/backup/prune.ts via the engine) over aws-sdk-client-mock'ed
// clients: ownership is proven from tags for every snapshot that counts, exactly (id, slot tag, cluster),
// only available snapshots count, and each deletion is recorded as it happens, never downgraded.
import {
  type DBClusterSnapshot,
  DBClusterSnapshotNotFoundFault,
  DeleteDBClusterSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  InvalidDBClusterSnapshotStateFault,
  ListTagsForResourceCommand,
  type Tag,
} from '@aws-sdk/client-docdb';
import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { runBackup } from '../../../shared/backup/engine.js';
import { docdbSnapshot, mockedRegion, ourTagList } from '../../support/docdb-answers.js';
import { type MockedAws, mockedAws, policy } from '../../support/fakes.js';

/** The Region with cluster orders listing `snapshots`, tagged as `tagsOf` says (ours by default). */
const setup = (aws: MockedAws, snapshots: DBClusterSnapshot[], tagsOf?: (id: string) => Tag[]) =>
  mockedRegion(aws, { snapshots, tagsOf });

const deleted = (aws: MockedAws) =>
  aws.docdb['us-east-1']!.commandCalls(DeleteDBClusterSnapshotCommand).map(
    (c) => c.args[0].input.DBClusterSnapshotIdentifier,
  );
const night = (day: number, status = 'available') =>
  docdbSnapshot(`nightly-orders-202611${String(day).padStart(2, '0')}-0300`, { Status: status });

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

  it('lets an untagged look-alike fill no keepLast place: keepLast 2 keeps two of ours', async () => {
    setup(aws, [night(28, 'creating'), night(27), night(26), night(25), night(24)], (id) =>
      id.endsWith('20261127-0300') ? [] : ourTagList(id),
    );
    const { summary } = await runBackup(aws.deps, request({ keepLast: 2 }));
    // Ours and available: the 26th and 25th are kept, the 24th goes; the look-alike is never touched, and
    // this run's snapshot (28th, still creating) fills no place until it is available.
    expect(deleted(aws)).toEqual(['nightly-orders-20261124-0300']);
    expect(summary.deletions).toEqual([
      {
        region: 'us-east-1',
        clusterId: 'orders',
        snapshotId: 'nightly-orders-20261124-0300',
        outcome: 'deleted',
        reason: 'kept by no rule (keepLast 2)',
      },
    ]);
  });

  it('proves ownership of every available snapshot that counts, and reads no tags of one named otherwise', async () => {
    setup(aws, [
      night(28, 'creating'),
      ...[27, 26, 25, 24, 23, 22, 21].map((d) => night(d)),
      docdbSnapshot('nightly-orders-legalhold-20261001-0300'),
      docdbSnapshot('nightly-billing-20261120-0300'),
    ]);
    await runBackup(aws.deps, request({ keepLast: 6 }));
    const read = aws.docdb['us-east-1']!.commandCalls(ListTagsForResourceCommand)
      .map((c) => c.args[0].input.ResourceName?.split(':').at(-1))
      .filter((id) => id !== 'orders');
    expect(read.sort()).toEqual([21, 22, 23, 24, 25, 26, 27].map((d) => `nightly-orders-202611${d}-0300`));
    // Six available ones are kept (27th to 22nd); this run's, still creating, fills no place yet.
    expect(deleted(aws)).toEqual(['nightly-orders-20261121-0300']);
  });

  it('never deletes a copy named like ours that carries our copied tags (legal hold)', async () => {
    const legalhold = 'nightly-orders-legalhold-20261001-0300';
    setup(aws, [night(28, 'creating'), night(27), docdbSnapshot(legalhold)], (id) =>
      id === legalhold
        ? [
            { Key: 'docdb-backup:managed-by', Value: 'docdb-backup' },
            { Key: 'docdb-backup:policy', Value: 'nightly' },
            { Key: 'docdb-backup:scheduled-at', Value: '2026-10-01T03:00:00.000Z' },
          ]
        : ourTagList(id),
    );
    await runBackup(aws.deps, request({ keepLast: 1 }));
    expect(deleted(aws)).toEqual([]);
  });

  it('never deletes a snapshot whose scheduled-at tag names another slot than its id', async () => {
    setup(aws, [night(28, 'creating'), night(27), night(26)], (id) =>
      id.endsWith('20261126-0300')
        ? ourTagList(id).map((t) =>
            t.Key === 'docdb-backup:scheduled-at' ? { ...t, Value: '2026-11-27T03:00:00.000Z' } : t,
          )
        : ourTagList(id),
    );
    await runBackup(aws.deps, request({ keepLast: 1 }));
    expect(deleted(aws)).toEqual([]);
  });

  it('counts only available snapshots: failed ones fill no place, so keepLast 2 keeps two good ones', async () => {
    setup(aws, [
      night(28, 'creating'),
      docdbSnapshot('nightly-orders-20261127-1500', { Status: 'failed' }),
      night(27),
      night(26),
      night(25),
    ]);
    await runBackup(aws.deps, request({ keepLast: 2 }));
    // Kept: the 27th and 26th, available; this run's (28th) is still creating and the failed one is
    // neither counted nor deleted.
    expect(deleted(aws)).toEqual(['nightly-orders-20261125-0300']);
  });

  it('checks the cutoff before every retention call: past it, nothing more is read or deleted', async () => {
    setup(aws, [night(27), night(26), night(25), night(24)]);
    const deadline = aws.clock.now() + 60_000;
    // Reading one snapshot's tags takes the run past its cutoff (the deadline less the 15 s reserve).
    aws.docdb['us-east-1']!.on(ListTagsForResourceCommand).callsFake((input) => {
      aws.clock.advance(50_000);
      return { TagList: ourTagList(input.ResourceName.split(':').at(-1) as string) };
    });
    const { summary } = await runBackup(aws.deps, { ...request({ keepLast: 1 }), deadline });
    expect(deleted(aws)).toEqual([]);
    expect(summary.deletions).toEqual([]);
    expect(aws.docdb['us-east-1']!.commandCalls(ListTagsForResourceCommand)).toHaveLength(1);
  });

  it('lists nothing and deletes nothing without retention', async () => {
    setup(aws, [night(1)]);
    const { summary } = await runBackup(aws.deps, request());
    expect(summary.deletions).toEqual([]);
    expect(aws.docdb['us-east-1']!.commandCalls(DeleteDBClusterSnapshotCommand)).toHaveLength(0);
  });

  it('records a delete AWS refuses and carries on', async () => {
    setup(aws, [night(27), night(26), night(25)]);
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

  it('counts a snapshot another run already deleted (or is deleting) as deleted', async () => {
    setup(aws, [night(27), night(26), night(25)]);
    const docdb = aws.docdb['us-east-1']!;
    docdb
      .on(DeleteDBClusterSnapshotCommand, { DBClusterSnapshotIdentifier: 'nightly-orders-20261126-0300' })
      .rejects(new DBClusterSnapshotNotFoundFault({ message: 'gone', $metadata: {} }));
    docdb
      .on(DeleteDBClusterSnapshotCommand, { DBClusterSnapshotIdentifier: 'nightly-orders-20261125-0300' })
      .rejects(new InvalidDBClusterSnapshotStateFault({ message: 'deleting', $metadata: {} }));
    docdb
      .on(DescribeDBClusterSnapshotsCommand, { DBClusterSnapshotIdentifier: 'nightly-orders-20261125-0300' })
      .resolves({ DBClusterSnapshots: [night(25, 'deleting')] });
    const { summary } = await runBackup(aws.deps, request({ keepLast: 1 }));
    expect(summary.deletions.map((d) => [d.snapshotId, d.outcome])).toEqual([
      ['nightly-orders-20261126-0300', 'deleted'],
      ['nightly-orders-20261125-0300', 'deleted'],
    ]);
  });

  it('records each deletion as it happens (intent, then outcome) with writes that never undo deleted', async () => {
    setup(aws, [night(27), night(26)]);
    aws.dynamo.on(PutItemCommand).callsFake((input) => {
      if (input.Item?.pk?.S === 'us-east-1#orders#deletions' && input.Item?.outcome?.S === 'deleted')
        throw new ConditionalCheckFailedException({ message: 'already deleted', $metadata: {} });
      return {};
    });
    const { recorded } = await runBackup(aws.deps, request({ keepLast: 1 }));
    const puts = aws.dynamo
      .commandCalls(PutItemCommand)
      .map((c) => c.args[0].input)
      .filter((i) => i.Item?.pk?.S === 'us-east-1#orders#deletions');
    expect(puts.map((p) => p.Item?.outcome?.S)).toEqual(['deleting', 'deleted']);
    for (const put of puts)
      expect(put.ConditionExpression).toBe('attribute_not_exists(pk) OR outcome <> :deleted');
    // The delete came only after its intent was written.
    expect(deleted(aws)).toEqual(['nightly-orders-20261126-0300']);
    expect(recorded).toBe(true);
    // Written as it happened, so the end-of-run batch does not carry it again.
    const batched = aws.dynamo
      .commandCalls(BatchWriteItemCommand)
      .flatMap((c) => Object.values(c.args[0].input.RequestItems ?? {}).flat())
      .filter((r) => r.PutRequest?.Item?.pk?.S?.endsWith('#deletions'));
    expect(batched).toEqual([]);
  });
});

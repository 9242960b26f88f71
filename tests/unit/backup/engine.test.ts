// Seam: the whole run (shared/backup engine) through the real AWS adapters over aws-sdk-client-mock'ed
// clients, with an injected clock: selection, creation, retries, recording, events and the one alert.
import {
  CreateDBClusterSnapshotCommand,
  type DBCluster,
  DBClusterNotFoundFault,
  DBClusterSnapshotAlreadyExistsFault,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  InvalidDBClusterStateFault,
  ListTagsForResourceCommand,
  SnapshotQuotaExceededFault,
} from '@aws-sdk/client-docdb';
import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand } from '@aws-sdk/client-sns';
import { beforeEach, describe, expect, it } from 'vitest';
import { type RunRequest, runBackup } from '../../../shared/backup/engine.js';
import { RunFailedError } from '../../../shared/backup/errors.js';
import {
  acceptRecordsAndPages,
  docdbCluster,
  docdbSnapshot,
  ourTagList,
} from '../../support/docdb-answers.js';
import { type MockedAws, mockedAws, policy, TOPIC_ARN } from '../../support/fakes.js';

const slot = new Date('2026-11-28T03:00:00Z');
const meta = { $metadata: {} };

function happyPaths(aws: MockedAws, clusters: DBCluster[], region = 'us-east-1'): void {
  const docdb = aws.docdb[region]!;
  docdb.on(DescribeDBClustersCommand).resolves({ DBClusters: clusters });
  docdb.on(CreateDBClusterSnapshotCommand).callsFake((input) => ({
    DBClusterSnapshot: { DBClusterSnapshotIdentifier: input.DBClusterSnapshotIdentifier, Status: 'creating' },
  }));
  docdb.on(ListTagsForResourceCommand).resolves({ TagList: [] });
  acceptRecordsAndPages(aws);
}

function request(aws: MockedAws, overrides: Partial<RunRequest> = {}): RunRequest {
  return {
    policy: policy({ clusters: { identifiers: ['orders'], tags: {}, exclude: [] } }),
    slot,
    deadline: aws.clock.now() + 840_000,
    ...overrides,
  };
}

describe('backup run', () => {
  let aws: MockedAws;
  beforeEach(() => {
    aws = mockedAws();
  });

  describe('selection', () => {
    it('asks only for docdb clusters and follows every page', async () => {
      // Prepare
      const docdb = aws.docdb['us-east-1']!;
      happyPaths(aws, []);
      const pages: Record<string, { DBClusters: DBCluster[]; Marker?: string }> = {
        start: { DBClusters: [docdbCluster('a')], Marker: 'm1' },
        m1: { DBClusters: [docdbCluster('b')], Marker: 'm2' },
        m2: { DBClusters: [docdbCluster('c')] },
      };
      const seen: { marker?: string; filters: unknown }[] = [];
      docdb.on(DescribeDBClustersCommand).callsFake((input) => {
        seen.push({ marker: input.Marker, filters: structuredClone(input.Filters) });
        return pages[input.Marker ?? 'start'];
      });
      // Act
      const { summary } = await runBackup(
        aws.deps,
        request(aws, {
          policy: policy({ clusters: { identifiers: ['a', 'b', 'c'], tags: {}, exclude: [] } }),
        }),
      );
      // Assess
      expect(seen.map((call) => call.marker)).toEqual([undefined, 'm1', 'm2']);
      expect(seen[0]!.filters).toEqual([{ Name: 'engine', Values: ['docdb'] }]);
      expect(summary.results.map((r) => [r.clusterId, r.outcome])).toEqual([
        ['a', 'created'],
        ['b', 'created'],
        ['c', 'created'],
      ]);
    });

    it("makes one malformed cluster id in a listing that cluster's failure; the others are backed up", async () => {
      happyPaths(aws, [docdbCluster('orders'), docdbCluster('bad_cluster--id'), docdbCluster('payments')]);
      const { summary, recorded } = await runBackup(
        aws.deps,
        request(aws, {
          policy: policy({
            clusters: { identifiers: ['orders', 'bad_cluster--id', 'payments'], tags: {}, exclude: [] },
          }),
        }),
      );
      expect(summary.results.map((r) => [r.clusterId, r.outcome, r.error?.code])).toEqual([
        ['bad_cluster--id', 'failed', 'internal-error'],
        ['orders', 'created', undefined],
        ['payments', 'created', undefined],
      ]);
      expect(recorded).toBe(true);
    });

    it("makes an unexpected exception while planning a Region that Region's failure; the others go on", async () => {
      const regions = ['us-east-1', 'eu-west-1'];
      aws = mockedAws(regions);
      happyPaths(aws, [docdbCluster('orders')], 'us-east-1');
      happyPaths(aws, [docdbCluster('orders')], 'eu-west-1');
      // A listing whose answer breaks the adapter (an id that is not a string).
      aws.docdb['eu-west-1']!.on(DescribeDBClustersCommand).resolves({
        DBClusters: [{ DBClusterIdentifier: 42, DBClusterArn: 'arn', Engine: 'docdb' } as never],
      });
      const { summary, recorded } = await runBackup(
        aws.deps,
        request(aws, {
          policy: policy({ regions, clusters: { identifiers: ['orders'], tags: {}, exclude: [] } }),
        }),
      );
      expect(summary.results.map((r) => [r.region, r.clusterId, r.outcome])).toEqual([
        ['eu-west-1', '*', 'failed'],
        ['us-east-1', 'orders', 'created'],
      ]);
      expect(recorded).toBe(true);
    });

    it('never snapshots another engine even if the listing returns one', async () => {
      happyPaths(aws, [docdbCluster('orders'), docdbCluster('aurora-db', { Engine: 'aurora-postgresql' })]);
      const { summary } = await runBackup(
        aws.deps,
        request(aws, {
          policy: policy({ clusters: { identifiers: ['orders', 'aurora-db'], tags: {}, exclude: [] } }),
        }),
      );
      expect(aws.docdb['us-east-1']!.commandCalls(CreateDBClusterSnapshotCommand)).toHaveLength(1);
      expect(summary.results.find((r) => r.clusterId === 'aurora-db')?.error?.code).toBe('cluster-not-found');
    });

    it('selects by tag, reading tags only of clusters that are not excluded', async () => {
      const docdb = aws.docdb['us-east-1']!;
      happyPaths(aws, [docdbCluster('a'), docdbCluster('b'), docdbCluster('scratch')]);
      docdb.on(ListTagsForResourceCommand).callsFake((input) => ({
        TagList: input.ResourceName.endsWith(':b') ? [] : [{ Key: 'backup', Value: 'nightly' }],
      }));
      const { summary } = await runBackup(
        aws.deps,
        request(aws, {
          policy: policy({
            clusters: { identifiers: [], tags: { backup: 'nightly' }, exclude: ['scratch'] },
          }),
        }),
      );
      expect(summary.results.map((r) => r.clusterId)).toEqual(['a']);
      const tagged = docdb.commandCalls(ListTagsForResourceCommand).map((c) => c.args[0].input.ResourceName);
      expect(tagged).not.toContain('arn:aws:rds:us-east-1:123456789012:cluster:scratch');
    });

    it('reads no tags at all when selecting by identifier without copying tags', async () => {
      happyPaths(aws, [docdbCluster('orders')]);
      await runBackup(aws.deps, request(aws));
      expect(aws.docdb['us-east-1']!.commandCalls(ListTagsForResourceCommand)).toHaveLength(0);
    });
  });

  describe('creation', () => {
    it('tags the snapshot with policy, cluster and ownership tags', async () => {
      happyPaths(aws, [docdbCluster('orders')]);
      aws.docdb['us-east-1']!.on(ListTagsForResourceCommand).resolves({
        TagList: [{ Key: 'team', Value: 'orders' }],
      });
      await runBackup(
        aws.deps,
        request(aws, {
          policy: policy({
            clusters: { identifiers: ['orders'], tags: {}, exclude: [] },
            snapshot: { prefix: 'nightly', tags: { tier: 'gold' }, copyClusterTags: true },
          }),
        }),
      );
      const input = aws.docdb['us-east-1']!.commandCalls(CreateDBClusterSnapshotCommand)[0]!.args[0].input;
      expect(input.DBClusterSnapshotIdentifier).toBe('nightly-orders-20261128-0300');
      expect(input.DBClusterIdentifier).toBe('orders');
      expect(input.Tags).toEqual([
        { Key: 'docdb-backup:managed-by', Value: 'docdb-backup' },
        { Key: 'docdb-backup:policy', Value: 'nightly' },
        { Key: 'docdb-backup:scheduled-at', Value: '2026-11-28T03:00:00.000Z' },
        { Key: 'tier', Value: 'gold' },
        { Key: 'team', Value: 'orders' },
      ]);
    });

    it('retries a busy cluster with backoff and full jitter, then succeeds', async () => {
      happyPaths(aws, [docdbCluster('orders', { Status: 'backing-up' })]);
      aws.docdb['us-east-1']!.on(CreateDBClusterSnapshotCommand)
        .rejectsOnce(new InvalidDBClusterStateFault({ message: 'busy', ...meta }))
        .rejectsOnce(new InvalidDBClusterStateFault({ message: 'busy', ...meta }))
        .resolvesOnce({ DBClusterSnapshot: { DBClusterSnapshotIdentifier: 'x', Status: 'creating' } });
      const { summary, alert } = await runBackup(aws.deps, request(aws));
      expect(summary.results[0]).toMatchObject({ outcome: 'created', attempts: 3 });
      // random() = 0.5: half of 30 s, then half of 60 s.
      expect(aws.clock.sleeps).toEqual([15_000, 30_000]);
      expect(alert).toBeUndefined();
    });

    it('caps the backoff at maxDelaySeconds', async () => {
      happyPaths(aws, [docdbCluster('orders')]);
      aws.docdb['us-east-1']!.on(CreateDBClusterSnapshotCommand).rejects(
        new InvalidDBClusterStateFault({ message: 'busy', ...meta }),
      );
      await runBackup(
        aws.deps,
        request(aws, {
          policy: policy({
            clusters: { identifiers: ['orders'], tags: {}, exclude: [] },
            retry: { maxAttempts: 6, baseDelaySeconds: 10, maxDelaySeconds: 30 },
          }),
        }),
      );
      expect(aws.clock.sleeps).toEqual([5_000, 10_000, 15_000, 15_000, 15_000]);
    });

    it('stops retrying before the deadline and pages, once the start window has closed', async () => {
      happyPaths(aws, [docdbCluster('orders')]);
      aws.docdb['us-east-1']!.on(CreateDBClusterSnapshotCommand).rejects(
        new InvalidDBClusterStateFault({ message: 'busy', ...meta }),
      );
      // A late run (a retried delivery): its slot's 1-minute start window closes during its retries.
      const closing = policy({
        clusters: { identifiers: ['orders'], tags: {}, exclude: [] },
        windows: { startMinutes: 1, completionMinutes: 1440 },
      });
      const { summary, alert } = await runBackup(
        aws.deps,
        request(aws, {
          policy: closing,
          slot: new Date('2026-11-28T02:59:30Z'),
          deadline: aws.clock.now() + 80_000,
          reserveMs: 15_000,
        }),
      );
      // 15 s + 30 s of waiting fit in 65 s; the next wait (60 s) would not.
      expect(summary.results[0]).toMatchObject({ outcome: 'failed', attempts: 3 });
      expect(summary.results[0]!.error).toEqual({
        code: 'cluster-busy',
        message:
          'the cluster was still busy after 3 attempt(s); the next attempt would pass the run deadline',
      });
      expect(aws.clock.now()).toBeLessThan(Date.parse('2026-11-28T03:00:05Z') + 65_000);
      expect(alert?.sent).toBe(true);
    });

    it('leaves a cluster busy through the run pending inside its start window: a job for the reconciler, no page', async () => {
      happyPaths(aws, [docdbCluster('orders')]);
      aws.docdb['us-east-1']!.on(CreateDBClusterSnapshotCommand).rejects(
        new InvalidDBClusterStateFault({ message: 'busy', ...meta }),
      );
      const { summary, alert } = await runBackup(
        aws.deps,
        request(aws, { deadline: aws.clock.now() + 80_000, reserveMs: 15_000 }),
      );
      expect(summary.results[0]).toMatchObject({
        outcome: 'pending',
        attempts: 3,
        snapshotId: 'nightly-orders-20261128-0300',
      });
      expect(summary.results[0]!.error).toBeUndefined();
      expect(alert).toBeUndefined();
      expect(aws.sns.commandCalls(PublishCommand)).toHaveLength(0);
      const jobs = aws.dynamo
        .commandCalls(PutItemCommand)
        .map((call) => call.args[0].input)
        .filter((input) => input.Item?.pk?.S?.startsWith('job#'));
      expect(jobs).toHaveLength(1);
      expect(jobs[0]).toMatchObject({
        Item: {
          state: { S: 'pending' },
          openPolicy: { S: 'nightly' },
          snapshotId: { S: 'nightly-orders-20261128-0300' },
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      });
      expect(jobs[0]!.Item?.startedAt).toBeUndefined();
    });

    it('writes a creating job for each snapshot it takes (batched), started when AWS accepted it', async () => {
      happyPaths(aws, [docdbCluster('orders')]);
      const { summary } = await runBackup(aws.deps, request(aws));
      expect(summary.results[0]?.outcome).toBe('created');
      // The job of a snapshot the run created is written batched (BatchWriteItem), beside the results.
      const job = aws.dynamo
        .commandCalls(BatchWriteItemCommand)
        .flatMap((call) => Object.values(call.args[0].input.RequestItems ?? {})[0] ?? [])
        .map((request) => request.PutRequest?.Item)
        .find((item) => item?.pk?.S === 'job#us-east-1#orders');
      expect(job).toMatchObject({
        sk: { S: '2026-11-28T03:00:00.000Z#nightly' },
        state: { S: 'creating' },
        requestedAt: { S: '2026-11-28T03:00:05.000Z' },
        startedAt: { S: '2026-11-28T03:00:05.000Z' },
      });
    });

    it('fails fast for a stopped cluster without calling CreateDBClusterSnapshot', async () => {
      happyPaths(aws, [docdbCluster('orders', { Status: 'stopped' })]);
      const { summary } = await runBackup(aws.deps, request(aws));
      expect(summary.results[0]).toMatchObject({
        outcome: 'failed',
        attempts: 0,
        error: { code: 'cluster-unavailable' },
      });
      expect(aws.docdb['us-east-1']!.commandCalls(CreateDBClusterSnapshotCommand)).toHaveLength(0);
    });

    it('counts our own existing snapshot of the same slot as success', async () => {
      const docdb = aws.docdb['us-east-1']!;
      happyPaths(aws, [docdbCluster('orders')]);
      docdb
        .on(CreateDBClusterSnapshotCommand)
        .rejects(new DBClusterSnapshotAlreadyExistsFault({ message: 'exists', ...meta }));
      docdb.on(DescribeDBClusterSnapshotsCommand).resolves({
        DBClusterSnapshots: [docdbSnapshot('nightly-orders-20261128-0300')],
      });
      docdb.on(ListTagsForResourceCommand).resolves({ TagList: ourTagList('nightly-orders-20261128-0300') });
      const { summary, alert } = await runBackup(aws.deps, request(aws));
      expect(summary.results[0]).toMatchObject({
        outcome: 'already-exists',
        snapshotId: 'nightly-orders-20261128-0300',
      });
      expect(alert).toBeUndefined();
    });

    it.each(['failed', 'deleting'])(
      'treats our own existing slot snapshot in state %s as a failure that pages, not as done',
      async (status) => {
        const docdb = aws.docdb['us-east-1']!;
        happyPaths(aws, [docdbCluster('orders')]);
        docdb
          .on(CreateDBClusterSnapshotCommand)
          .rejects(new DBClusterSnapshotAlreadyExistsFault({ message: 'exists', ...meta }));
        docdb.on(DescribeDBClusterSnapshotsCommand).resolves({
          DBClusterSnapshots: [docdbSnapshot('nightly-orders-20261128-0300', { Status: status })],
        });
        docdb
          .on(ListTagsForResourceCommand)
          .resolves({ TagList: ourTagList('nightly-orders-20261128-0300') });
        const { summary, alert } = await runBackup(aws.deps, request(aws));
        expect(summary.results[0]).toMatchObject({ outcome: 'failed', error: { code: 'snapshot-failed' } });
        expect(alert).toMatchObject({ sent: true, severity: 'error' });
      },
    );

    it('reports a name conflict when the existing snapshot is not ours', async () => {
      const docdb = aws.docdb['us-east-1']!;
      happyPaths(aws, [docdbCluster('orders')]);
      docdb
        .on(CreateDBClusterSnapshotCommand)
        .rejects(new DBClusterSnapshotAlreadyExistsFault({ message: 'exists', ...meta }));
      docdb.on(DescribeDBClusterSnapshotsCommand).resolves({
        DBClusterSnapshots: [docdbSnapshot('nightly-orders-20261128-0300')],
      });
      docdb.on(ListTagsForResourceCommand).resolves({ TagList: [{ Key: 'owner', Value: 'someone-else' }] });
      const { summary } = await runBackup(aws.deps, request(aws));
      expect(summary.results[0]).toMatchObject({ outcome: 'failed', error: { code: 'name-conflict' } });
    });

    it('keeps going when an explicit cluster is missing or vanishes, and pages about it', async () => {
      happyPaths(aws, [docdbCluster('orders'), docdbCluster('billing')]);
      aws.docdb['us-east-1']!.on(CreateDBClusterSnapshotCommand, { DBClusterIdentifier: 'billing' }).rejects(
        new DBClusterNotFoundFault({ message: 'gone', ...meta }),
      );
      const { summary, alert } = await runBackup(
        aws.deps,
        request(aws, {
          policy: policy({
            clusters: { identifiers: ['orders', 'billing', 'ghost'], tags: {}, exclude: [] },
          }),
        }),
      );
      expect(summary.results.map((r) => [r.region, r.clusterId, r.outcome, r.error?.code])).toEqual([
        ['*', 'ghost', 'failed', 'cluster-not-found'],
        ['us-east-1', 'billing', 'failed', 'cluster-not-found'],
        ['us-east-1', 'orders', 'created', undefined],
      ]);
      expect(alert).toMatchObject({ sent: true, severity: 'error' });
      expect(aws.sns.commandCalls(PublishCommand)).toHaveLength(1);
    });

    it('waits out throttling until the cutoff, then records throttled with the time spent; others go on', async () => {
      happyPaths(aws, [docdbCluster('orders'), docdbCluster('billing')]);
      const throttled = Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
      aws.docdb['us-east-1']!.on(CreateDBClusterSnapshotCommand, { DBClusterIdentifier: 'orders' }).rejects(
        throttled,
      );
      const start = aws.clock.now();
      const { summary } = await runBackup(
        aws.deps,
        request(aws, {
          policy: policy({ clusters: { identifiers: ['orders', 'billing'], tags: {}, exclude: [] } }),
          deadline: start + 120_000,
        }),
      );
      expect(summary.results.map((r) => [r.clusterId, r.outcome, r.error?.code])).toEqual([
        ['billing', 'created', undefined],
        ['orders', 'failed', 'throttled'],
      ]);
      // Retried until about the cutoff (deadline less the 15 s reserve), then given up.
      expect(summary.results[1]!.error!.message).toMatch(/^throttled by AWS \d+ time\(s\) over 1\d\d\.\d s/);
    });

    it('treats throttling as "not yet": a storm that ends leaves no failure', async () => {
      happyPaths(aws, [docdbCluster('orders')]);
      const throttled = Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
      aws.docdb['us-east-1']!.on(CreateDBClusterSnapshotCommand)
        .rejectsOnce(throttled)
        .rejectsOnce(throttled)
        .rejectsOnce(throttled)
        .resolves({ DBClusterSnapshot: { Status: 'creating' } });
      const { summary } = await runBackup(aws.deps, request(aws));
      expect(summary.results[0]).toMatchObject({ outcome: 'created', attempts: 1 });
      expect(aws.docdb['us-east-1']!.commandCalls(CreateDBClusterSnapshotCommand)).toHaveLength(4);
    });

    it('lets other clusters use the request slot while a busy one waits out its backoff', async () => {
      happyPaths(aws, [docdbCluster('a'), docdbCluster('b')]);
      const docdb = aws.docdb['us-east-1']!;
      docdb
        .on(CreateDBClusterSnapshotCommand, { DBClusterIdentifier: 'a' })
        .rejectsOnce(new InvalidDBClusterStateFault({ message: 'busy', ...meta }))
        .resolves({ DBClusterSnapshot: { Status: 'creating' } });
      let wake = () => {};
      let createdWhileAWaited: string[] = [];
      aws.deps.clock.sleep = () =>
        new Promise<void>((resolve) => {
          wake = () => {
            createdWhileAWaited = docdb
              .commandCalls(CreateDBClusterSnapshotCommand)
              .map((c) => c.args[0].input.DBClusterIdentifier ?? '');
            resolve();
          };
          setImmediate(() => setImmediate(() => wake()));
        });
      const { summary } = await runBackup(
        aws.deps,
        request(aws, {
          concurrency: 1,
          policy: policy({ clusters: { identifiers: ['a', 'b'], tags: {}, exclude: [] } }),
        }),
      );
      expect(createdWhileAWaited).toEqual(['a', 'b']);
      expect(summary.results.map((r) => [r.clusterId, r.outcome, r.attempts])).toEqual([
        ['a', 'created', 2],
        ['b', 'created', 1],
      ]);
    });

    it('keeps at most `concurrency` snapshot requests in flight', async () => {
      const clusters = Array.from({ length: 12 }, (_, i) => docdbCluster(`c${i}`));
      happyPaths(aws, clusters);
      let inFlight = 0;
      let peak = 0;
      aws.docdb['us-east-1']!.on(CreateDBClusterSnapshotCommand).callsFake(async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight--;
        return { DBClusterSnapshot: { Status: 'creating' } };
      });
      await runBackup(
        aws.deps,
        request(aws, {
          concurrency: 3,
          policy: policy({
            clusters: { identifiers: clusters.map((c) => c.DBClusterIdentifier!), tags: {}, exclude: [] },
          }),
        }),
      );
      expect(peak).toBe(3);
    });
  });

  describe('quota', () => {
    function quotaHit(): void {
      const docdb = aws.docdb['us-east-1']!;
      happyPaths(aws, [docdbCluster('orders'), docdbCluster('billing')]);
      docdb
        .on(CreateDBClusterSnapshotCommand)
        .rejects(new SnapshotQuotaExceededFault({ message: 'quota', ...meta }));
      docdb.on(DescribeDBClusterSnapshotsCommand).resolves({
        DBClusterSnapshots: [
          ...Array.from({ length: 60 }, (_, i) => ({
            DBClusterSnapshotIdentifier: `nightly-orders-202610${String((i % 28) + 1).padStart(2, '0')}-0300`,
            DBClusterIdentifier: 'orders',
          })),
          ...Array.from({ length: 40 }, (_, i) => ({
            DBClusterSnapshotIdentifier: `manual-${i}`,
            DBClusterIdentifier: 'x',
          })),
        ],
      });
    }

    it('does not retry, stops asking in that Region, and pages once with usage and holders', async () => {
      quotaHit();
      const { summary, alert } = await runBackup(
        aws.deps,
        request(aws, {
          concurrency: 1,
          policy: policy({ clusters: { identifiers: ['orders', 'billing'], tags: {}, exclude: [] } }),
        }),
      );
      expect(aws.docdb['us-east-1']!.commandCalls(CreateDBClusterSnapshotCommand)).toHaveLength(1);
      expect(summary.results.every((r) => r.error?.code === 'quota-exceeded')).toBe(true);
      expect(alert).toMatchObject({ sent: true, severity: 'critical' });
      const publish = aws.sns.commandCalls(PublishCommand);
      expect(publish).toHaveLength(1);
      const input = publish[0]!.args[0].input;
      expect(input.TopicArn).toBe(TOPIC_ARN);
      expect(input.Subject).toBe('[docdb-backup] CRITICAL nightly: snapshot quota reached in us-east-1');
      expect(input.Subject!.length).toBeLessThan(100);
      expect(input.MessageAttributes).toEqual({
        severity: { DataType: 'String', StringValue: 'critical' },
        policy: { DataType: 'String', StringValue: 'nightly' },
      });
      expect(input.Message).toContain(
        'Snapshot quota reached in us-east-1: 100 of 100 manual cluster snapshots in use',
      );
      expect(input.Message).not.toContain('configured quota');
      expect(input.Message).toContain('60  docdb-backup policy nightly (prefix nightly)');
      expect(input.Message).toContain('40  not created by docdb-backup');
      expect(input.Message).toContain('npx docdb-backup run --policy nightly');
      const json = JSON.parse(input.Message!.slice(input.Message!.indexOf('{')));
      expect(json.failed).toHaveLength(2);
    });

    it('does not page again when a retried invocation of the same slot finds the alert claimed', async () => {
      quotaHit();
      aws.dynamo
        .on(UpdateItemCommand)
        .resolvesOnce({})
        .rejects(new ConditionalCheckFailedException({ message: 'claimed', ...meta }));
      aws.dynamo.on(GetItemCommand).resolves({ Item: { state: { S: 'idle' }, sentRank: { N: '3' } } });
      await runBackup(aws.deps, request(aws));
      const second = await runBackup(aws.deps, request(aws));
      expect(aws.sns.commandCalls(PublishCommand)).toHaveLength(1);
      expect(second.alert).toMatchObject({ sent: false, note: 'already sent for this slot' });
      const claim = aws.dynamo.commandCalls(UpdateItemCommand)[0]!.args[0].input;
      expect(claim.ConditionExpression).toContain('attribute_not_exists(pk)');
      expect(claim.Key).toEqual({ pk: { S: 'alert#nightly' }, sk: { S: '2026-11-28T03:00:00.000Z' } });
      expect(claim.ExpressionAttributeValues![':rank']).toEqual({ N: '3' }); // critical
    });
  });

  describe('recording', () => {
    it('writes one item per cluster, in batches of 25, retrying unprocessed items', async () => {
      const clusters = Array.from({ length: 30 }, (_, i) => docdbCluster(`c${String(i).padStart(2, '0')}`));
      happyPaths(aws, clusters);
      aws.dynamo
        .on(BatchWriteItemCommand)
        .callsFakeOnce((input) => {
          const [table, items] = Object.entries(input.RequestItems)[0] as [string, unknown[]];
          return { UnprocessedItems: { [table]: items.slice(0, 2) } };
        })
        .resolves({});
      await runBackup(
        aws.deps,
        request(aws, {
          policy: policy({
            clusters: { identifiers: clusters.map((c) => c.DBClusterIdentifier!), tags: {}, exclude: [] },
          }),
        }),
      );
      const all = aws.dynamo
        .commandCalls(BatchWriteItemCommand)
        .map((c) => Object.values(c.args[0].input.RequestItems ?? {})[0] ?? []);
      // The results' batches, beside the jobs' (recorded the same way, below).
      const isJob = (b: (typeof all)[number]) => b[0]?.PutRequest?.Item?.pk?.S?.startsWith('job#');
      const batches = all.filter((b) => !isJob(b));
      // Batches go out side by side; the 2 unprocessed items are sent again (a results or a jobs batch).
      expect([...all.map((b) => b.length)].sort((x, y) => y - x)).toEqual([25, 25, 5, 5, 2]);
      const keys = (bs: typeof all) =>
        new Set(bs.flat().map((r) => `${r.PutRequest?.Item?.pk?.S}|${r.PutRequest?.Item?.sk?.S}`));
      expect(keys(batches).size).toBe(30);
      expect(keys(all.filter(isJob)).size).toBe(30);
      const item = batches.find((b) => b.length === 25)![0]!.PutRequest!.Item!;
      expect(item).toMatchObject({
        pk: { S: 'us-east-1#c00' },
        sk: { S: '2026-11-28T03:00:00.000Z#nightly' },
        outcome: { S: 'created' },
        snapshotId: { S: 'nightly-c00-20261128-0300' },
        attempts: { N: '1' },
      });
      expect(Number(item.expiresAt!.N)).toBeGreaterThan(aws.clock.now() / 1000 + 399 * 86_400);
    });

    it('publishes one event per cluster in PutEvents batches of at most 10', async () => {
      const clusters = Array.from({ length: 12 }, (_, i) => docdbCluster(`c${i}`));
      happyPaths(aws, clusters);
      await runBackup(
        aws.deps,
        request(aws, {
          policy: policy({
            clusters: { identifiers: clusters.map((c) => c.DBClusterIdentifier!), tags: {}, exclude: [] },
          }),
        }),
      );
      const calls = aws.events.commandCalls(PutEventsCommand);
      expect(calls.map((c) => c.args[0].input.Entries!.length)).toEqual([10, 2]);
      const entry = calls[0]!.args[0].input.Entries![0]!;
      expect(entry).toMatchObject({
        Source: 'docdb-backup',
        DetailType: 'DocumentDB Snapshot Result',
        EventBusName: 'default',
      });
      expect(JSON.parse(entry.Detail!)).toMatchObject({
        policy: 'nightly',
        clusterId: 'c0',
        outcome: 'created',
      });
    });

    it('resends only the PutEvents entries that failed', async () => {
      happyPaths(aws, [docdbCluster('a'), docdbCluster('b'), docdbCluster('c')]);
      aws.events
        .on(PutEventsCommand)
        .resolvesOnce({
          FailedEntryCount: 1,
          Entries: [{ EventId: '1' }, { ErrorCode: 'InternalFailure' }, { EventId: '3' }],
        })
        .resolves({ FailedEntryCount: 0, Entries: [{ EventId: '2' }] });
      const report = await runBackup(
        aws.deps,
        request(aws, {
          policy: policy({ clusters: { identifiers: ['a', 'b', 'c'], tags: {}, exclude: [] } }),
        }),
      );
      const calls = aws.events.commandCalls(PutEventsCommand);
      expect(calls).toHaveLength(2);
      expect(JSON.parse(calls[1]!.args[0].input.Entries![0]!.Detail!).clusterId).toBe('b');
      expect(report.eventsFailed).toBe(0);
    });

    it('counts events that never got through without failing the run', async () => {
      happyPaths(aws, [docdbCluster('a')]);
      aws.events
        .on(PutEventsCommand)
        .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] });
      const report = await runBackup(
        aws.deps,
        request(aws, { policy: policy({ clusters: { identifiers: ['a'], tags: {}, exclude: [] } }) }),
      );
      expect(report.eventsFailed).toBe(1);
      expect(aws.events.commandCalls(PutEventsCommand)).toHaveLength(4);
    });
  });

  describe('the run itself', () => {
    it('goes on in one Region when another cannot be read', async () => {
      aws = mockedAws(['us-east-1', 'eu-west-1']);
      happyPaths(aws, [docdbCluster('orders')], 'us-east-1');
      aws.docdb['eu-west-1']!.on(DescribeDBClustersCommand).rejects(
        Object.assign(new Error('User is not authorized'), { name: 'AccessDenied' }),
      );
      const { summary } = await runBackup(
        aws.deps,
        request(aws, {
          policy: policy({
            regions: ['us-east-1', 'eu-west-1'],
            clusters: { identifiers: ['orders'], tags: {}, exclude: [] },
          }),
        }),
      );
      expect(summary.results.map((r) => [r.region, r.clusterId, r.outcome, r.error?.code])).toEqual([
        ['eu-west-1', '*', 'failed', 'access-denied'],
        ['us-east-1', 'orders', 'created', undefined],
      ]);
    });

    it('looks for an explicit identifier in every Region and misses it only when it is nowhere', async () => {
      aws = mockedAws(['us-east-1', 'eu-west-1']);
      happyPaths(aws, [docdbCluster('orders')], 'us-east-1');
      happyPaths(aws, [docdbCluster('orders-eu')], 'eu-west-1');
      const { summary } = await runBackup(
        aws.deps,
        request(aws, {
          policy: policy({
            regions: ['us-east-1', 'eu-west-1'],
            clusters: { identifiers: ['orders', 'orders-eu', 'ghost'], tags: {}, exclude: [] },
          }),
        }),
      );
      expect(summary.results.map((r) => [r.region, r.clusterId, r.outcome])).toEqual([
        ['*', 'ghost', 'failed'],
        ['eu-west-1', 'orders-eu', 'created'],
        ['us-east-1', 'orders', 'created'],
      ]);
      expect(summary.results[0]!.error?.message).toBe(
        'no DocumentDB cluster "ghost" in us-east-1, eu-west-1 (named in clusters.identifiers)',
      );
    });

    it('throws when no Region can be read, after recording and paging', async () => {
      happyPaths(aws, []);
      aws.docdb['us-east-1']!.on(DescribeDBClustersCommand).rejects(
        Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:443'), { name: 'Error' }),
      );
      await expect(runBackup(aws.deps, request(aws))).rejects.toThrow(RunFailedError);
      expect(aws.dynamo.commandCalls(BatchWriteItemCommand)).toHaveLength(1);
      const message = aws.sns.commandCalls(PublishCommand)[0]!.args[0].input.Message as string;
      expect(message).toContain('connect ECONNREFUSED <address>');
      expect(message).not.toContain('10.1.2.3');
    });

    it('throws when the results cannot be recorded, after paging and publishing', async () => {
      happyPaths(aws, [docdbCluster('orders')]);
      aws.dynamo
        .on(BatchWriteItemCommand)
        .rejects(Object.assign(new Error('down'), { name: 'InternalServerError' }));
      await expect(runBackup(aws.deps, request(aws))).rejects.toThrow(/could not be recorded/);
      expect(aws.events.commandCalls(PutEventsCommand)).toHaveLength(1);
    });

    it('skips clusters it reaches after the cutoff', async () => {
      happyPaths(aws, [docdbCluster('orders')]);
      const { summary } = await runBackup(
        aws.deps,
        request(aws, { deadline: aws.clock.now() + 10_000, reserveMs: 15_000 }),
      );
      expect(summary.results[0]).toMatchObject({
        outcome: 'skipped',
        attempts: 0,
        error: { code: 'deadline' },
      });
    });
  });
});

// Seam: the results table's codec and job store (shared/aws/results-table) over an aws-sdk-client-mock'ed
// DynamoDB client: keys of the own account are the keys written before accounts existed, another account's
// are kept apart, items read back as written, and open jobs are queried through the sparse index, never
// scanned.
import { DynamoDBClient, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  deletionItem,
  jobFromItem,
  jobItem,
  OPEN_JOBS_INDEX,
  RESULTS_TABLE_KEYS,
  resultItem,
} from '../../../shared/aws/results-table/codec.js';
import { DynamoJobStore } from '../../../shared/aws/results-table/index.js';
import { type BackupJob, canMove, type JobState } from '../../../shared/planning/jobs.js';
import { fakeClock } from '../../support/fakes.js';

const dynamo = mockClient(DynamoDBClient);
beforeEach(() => dynamo.reset());

const summary = { policy: 'nightly', scheduledAt: '2026-11-28T03:00:00.000Z', results: [], deletions: [] };
const created = { clusterId: 'orders', outcome: 'created' as const, attempts: 1, durationMs: 5 };
const job: BackupJob = {
  policy: 'nightly',
  scheduledAt: '2026-11-28T03:00:00.000Z',
  region: 'eu-west-1',
  account: '210987654321',
  clusterId: 'orders',
  snapshotId: 'nightly-orders-20261128-0300',
  state: 'failed',
  requestedAt: '2026-11-28T03:00:01.000Z',
  startedAt: '2026-11-28T03:00:02.000Z',
  completedAt: '2026-11-28T05:00:00.000Z',
  error: { code: 'snapshot-failed', message: 'ended failed' },
};

describe('the results table codec', () => {
  it("keys the own account's items as before accounts existed, and another account's apart", () => {
    const own = resultItem(summary, { ...created, region: 'us-east-1' }, 0, 0);
    expect(own.pk).toEqual({ S: 'us-east-1#orders' });
    expect(own.account).toBeUndefined();
    const other = resultItem(summary, { ...created, region: 'us-east-1', account: '210987654321' }, 0, 0);
    expect(other.pk).toEqual({ S: '210987654321/us-east-1#orders' });
    expect(other.account).toEqual({ S: '210987654321' });
    const deletion = {
      region: 'us-east-1',
      clusterId: 'orders',
      snapshotId: 's',
      outcome: 'deleted' as const,
    };
    expect(deletionItem(summary, { ...deletion, reason: 'r' }, 0, 0).pk).toEqual({
      S: 'us-east-1#orders#deletions',
    });
  });

  it('reads a job back as it was written, and nothing else as a job', () => {
    expect(jobFromItem(jobItem(job, 0, 0))).toEqual(job);
    const { account: _account, error: _error, completedAt: _done, ...ownOpen } = job;
    expect(jobFromItem(jobItem({ ...ownOpen, state: 'creating' }, 0, 0))).toEqual({
      ...ownOpen,
      state: 'creating',
    });
    expect(jobFromItem(resultItem(summary, { ...created, region: 'us-east-1' }, 0, 0))).toBeUndefined();
    expect(jobFromItem({ ...jobItem(job, 0, 0), state: { S: 'exploded' } })).toBeUndefined();
  });

  it('declares the open-jobs index the store queries', () => {
    expect(RESULTS_TABLE_KEYS.GlobalSecondaryIndexes.map((i) => i.IndexName)).toEqual([OPEN_JOBS_INDEX]);
  });
});

describe('the job store', () => {
  it('lists open jobs with a Query on the open-jobs index, page after page, and never a Scan', async () => {
    const open = { ...job, state: 'creating' as const, completedAt: undefined, error: undefined };
    const { completedAt: _c, error: _e, ...openJob } = open;
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [jobItem(openJob, 0, 0)], LastEvaluatedKey: { pk: { S: 'k' } } })
      .resolvesOnce({ Items: [jobItem({ ...openJob, clusterId: 'billing' }, 0, 0)] });
    const store = new DynamoJobStore(new DynamoDBClient({ region: 'us-east-1' }), 'results', {
      clock: fakeClock(),
    });
    expect((await store.listFollowed('nightly')).map((j) => j.clusterId)).toEqual(['orders', 'billing']);
    const queries = dynamo.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(queries[0]).toMatchObject({
      TableName: 'results',
      IndexName: OPEN_JOBS_INDEX,
      KeyConditionExpression: 'openPolicy = :policy',
      ExpressionAttributeValues: { ':policy': { S: 'nightly' } },
    });
    expect(queries[1]?.ExclusiveStartKey).toEqual({ pk: { S: 'k' } });
    expect(dynamo.commandCalls(ScanCommand)).toEqual([]);
  });
});

describe('job states', () => {
  const states: JobState[] = ['pending', 'creating', 'available', 'failed'];
  it.each(states.flatMap((from) => states.map((to) => [from, to] as const)))('%s → %s', (from, to) => {
    const allowed: Record<JobState, JobState[]> = {
      pending: ['creating', 'available', 'failed'],
      creating: ['available', 'failed'],
      available: [],
      failed: [],
    };
    expect(canMove(from, to)).toBe(allowed[from].includes(to));
  });
});

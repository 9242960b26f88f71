// Seam: the Lambda entry point (functions/backup/handler.ts) as Lambda calls it — middy, Powertools
// Logger and Metrics, the environment and the bundled-policy loading — over aws-sdk-client-mock'ed clients.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateDBClusterSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  DocDBClient,
} from '@aws-sdk/client-docdb';
import { BatchWriteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { compilePolicyFile } from '../../../shared/policy/compile.js';
import { docdbCluster } from '../../support/docdb-answers.js';
import { tempFolder } from '../../support/temp-folders.js';

const docdb = mockClient(DocDBClient);
const dynamo = mockClient(DynamoDBClient);
const events = mockClient(EventBridgeClient);
const sns = mockClient(SNSClient);

const POLICIES = `version: 1
policies:
  - name: nightly
    schedule: cron(0 3 * * ? *)
    regions: [us-east-1]
    clusters:
      identifiers: [orders]
`;

function context(remainingMs = 600_000): Context {
  return {
    functionName: 'docdb-backup-test-backup',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:docdb-backup-test-backup',
    memoryLimitInMB: '256',
    awsRequestId: 'req-1',
    logGroupName: '/aws/lambda/docdb-backup-test-backup',
    logStreamName: 'stream',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

const output: string[] = [];
let handler: (event: unknown, context: Context) => Promise<unknown>;

beforeAll(async () => {
  const dir = tempFolder('handler');
  writeFileSync(join(dir, 'policies.yml'), POLICIES);
  await compilePolicyFile(join(dir, 'policies.yml'), join(dir, 'policies.compiled.json'));
  vi.stubEnv('ALERT_TOPIC_ARN', 'arn:aws:sns:us-east-1:123456789012:alerts');
  vi.stubEnv('RESULTS_TABLE', 'results');
  vi.stubEnv('POLICIES_FILE', join(dir, 'policies.compiled.json'));
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDTEST');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
  vi.stubEnv('POWERTOOLS_DEV', 'false');
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    output.push(String(chunk));
    return true;
  });
  ({ handler } = await import('../../../functions/backup/handler.js'));
});

afterAll(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

beforeEach(() => {
  output.length = 0;
  for (const mock of [docdb, dynamo, events, sns]) mock.reset();
  docdb.on(DescribeDBClustersCommand).resolves({
    DBClusters: [docdbCluster('orders')],
  });
  docdb.on(CreateDBClusterSnapshotCommand).resolves({ DBClusterSnapshot: { Status: 'creating' } });
  docdb.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [] });
  dynamo.on(BatchWriteItemCommand).resolves({});
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
});

function jsonLines(): Record<string, unknown>[] {
  return output
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('backup handler', () => {
  it('runs the policy for the slot and returns the result contract', async () => {
    const result = await handler({ policy: 'nightly', time: '2026-11-28T03:00:12Z' }, context());
    expect(result).toEqual({
      policy: 'nightly',
      scheduledAt: '2026-11-28T03:00:00.000Z',
      results: [
        {
          region: 'us-east-1',
          clusterId: 'orders',
          outcome: 'created',
          snapshotId: 'nightly-orders-20261128-0300',
          attempts: 1,
          durationMs: expect.any(Number),
        },
      ],
      deletions: [],
      notices: [],
      counts: { created: 1, 'already-exists': 0, pending: 0, failed: 0, skipped: 0 },
      alert: null,
      eventsFailed: 0,
    });
  });

  it('logs structured JSON with the policy and cluster in the lines', async () => {
    await handler({ policy: 'nightly', time: '2026-11-28T03:00:00Z' }, context());
    const created = jsonLines().find((line) => line.message === 'snapshot created');
    expect(created).toMatchObject({
      policy: 'nightly',
      cluster: 'orders',
      region: 'us-east-1',
      level: 'INFO',
    });
  });

  it('publishes EMF metrics per policy', async () => {
    await handler({ policy: 'nightly', time: '2026-11-28T03:00:00Z' }, context());
    const emf = jsonLines().find((line) => '_aws' in line && 'SnapshotsCreated' in line);
    expect(emf).toMatchObject({
      policy: 'nightly',
      SnapshotsCreated: 1,
      SnapshotsPending: 0,
      SnapshotsFailed: 0,
      QuotaExceeded: 0,
      EventsFailed: 0,
    });
    expect(emf?.service).toBe('docdb-backup');
  });

  it("publishes each Region's manual snapshots against its quota, per Region (the dashboard's quota widgets)", async () => {
    await handler({ policy: 'nightly', time: '2026-11-28T03:00:00Z' }, context());
    const lines = jsonLines().filter((line) => '_aws' in line);
    const used = lines.find((line) => 'ManualSnapshotsUsed' in line);
    const quota = lines.find((line) => 'ManualSnapshotQuota' in line);
    expect(used).toMatchObject({ region: 'us-east-1', service: 'docdb-backup', ManualSnapshotsUsed: 0 });
    expect(quota).toMatchObject({ region: 'us-east-1', service: 'docdb-backup', ManualSnapshotQuota: 100 });
    expect(used?.policy).toBeUndefined();
  });

  it('publishes the result events it could not deliver as EventsFailed (the deploy alarms on it)', async () => {
    events.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'boom' }],
    });
    const result = await handler({ policy: 'nightly', time: '2026-11-28T03:00:00Z' }, context());
    expect((result as { eventsFailed: number }).eventsFailed).toBe(1);
    const emf = jsonLines().find((line) => '_aws' in line && 'SnapshotsCreated' in line);
    expect(emf).toMatchObject({ policy: 'nightly', EventsFailed: 1 });
  });

  it('rejects an unknown policy without calling AWS', async () => {
    await expect(handler({ policy: 'weekly', time: '2026-11-28T03:00:00Z' }, context())).rejects.toThrow(
      'unknown policy "weekly"; the policy file defines: nightly',
    );
    expect(docdb.calls()).toHaveLength(0);
  });

  it('refuses a policy file that was not compiled, naming it and the fix', async () => {
    const { wireFromEnvironment } = await import('../../../functions/common/wiring.js');
    await expect(
      wireFromEnvironment(
        { info: () => {}, warn: () => {}, error: () => {} },
        { ...process.env, POLICIES_FILE: '/tmp/docdb-backup-missing/policies.yml' },
      ),
    ).rejects.toThrow(
      /cannot read the compiled policy file \/tmp\/docdb-backup-missing\/policies.yml \(ENOENT\); the backup function reads policies compiled at build time/,
    );
  });

  it('rejects a malformed event without calling AWS', async () => {
    await expect(handler({ policy: 'nightly', time: 'yesterday' }, context())).rejects.toThrow(/ISO-8601/);
    expect(docdb.calls()).toHaveLength(0);
    expect(dynamo.calls()).toHaveLength(0);
  });
});

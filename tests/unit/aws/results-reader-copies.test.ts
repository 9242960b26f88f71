// Seam: DynamoResultsReader.latestCopies over an aws-sdk-client-mock'ed DynamoDB client: the one Query
// `status` sends per cluster for its copies (the copy partition from its newest end, filtered to the
// policy), and the newest copy job it keeps per destination.
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { copyJobItem } from '../../../shared/aws/results-table/copy-codec.js';
import { DynamoResultsReader } from '../../../shared/aws/results-table/index.js';
import type { CopyJob } from '../../../shared/planning/copies.js';

const dynamo = mockClient(DynamoDBClient);
beforeEach(() => dynamo.reset());

const WEST = { region: 'us-west-2' };
const DR = { region: 'eu-west-1', account: '444455556666' };

function job(
  slot: string,
  destination: CopyJob['destination'],
  state: CopyJob['state'] = 'available',
): CopyJob {
  return {
    policy: 'nightly',
    scheduledAt: slot,
    clusterId: 'orders',
    source: { region: 'us-east-1' },
    snapshotId: `nightly-orders-${slot.slice(0, 10).replaceAll('-', '')}-0300`,
    destination,
    state,
    step: 0,
    requestedAt: slot,
  };
}

const item = (copy: CopyJob) => copyJobItem(copy, 0, 1);
const reader = () => new DynamoResultsReader(new DynamoDBClient({ region: 'us-east-1' }), 'results');

describe('DynamoResultsReader.latestCopies', () => {
  it("queries the cluster's copy partition newest first, filtered to the policy, and keeps the newest per destination", async () => {
    dynamo.on(QueryCommand).resolves({
      Items: [
        item(job('2026-11-28T03:00:00.000Z', WEST, 'copying')),
        item(job('2026-11-28T03:00:00.000Z', DR)),
        item(job('2026-11-27T03:00:00.000Z', WEST)),
      ],
    });

    const copies = await reader().latestCopies({ region: 'us-east-1' }, 'orders', 'nightly', [WEST, DR]);

    expect(copies.map((c) => [c.destination, c.scheduledAt, c.state])).toEqual([
      [WEST, '2026-11-28T03:00:00.000Z', 'copying'],
      [DR, '2026-11-28T03:00:00.000Z', 'available'],
    ]);
    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input).toEqual({
      TableName: 'results',
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: '#policy = :policy',
      ExpressionAttributeNames: { '#policy': 'policy' },
      ExpressionAttributeValues: { ':pk': { S: 'copy#us-east-1#orders' }, ':policy': { S: 'nightly' } },
      ScanIndexForward: false,
      Limit: 25,
      ExclusiveStartKey: undefined,
    });
  });

  it('stops reading once every destination has its newest copy, and leaves out a destination with none', async () => {
    const lastKey = { pk: { S: 'copy#us-east-1#orders' }, sk: { S: 'x' } };
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [item(job('2026-11-28T03:00:00.000Z', WEST))], LastEvaluatedKey: lastKey })
      .resolves({ Items: [item(job('2026-11-27T03:00:00.000Z', WEST))], LastEvaluatedKey: lastKey });

    expect(await reader().latestCopies({ region: 'us-east-1' }, 'orders', 'nightly', [WEST])).toHaveLength(1);
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(1);

    dynamo.resetHistory();
    const copies = await reader().latestCopies({ region: 'us-east-1' }, 'orders', 'nightly', [DR, WEST]);

    expect(copies.map((c) => c.destination)).toEqual([WEST]);
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(8); // bounded, like the other reads
  });

  it('reads the partition of a source in another account, and asks nothing for no destination', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });

    await reader().latestCopies({ region: 'us-east-1', account: '210987654321' }, 'orders', 'nightly', [
      WEST,
    ]);
    expect(await reader().latestCopies({ region: 'us-east-1' }, 'orders', 'nightly', [])).toEqual([]);

    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(1);
    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input.ExpressionAttributeValues?.[':pk']).toEqual({
      S: 'copy#210987654321/us-east-1#orders',
    });
  });
});

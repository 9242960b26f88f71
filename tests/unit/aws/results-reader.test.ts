// Seam: the results table's reader (shared/aws/results-table) over an aws-sdk-client-mock'ed DynamoDB client: the Query `status` sends for
// a cluster's newest result of one policy, and how items become results.
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { resultFromItem as fromItem } from '../../../shared/aws/results-table/codec.js';
import { DynamoResultsReader } from '../../../shared/aws/results-table/index.js';

const dynamo = mockClient(DynamoDBClient);
beforeEach(() => dynamo.reset());

const item = (
  policy: string,
  scheduledAt: string,
  extra: Record<string, { S: string } | { N: string }> = {},
) => ({
  pk: { S: 'us-east-1#orders' },
  sk: { S: `${scheduledAt}#${policy}` },
  policy: { S: policy },
  scheduledAt: { S: scheduledAt },
  region: { S: 'us-east-1' },
  clusterId: { S: 'orders' },
  outcome: { S: 'created' },
  attempts: { N: '2' },
  ...extra,
});

describe('DynamoResultsReader', () => {
  it("queries the cluster's key newest first, filtered to the policy", async () => {
    dynamo.on(QueryCommand).resolves({ Items: [item('nightly', '2026-11-28T03:00:00.000Z')] });
    const reader = new DynamoResultsReader(new DynamoDBClient({ region: 'us-east-1' }), 'results');

    const result = await reader.latest('us-east-1', 'orders', 'nightly');

    expect(result).toMatchObject({ policy: 'nightly', outcome: 'created', attempts: 2 });
    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input).toEqual({
      TableName: 'results',
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: '#policy = :policy',
      ExpressionAttributeNames: { '#policy': 'policy' },
      ExpressionAttributeValues: { ':pk': { S: 'us-east-1#orders' }, ':policy': { S: 'nightly' } },
      ScanIndexForward: false,
      Limit: 25,
      ExclusiveStartKey: undefined,
    });
  });

  it('reads on past pages that the filter left empty, and gives up after a bounded number', async () => {
    const lastKey = { pk: { S: 'us-east-1#orders' }, sk: { S: 'x' } };
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [], LastEvaluatedKey: lastKey })
      .resolvesOnce({ Items: [item('nightly', '2026-11-20T03:00:00.000Z')] });
    const reader = new DynamoResultsReader(new DynamoDBClient({ region: 'us-east-1' }), 'results');

    expect(await reader.latest('us-east-1', 'orders', 'nightly')).toMatchObject({
      scheduledAt: '2026-11-20T03:00:00.000Z',
    });
    expect(dynamo.commandCalls(QueryCommand)[1]?.args[0].input.ExclusiveStartKey).toEqual(lastKey);

    dynamo.reset();
    dynamo.on(QueryCommand).resolves({ Items: [], LastEvaluatedKey: lastKey });
    expect(await reader.latest('us-east-1', 'orders', 'nightly')).toBeUndefined();
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(8);
  });
});

describe('fromItem', () => {
  it('keeps every key, with null for what the item does not have', () => {
    expect(
      fromItem(
        item('nightly', '2026-11-28T03:00:00.000Z', {
          outcome: { S: 'failed' },
          errorCode: { S: 'cluster-busy' },
          errorMessage: { S: 'still busy' },
        }),
      ),
    ).toEqual({
      policy: 'nightly',
      scheduledAt: '2026-11-28T03:00:00.000Z',
      region: 'us-east-1',
      clusterId: 'orders',
      outcome: 'failed',
      snapshotId: null,
      attempts: 2,
      error: { code: 'cluster-busy', message: 'still busy' },
      recordedAt: null,
    });
  });

  it('is undefined for an item that is not a cluster result (an alert marker)', () => {
    expect(fromItem({ pk: { S: 'alert#nightly' }, sk: { S: '2026-11-28T03:00:00.000Z' } })).toBeUndefined();
  });
});

// Seam: the results reader's `history` (shared/aws/results-table/runs.ts) over an aws-sdk-client-mock'ed
// DynamoDB client: a cluster's recent results of one policy for `status --html`, newest first.
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoResultsReader } from '../../../shared/aws/results-table/index.js';

const dynamo = mockClient(DynamoDBClient);
beforeEach(() => dynamo.reset());

const item = (scheduledAt: string, outcome = 'created') => ({
  pk: { S: 'us-east-1#orders' },
  sk: { S: `${scheduledAt}#nightly` },
  policy: { S: 'nightly' },
  scheduledAt: { S: scheduledAt },
  region: { S: 'us-east-1' },
  clusterId: { S: 'orders' },
  outcome: { S: outcome },
  attempts: { N: '1' },
});

describe('DynamoResultsReader.history', () => {
  it('collects the newest results across pages up to the limit, and stops reading there', async () => {
    const lastKey = { pk: { S: 'us-east-1#orders' }, sk: { S: 'x' } };
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [item('2026-11-28T03:00:00.000Z')], LastEvaluatedKey: lastKey })
      .resolvesOnce({
        Items: [item('2026-11-27T03:00:00.000Z', 'failed'), item('2026-11-26T03:00:00.000Z')],
        LastEvaluatedKey: lastKey,
      });
    const reader = new DynamoResultsReader(new DynamoDBClient({ region: 'us-east-1' }), 'results');

    const results = await reader.history('us-east-1', 'orders', 'nightly', 2);

    expect(results.map((r) => [r.scheduledAt, r.outcome])).toEqual([
      ['2026-11-28T03:00:00.000Z', 'created'],
      ['2026-11-27T03:00:00.000Z', 'failed'],
    ]);
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(2);
    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: '#policy = :policy',
      ScanIndexForward: false,
    });
  });

  it('returns what there is when the partition ends first, and nothing for a limit of 0', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [item('2026-11-28T03:00:00.000Z')] });
    const reader = new DynamoResultsReader(new DynamoDBClient({ region: 'us-east-1' }), 'results');

    expect(await reader.history('us-east-1', 'orders', 'nightly', 10)).toHaveLength(1);
    expect(await reader.history('us-east-1', 'orders', 'nightly', 0)).toEqual([]);
  });
});

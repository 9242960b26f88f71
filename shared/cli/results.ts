/**
 * Reading the results table for `status`: the newest recorded result of one cluster for one policy.
 * Items are keyed pk = `<region>#<cluster>`, sk = `<scheduledAt>#<policy>` (see shared/aws/dynamodb.ts),
 * so one Query newest first, filtered to the policy, answers it.
 */
import { type AttributeValue, type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { Outcome } from '../backup/ports.js';

/** One recorded cluster result, as the backup function (or `docdb-backup run`) wrote it. */
export interface RecordedResult {
  policy: string;
  scheduledAt: string;
  region: string;
  clusterId: string;
  outcome: Outcome;
  snapshotId: string | null;
  attempts: number;
  error: { code: string; message: string } | null;
  recordedAt: string | null;
}

/** The CLI's view of the results table. */
export interface ResultsReader {
  /** The newest result of `clusterId` in `region` (`*` for "in no Region") for `policy`, if any. */
  latest(
    region: string,
    clusterId: string,
    policy: string,
    signal?: AbortSignal,
  ): Promise<RecordedResult | undefined>;
}

/** Items read per Query page; other policies' results of the same cluster are filtered out. */
const PAGE_LIMIT = 25;
/** Pages read before giving up: a cluster shared by several policies still finds its result. */
const MAX_PAGES = 8;

function text(item: Record<string, AttributeValue>, key: string): string | undefined {
  return item[key]?.S;
}

/**
 * Turns a table item back into a result; undefined for an item that is not a cluster result.
 * Example: `fromItem({ pk: { S: 'us-east-1#orders' }, sk: { S: '2026-11-28T03:00:00.000Z#nightly' }, … })`
 */
export function fromItem(item: Record<string, AttributeValue>): RecordedResult | undefined {
  const policy = text(item, 'policy');
  const scheduledAt = text(item, 'scheduledAt');
  const outcome = text(item, 'outcome');
  if (!policy || !scheduledAt || !outcome) return undefined;
  const code = text(item, 'errorCode');
  const result: RecordedResult = {
    policy,
    scheduledAt,
    region: text(item, 'region') ?? '',
    clusterId: text(item, 'clusterId') ?? '',
    outcome: outcome as Outcome,
    snapshotId: text(item, 'snapshotId') ?? null,
    attempts: Number(item.attempts?.N ?? 0),
    error: code ? { code, message: text(item, 'errorMessage') ?? '' } : null,
    recordedAt: text(item, 'recordedAt') ?? null,
  };
  return result;
}

export class DynamoResultsReader implements ResultsReader {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  async latest(
    region: string,
    clusterId: string,
    policy: string,
    signal?: AbortSignal,
  ): Promise<RecordedResult | undefined> {
    let startKey: Record<string, AttributeValue> | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          FilterExpression: '#policy = :policy',
          ExpressionAttributeNames: { '#policy': 'policy' },
          ExpressionAttributeValues: { ':pk': { S: `${region}#${clusterId}` }, ':policy': { S: policy } },
          ScanIndexForward: false,
          Limit: PAGE_LIMIT,
          ExclusiveStartKey: startKey,
        }),
        { abortSignal: signal },
      );
      for (const item of out.Items ?? []) {
        const result = fromItem(item);
        if (result) return result;
      }
      startKey = out.LastEvaluatedKey;
      if (!startKey) return undefined;
    }
    return undefined;
  }
}

/**
 * The results table: one item per cluster per slot and policy, kept for `retentionDays` (TTL), plus one
 * marker item per paged slot so that a retried run never pages twice.
 *
 * Keys: pk = `<region>#<cluster>`, sk = `<scheduledAt>#<policy>` (newest last, so "latest result of a
 * cluster" is one Query); retention deletions: pk = `<region>#<cluster>#deletions`,
 * sk = `<scheduledAt>#<policy>#<snapshotId>`; alert markers: pk = `alert#<policy>`, sk = `<scheduledAt>`.
 */
import {
  type AttributeValue,
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  PutItemCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { inPool } from '../backup/pool.js';
import type { Clock, ClusterResult, DeletionResult, ResultStore, RunSummary } from '../backup/ports.js';

const BATCH_SIZE = 25;
const MAX_BATCH_ROUNDS = 6;
/** BatchWriteItem calls in flight at once. */
const BATCHES_IN_FLIGHT = 8;

export interface ResultStoreOptions {
  clock: Clock;
  /** How long results are kept before DynamoDB's TTL removes them. Default 400 days. */
  retentionDays?: number;
}

/** The table's item for one cluster result. */
export function resultItem(
  summary: RunSummary,
  result: ClusterResult,
  recordedAt: number,
  expiresAt: number,
): Record<string, AttributeValue> {
  const item: Record<string, AttributeValue> = {
    pk: { S: `${result.region}#${result.clusterId}` },
    sk: { S: `${summary.scheduledAt}#${summary.policy}` },
    policy: { S: summary.policy },
    scheduledAt: { S: summary.scheduledAt },
    region: { S: result.region },
    clusterId: { S: result.clusterId },
    outcome: { S: result.outcome },
    attempts: { N: String(result.attempts) },
    durationMs: { N: String(result.durationMs) },
    recordedAt: { S: new Date(recordedAt).toISOString() },
    expiresAt: { N: String(Math.floor(expiresAt / 1000)) },
  };
  if (result.snapshotId) item.snapshotId = { S: result.snapshotId };
  if (result.error) {
    item.errorCode = { S: result.error.code };
    item.errorMessage = { S: result.error.message };
  }
  return item;
}

/** The table's item for one snapshot deleted (or not) by retention. */
export function deletionItem(
  summary: RunSummary,
  deletion: DeletionResult,
  recordedAt: number,
  expiresAt: number,
): Record<string, AttributeValue> {
  const item: Record<string, AttributeValue> = {
    pk: { S: `${deletion.region}#${deletion.clusterId}#deletions` },
    sk: { S: `${summary.scheduledAt}#${summary.policy}#${deletion.snapshotId}` },
    policy: { S: summary.policy },
    scheduledAt: { S: summary.scheduledAt },
    region: { S: deletion.region },
    clusterId: { S: deletion.clusterId },
    snapshotId: { S: deletion.snapshotId },
    outcome: { S: deletion.outcome },
    reason: { S: deletion.reason },
    recordedAt: { S: new Date(recordedAt).toISOString() },
    expiresAt: { N: String(Math.floor(expiresAt / 1000)) },
  };
  if (deletion.error) {
    item.errorCode = { S: deletion.error.code };
    item.errorMessage = { S: deletion.error.message };
  }
  return item;
}

export class DynamoResultStore implements ResultStore {
  private readonly retentionMs: number;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly options: ResultStoreOptions,
  ) {
    this.retentionMs = (options.retentionDays ?? 400) * 86_400_000;
  }

  async record(summary: RunSummary, signal?: AbortSignal): Promise<void> {
    const now = this.options.clock.now();
    const expires = now + this.retentionMs;
    const requests: WriteRequest[] = [
      ...summary.results.map((result) => ({
        PutRequest: { Item: resultItem(summary, result, now, expires) },
      })),
      ...summary.deletions.map((deletion) => ({
        PutRequest: { Item: deletionItem(summary, deletion, now, expires) },
      })),
    ];
    const batches: WriteRequest[][] = [];
    for (let i = 0; i < requests.length; i += BATCH_SIZE) batches.push(requests.slice(i, i + BATCH_SIZE));
    await inPool(batches, BATCHES_IN_FLIGHT, (batch) => this.writeBatch(batch, signal));
  }

  /** Writes one batch, retrying unprocessed items with a growing pause. */
  private async writeBatch(batch: WriteRequest[], signal?: AbortSignal): Promise<void> {
    let pending = batch;
    for (let round = 0; pending.length > 0; round++) {
      if (round === MAX_BATCH_ROUNDS) throw new Error(`${pending.length} result item(s) stayed unprocessed`);
      if (round > 0) await this.options.clock.sleep(50 * 2 ** round, signal);
      const out = await this.client.send(
        new BatchWriteItemCommand({ RequestItems: { [this.table]: pending } }),
        {
          abortSignal: signal,
        },
      );
      pending = out.UnprocessedItems?.[this.table] ?? [];
    }
  }

  async claimAlert(policy: string, scheduledAt: string, signal?: AbortSignal): Promise<boolean> {
    const now = this.options.clock.now();
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            pk: { S: `alert#${policy}` },
            sk: { S: scheduledAt },
            alertedAt: { S: new Date(now).toISOString() },
            expiresAt: { N: String(Math.floor((now + this.retentionMs) / 1000)) },
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
        { abortSignal: signal },
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

/**
 * The results table: one item per cluster per slot and policy, kept for `retentionDays` (TTL), plus one
 * claim item per paged slot so that no slot pages twice and none loses its page.
 *
 * Keys: pk = `<region>#<cluster>`, sk = `<scheduledAt>#<policy>` (newest last, so "latest result of a
 * cluster" is one Query); retention deletions: pk = `<region>#<cluster>#deletions`,
 * sk = `<scheduledAt>#<policy>#<snapshotId>` (written as they happen, never downgraded from `deleted`);
 * notices: pk = `notice#<policy>`, sk = `<scheduledAt>#<region>`; alert claims: pk = `alert#<policy>`,
 * sk = `<scheduledAt>`, `state` = `pending` (with `token` and `leaseUntil`) or `sent` (items written
 * before claims had a state count as sent).
 */
import { randomUUID } from 'node:crypto';
import {
  type AttributeValue,
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { inPool } from '../backup/pool.js';
import type {
  AlertClaim,
  Clock,
  ClusterResult,
  DeletionResult,
  ResultStore,
  RunNotice,
  RunSummary,
} from '../backup/ports.js';

const BATCH_SIZE = 25;
const MAX_BATCH_ROUNDS = 6;
/** BatchWriteItem calls in flight at once. */
export const BATCHES_IN_FLIGHT = 8;

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

/** The table's item for one notice of a run (a Region whose selection matched nothing). */
export function noticeItem(
  summary: RunSummary,
  notice: RunNotice,
  recordedAt: number,
  expiresAt: number,
): Record<string, AttributeValue> {
  return {
    pk: { S: `notice#${summary.policy}` },
    sk: { S: `${summary.scheduledAt}#${notice.region}` },
    policy: { S: summary.policy },
    scheduledAt: { S: summary.scheduledAt },
    region: { S: notice.region },
    code: { S: notice.code },
    message: { S: notice.message },
    recordedAt: { S: new Date(recordedAt).toISOString() },
    expiresAt: { N: String(Math.floor(expiresAt / 1000)) },
  };
}

/** The table's item for one snapshot deleted (or not) by retention. */
export function deletionItem(
  summary: { policy: string; scheduledAt: string },
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
      ...(summary.notices ?? []).map((notice) => ({
        PutRequest: { Item: noticeItem(summary, notice, now, expires) },
      })),
    ];
    const batches: WriteRequest[][] = [];
    for (let i = 0; i < requests.length; i += BATCH_SIZE) batches.push(requests.slice(i, i + BATCH_SIZE));
    await Promise.all([
      inPool(batches, BATCHES_IN_FLIGHT, (batch) => this.writeBatch(batch, signal)),
      inPool(summary.deletions, BATCHES_IN_FLIGHT, (deletion) =>
        this.recordDeletion(summary, deletion, signal),
      ),
    ]);
  }

  async recordDeletion(
    run: { policy: string; scheduledAt: string },
    deletion: DeletionResult,
    signal?: AbortSignal,
  ): Promise<void> {
    const now = this.options.clock.now();
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: deletionItem(run, deletion, now, now + this.retentionMs),
          // Overlapping runs: the one whose delete found the snapshot gone must not turn `deleted` into `failed`.
          ConditionExpression: 'attribute_not_exists(pk) OR outcome <> :deleted',
          ExpressionAttributeValues: { ':deleted': { S: 'deleted' } },
        }),
        { abortSignal: signal },
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return; // already recorded as deleted
      throw error;
    }
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

  async claimAlert(
    policy: string,
    scheduledAt: string,
    leaseUntil: number,
    signal?: AbortSignal,
    attempt = 0,
  ): Promise<AlertClaim> {
    const now = this.options.clock.now();
    const token = randomUUID();
    const key = { pk: { S: `alert#${policy}` }, sk: { S: scheduledAt } };
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            ...key,
            state: { S: 'pending' },
            token: { S: token },
            leaseUntil: { N: String(leaseUntil) },
            claimedAt: { S: new Date(now).toISOString() },
            expiresAt: { N: String(Math.floor((now + this.retentionMs) / 1000)) },
          },
          // Free, or held by a run that passed its lease without confirming (it crashed or timed out).
          ConditionExpression: 'attribute_not_exists(pk) OR (#state = :pending AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':pending': { S: 'pending' }, ':now': { N: String(now) } },
        }),
        { abortSignal: signal },
      );
      return { state: 'claimed', policy, scheduledAt, token };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const held = await this.client.send(
      new GetItemCommand({ TableName: this.table, Key: key, ConsistentRead: true }),
      { abortSignal: signal },
    );
    const item = held.Item;
    if (item?.state?.S === 'pending')
      return { state: 'in-progress', until: Number(item.leaseUntil?.N ?? now) };
    if (!item) {
      // Released between the two calls: claim again once; after that the caller pages anyway.
      if (attempt > 0) throw new Error(`the alert claim of ${policy} ${scheduledAt} keeps changing`);
      return this.claimAlert(policy, scheduledAt, leaseUntil, signal, attempt + 1);
    }
    return { state: 'sent' };
  }

  async confirmAlert(claim: Extract<AlertClaim, { state: 'claimed' }>, signal?: AbortSignal): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: { pk: { S: `alert#${claim.policy}` }, sk: { S: claim.scheduledAt } },
        UpdateExpression: 'SET #state = :sent, sentAt = :at REMOVE leaseUntil',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':sent': { S: 'sent' },
          ':at': { S: new Date(this.options.clock.now()).toISOString() },
        },
      }),
      { abortSignal: signal },
    );
  }

  async releaseAlert(claim: Extract<AlertClaim, { state: 'claimed' }>, signal?: AbortSignal): Promise<void> {
    try {
      await this.client.send(
        new DeleteItemCommand({
          TableName: this.table,
          Key: { pk: { S: `alert#${claim.policy}` }, sk: { S: claim.scheduledAt } },
          ConditionExpression: '#token = :token',
          ExpressionAttributeNames: { '#token': 'token' },
          ExpressionAttributeValues: { ':token': { S: claim.token } },
        }),
        { abortSignal: signal },
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return; // no longer ours to release
      throw error;
    }
  }
}

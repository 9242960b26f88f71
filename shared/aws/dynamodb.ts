/**
 * The results table: one item per cluster per slot and policy, kept for `retentionDays` (TTL), plus one
 * claim item per paged slot so that no slot pages twice and none loses its page.
 *
 * Keys: pk = `<region>#<cluster>`, sk = `<scheduledAt>#<policy>` (newest last, so "latest result of a
 * cluster" is one Query); retention deletions: pk = `<region>#<cluster>#deletions`,
 * sk = `<scheduledAt>#<policy>#<snapshotId>` (written as they happen, never downgraded from `deleted`);
 * notices: pk = `notice#<policy>`, sk = `<scheduledAt>#<region>`; alert claims: pk = `alert#<policy>`,
 * sk = `<scheduledAt>`, `state` = `pending` (with `token`, `leaseUntil` and the claim's `rank`) or `idle`,
 * and `sentRank`: the highest severity sent for the slot (1 warning, 2 error, 3 critical). Markers written
 * before claims had a state (`alertedAt`) count as sent.
 */
import { randomUUID } from 'node:crypto';
import {
  type AttributeValue,
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { inPool } from '../backup/pool.js';
import type {
  Alert,
  AlertClaim,
  Clock,
  ClusterResult,
  DeletionRecord,
  ResultStore,
  RunNotice,
  RunSummary,
} from '../backup/ports.js';

const BATCH_SIZE = 25;
/** A page of a higher severity may follow one already sent for the slot (a retry found worse). */
const SEVERITY_RANK: Record<Alert['severity'], number> = { warning: 1, error: 2, critical: 3 };

function alertKey(policy: string, scheduledAt: string): Record<string, AttributeValue> {
  return { pk: { S: `alert#${policy}` }, sk: { S: scheduledAt } };
}
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
  deletion: DeletionRecord,
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
    deletion: DeletionRecord,
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
    options: { severity?: Alert['severity']; signal?: AbortSignal } = {},
  ): Promise<AlertClaim> {
    const rank = SEVERITY_RANK[options.severity ?? 'warning'];
    for (let attempt = 0; ; attempt++) {
      const claimed = await this.tryClaim(policy, scheduledAt, leaseUntil, rank, options.signal);
      if (claimed) return claimed;
      const item = (
        await this.client.send(
          new GetItemCommand({
            TableName: this.table,
            Key: alertKey(policy, scheduledAt),
            ConsistentRead: true,
          }),
          { abortSignal: options.signal },
        )
      ).Item;
      // Markers written before claims had a state, and pages of this severity or higher, count as sent.
      if (item?.alertedAt || Number(item?.sentRank?.N ?? 0) >= rank) return { state: 'sent' };
      const until = Number(item?.leaseUntil?.N ?? 0);
      if (item?.state?.S === 'pending' && until >= this.options.clock.now())
        return { state: 'in-progress', until };
      // Released or expired between the two calls: claim again once; after that the caller pages anyway.
      if (attempt > 0) throw new Error(`the alert claim of ${policy} ${scheduledAt} keeps changing`);
    }
  }

  /** The conditional write of a claim; undefined when the condition failed. */
  private async tryClaim(
    policy: string,
    scheduledAt: string,
    leaseUntil: number,
    rank: number,
    signal?: AbortSignal,
  ): Promise<AlertClaim | undefined> {
    const now = this.options.clock.now();
    const token = randomUUID();
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: alertKey(policy, scheduledAt),
          UpdateExpression:
            'SET #state = :pending, #token = :token, leaseUntil = :until, #rank = :rank, claimedAt = :at, expiresAt = :expires',
          // Free; or nothing this severe sent yet and nobody holding it (a holder past its lease crashed).
          ConditionExpression:
            'attribute_not_exists(pk) OR (attribute_not_exists(alertedAt) AND ' +
            '(attribute_not_exists(sentRank) OR sentRank < :rank) AND (#state <> :pending OR leaseUntil < :now))',
          ExpressionAttributeNames: { '#state': 'state', '#token': 'token', '#rank': 'rank' },
          ExpressionAttributeValues: {
            ':pending': { S: 'pending' },
            ':token': { S: token },
            ':until': { N: String(leaseUntil) },
            ':rank': { N: String(rank) },
            ':now': { N: String(now) },
            ':at': { S: new Date(now).toISOString() },
            ':expires': { N: String(Math.floor((now + this.retentionMs) / 1000)) },
          },
        }),
        { abortSignal: signal },
      );
      return { state: 'claimed', policy, scheduledAt, token, rank, leaseUntil };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async confirmAlert(claim: Extract<AlertClaim, { state: 'claimed' }>, signal?: AbortSignal): Promise<void> {
    const key = alertKey(claim.policy, claim.scheduledAt);
    // A page went out: recorded whoever holds the claim now (never lowering a higher page's rank)…
    await this.conditional(
      new UpdateItemCommand({
        TableName: this.table,
        Key: key,
        UpdateExpression: 'SET sentRank = :rank, sentAt = :at',
        ConditionExpression: 'attribute_not_exists(sentRank) OR sentRank < :rank',
        ExpressionAttributeValues: {
          ':rank': { N: String(claim.rank) },
          ':at': { S: new Date(this.options.clock.now()).toISOString() },
        },
      }),
      signal,
    );
    // …and the claim is given up only if it is still this run's.
    await this.endClaim(claim, signal);
  }

  async releaseAlert(claim: Extract<AlertClaim, { state: 'claimed' }>, signal?: AbortSignal): Promise<void> {
    await this.endClaim(claim, signal);
  }

  private endClaim(claim: Extract<AlertClaim, { state: 'claimed' }>, signal?: AbortSignal): Promise<void> {
    return this.conditional(
      new UpdateItemCommand({
        TableName: this.table,
        Key: alertKey(claim.policy, claim.scheduledAt),
        UpdateExpression: 'SET #state = :idle REMOVE leaseUntil, #token',
        ConditionExpression: '#token = :token AND #state = :pending',
        ExpressionAttributeNames: { '#state': 'state', '#token': 'token' },
        ExpressionAttributeValues: {
          ':token': { S: claim.token },
          ':pending': { S: 'pending' },
          ':idle': { S: 'idle' },
        },
      }),
      signal,
    );
  }

  /** Sends a conditional write; a failed condition means someone else's state stands, which is fine. */
  private async conditional(command: UpdateItemCommand, signal?: AbortSignal): Promise<void> {
    try {
      await this.client.send(command, { abortSignal: signal });
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}

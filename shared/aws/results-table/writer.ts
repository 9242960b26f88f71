/**
 * What every writer of the results table shares: the client, the table, the clock and how long items are
 * kept (TTL), and conditional writes whose failed condition is an answer, not an error.
 */
import {
  type BatchWriteItemCommand,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  type PutItemCommand,
  type UpdateItemCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import type { Clock } from '../../backup/clock.js';
import { inPool } from '../../backup/pool.js';
import type { Item } from './codec.js';

const BATCH_SIZE = 25;
const MAX_BATCH_ROUNDS = 6;
/** BatchWriteItem calls in flight at once. */
export const BATCHES_IN_FLIGHT = 8;

/** Builds the BatchWriteItem of a batch: each adapter sends (and declares) its own. */
export type BatchPut = (requestItems: Record<string, WriteRequest[]>) => BatchWriteItemCommand;

export interface TableOptions {
  clock: Clock;
  /** How long items are kept before DynamoDB's TTL removes them. Default 400 days. */
  retentionDays?: number;
}

export abstract class TableWriter {
  /** How long items are kept, in ms. */
  protected readonly keepMs: number;

  constructor(
    protected readonly client: DynamoDBClient,
    protected readonly table: string,
    protected readonly options: TableOptions,
  ) {
    this.keepMs = (options.retentionDays ?? 400) * 86_400_000;
  }

  /**
   * Puts items unconditionally, 25 a call, BATCHES_IN_FLIGHT calls at once, retrying unprocessed items
   * with a growing pause; throws when some stay unprocessed.
   */
  protected async putAll(items: readonly Item[], batchPut: BatchPut, signal?: AbortSignal): Promise<void> {
    const batches: Item[][] = [];
    for (let i = 0; i < items.length; i += BATCH_SIZE) batches.push(items.slice(i, i + BATCH_SIZE));
    await inPool(batches, BATCHES_IN_FLIGHT, (batch) => this.putBatch(batch, batchPut, signal));
  }

  private async putBatch(batch: readonly Item[], batchPut: BatchPut, signal?: AbortSignal): Promise<void> {
    let pending: WriteRequest[] = batch.map((item) => ({ PutRequest: { Item: item } }));
    for (let round = 0; pending.length > 0; round++) {
      if (round === MAX_BATCH_ROUNDS) throw new Error(`${pending.length} item(s) stayed unprocessed`);
      if (round > 0) await this.options.clock.sleep(50 * 2 ** round, signal);
      const out = await this.client.send(batchPut({ [this.table]: pending }), { abortSignal: signal });
      pending = out.UnprocessedItems?.[this.table] ?? [];
    }
  }

  /** Sends a conditional write: true when it was made, false when its condition did not hold. */
  protected async conditional(
    command: PutItemCommand | UpdateItemCommand,
    signal?: AbortSignal,
  ): Promise<boolean> {
    try {
      await this.client.send(command as PutItemCommand, { abortSignal: signal });
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

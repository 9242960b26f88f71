/**
 * What every writer of the results table shares: the client, the table, the clock and how long items are
 * kept (TTL), and conditional writes whose failed condition is an answer, not an error.
 */
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  type PutItemCommand,
  type UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { Clock } from '../../backup/clock.js';

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

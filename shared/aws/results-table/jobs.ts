/**
 * The backup jobs in the results table (codec.ts: pk `job#<where>#<cluster>`, sk `<scheduledAt>#<policy>`).
 * Every write is conditional on what the writer saw, so two passes at once never double a job or a
 * transition; open jobs are listed through the sparse open-jobs index, never by scanning the table.
 */
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type BackupJob, canMove, type JobChange, OPEN_JOB_STATES } from '../../backup/jobs.js';
import type { JobStore } from '../../backup/ports.js';
import type { CallDeclarations } from '../permissions.js';
import { type Item, jobFromItem, jobItem, jobKey, OPEN_JOBS_INDEX } from './codec.js';
import { retentionMs, type TableOptions } from './runs.js';

/** The SET and REMOVE clauses and values of a transition. */
function transitionUpdate(change: JobChange): { update: string; values: Item } {
  const set = ['#state = :to'];
  const values: Item = { ':to': { S: change.state } };
  const optional: Array<[string, string | undefined]> = [
    ['startedAt', change.startedAt],
    ['completedAt', change.completedAt],
    ['errorCode', change.error?.code],
    ['errorMessage', change.error?.message],
  ];
  for (const [name, value] of optional) {
    if (value === undefined) continue;
    set.push(`${name} = :${name}`);
    values[`:${name}`] = { S: value };
  }
  // A finished job leaves the open-jobs index (a sparse index holds only items that have its keys).
  const closes = !OPEN_JOB_STATES.includes(change.state);
  return { update: `SET ${set.join(', ')}${closes ? ' REMOVE openPolicy, openSk' : ''}`, values };
}

/** The AWS calls of `DynamoJobStore`, per method (shared/aws/permissions.ts). */
export const JOB_STORE_CALLS = {
  put: {
    command: PutItemCommand,
    actions: ['dynamodb:PutItem'],
    resources: ['results-table'],
    why: 'open a backup job (conditional put: one per cluster and slot)',
  },
  listOpen: {
    command: QueryCommand,
    actions: ['dynamodb:Query'],
    resources: ['results-table-index'],
    why: 'the open jobs of a policy, from the open-jobs index (never a Scan)',
  },
  transition: {
    command: UpdateItemCommand,
    actions: ['dynamodb:UpdateItem'],
    resources: ['results-table'],
    why: 'move a job to its next state (conditional update)',
  },
} as const satisfies CallDeclarations;

export class DynamoJobStore implements JobStore {
  private readonly keepMs: number;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly options: TableOptions,
  ) {
    this.keepMs = retentionMs(options);
  }

  async put(job: BackupJob, signal?: AbortSignal): Promise<boolean> {
    if (!OPEN_JOB_STATES.includes(job.state))
      throw new Error(`a new job starts pending or creating, not ${job.state} (${job.snapshotId})`);
    const now = this.options.clock.now();
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: jobItem(job, now, now + this.keepMs),
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

  async listOpen(policy: string, signal?: AbortSignal): Promise<BackupJob[]> {
    const jobs: BackupJob[] = [];
    let startKey: Item | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: OPEN_JOBS_INDEX,
          KeyConditionExpression: 'openPolicy = :policy',
          ExpressionAttributeValues: { ':policy': { S: policy } },
          ExclusiveStartKey: startKey,
        }),
        { abortSignal: signal },
      );
      for (const item of out.Items ?? []) {
        const job = jobFromItem(item);
        // The index is eventually consistent: a job finished a moment ago may still be listed.
        if (job && OPEN_JOB_STATES.includes(job.state)) jobs.push(job);
      }
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return jobs;
  }

  async transition(job: BackupJob, change: JobChange, signal?: AbortSignal): Promise<boolean> {
    if (!canMove(job.state, change.state))
      throw new Error(`job ${job.snapshotId} cannot move from ${job.state} to ${change.state}`);
    const { update, values } = transitionUpdate(change);
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: jobKey(job),
          UpdateExpression: update,
          ConditionExpression: '#state = :from',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ...values, ':from': { S: job.state } },
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

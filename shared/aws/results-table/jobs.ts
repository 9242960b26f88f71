/**
 * The backup jobs in the results table (codec.ts: pk `job#<where>#<cluster>`, sk `<scheduledAt>#<policy>`).
 * Every write is conditional on what the writer saw, so two passes at once never double a job or a
 * transition or a page; followed jobs (open, or failed and not yet paged) are listed through the sparse
 * open-jobs index, never by scanning the table.
 */
import {
  BatchWriteItemCommand,
  DeleteItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { JobStore } from '../../backup/ports.js';
import { type BackupJob, canMove, type JobChange, OPEN_JOB_STATES } from '../../planning/jobs.js';
import type { CallDeclarations } from '../permissions.js';
import {
  type Item,
  JOB_POLICIES_PK,
  jobFromItem,
  jobItem,
  jobKey,
  OPEN_JOBS_INDEX,
  policyNoteKey,
  stamps,
} from './codec.js';
import { claimPageRequest, confirmPageRequest, releasePageRequest } from './page-claims.js';
import { TableWriter } from './writer.js';

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
  // An available job leaves the open-jobs index (a sparse index holds only items that have its keys); a
  // failed one stays in it until its page is confirmed, so no failure goes unpaged.
  const done = change.state === 'available';
  return { update: `SET ${set.join(', ')}${done ? ' REMOVE openPolicy, openSk' : ''}`, values };
}

/** The AWS calls of `DynamoJobStore`, per method (shared/aws/permissions.ts). */
export const JOB_STORE_CALLS = {
  put: {
    command: PutItemCommand,
    actions: ['dynamodb:PutItem'],
    resources: ['results-table'],
    why: 'open a backup job (conditional put: one per cluster and slot)',
  },
  record: {
    command: BatchWriteItemCommand,
    actions: ['dynamodb:BatchWriteItem'],
    resources: ['results-table'],
    why: 'write the jobs of snapshots the run itself created, 25 a call',
  },
  remember: {
    command: PutItemCommand,
    actions: ['dynamodb:PutItem'],
    resources: ['results-table'],
    why: 'note that a policy has jobs (found by a pass even after the policy is removed)',
  },
  listPolicies: {
    command: QueryCommand,
    actions: ['dynamodb:Query'],
    resources: ['results-table'],
    why: 'the policies with jobs, including ones no longer in the file',
  },
  forget: {
    command: DeleteItemCommand,
    actions: ['dynamodb:DeleteItem'],
    resources: ['results-table'],
    why: 'drop the note of a removed policy with no job left',
  },
  listFollowed: {
    command: QueryCommand,
    actions: ['dynamodb:Query'],
    resources: ['results-table-index'],
    why: 'the jobs of a policy still followed, from the open-jobs index (never a Scan)',
  },
  transition: {
    command: UpdateItemCommand,
    actions: ['dynamodb:UpdateItem'],
    resources: ['results-table'],
    why: 'move a job to its next state (conditional update)',
  },
  claimPage: {
    command: UpdateItemCommand,
    actions: ['dynamodb:UpdateItem'],
    resources: ['results-table'],
    why: "claim a failed job's page (conditional update)",
  },
  confirmPage: {
    command: UpdateItemCommand,
    actions: ['dynamodb:UpdateItem'],
    resources: ['results-table'],
    why: "record that a failed job's page went out (conditional on the claim)",
  },
  releasePage: {
    command: UpdateItemCommand,
    actions: ['dynamodb:UpdateItem'],
    resources: ['results-table'],
    why: 'give a page claim back when the page could not be sent (conditional on the claim)',
  },
} as const satisfies CallDeclarations;

export class DynamoJobStore extends TableWriter implements JobStore {
  async put(job: BackupJob, signal?: AbortSignal): Promise<boolean> {
    if (!OPEN_JOB_STATES.includes(job.state))
      throw new Error(`a new job starts pending or creating, not ${job.state} (${job.snapshotId})`);
    const now = this.options.clock.now();
    return this.conditional(
      new PutItemCommand({
        TableName: this.table,
        Item: jobItem(job, now, now + this.keepMs),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
      signal,
    );
  }

  async record(jobs: readonly BackupJob[], signal?: AbortSignal): Promise<void> {
    const now = this.options.clock.now();
    const items = jobs.map((job) => {
      if (!OPEN_JOB_STATES.includes(job.state))
        throw new Error(`a new job starts pending or creating, not ${job.state} (${job.snapshotId})`);
      return jobItem(job, now, now + this.keepMs);
    });
    await this.putAll(items, (RequestItems) => new BatchWriteItemCommand({ RequestItems }), signal);
  }

  async remember(policy: string, signal?: AbortSignal): Promise<void> {
    const now = this.options.clock.now();
    await this.client.send(
      new PutItemCommand({
        TableName: this.table,
        Item: { ...policyNoteKey(policy), policy: { S: policy }, ...stamps(now, now + this.keepMs) },
      }),
      { abortSignal: signal },
    );
  }

  async listPolicies(signal?: AbortSignal): Promise<string[]> {
    const policies: string[] = [];
    let startKey: Item | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: JOB_POLICIES_PK } },
          ExclusiveStartKey: startKey,
        }),
        { abortSignal: signal },
      );
      for (const item of out.Items ?? []) if (item.policy?.S) policies.push(item.policy.S);
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return policies;
  }

  async forget(policy: string, signal?: AbortSignal): Promise<void> {
    await this.client.send(new DeleteItemCommand({ TableName: this.table, Key: policyNoteKey(policy) }), {
      abortSignal: signal,
    });
  }

  async listFollowed(policy: string, signal?: AbortSignal): Promise<BackupJob[]> {
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
        if (job && job.state !== 'available') jobs.push(job);
      }
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return jobs;
  }

  async transition(job: BackupJob, change: JobChange, signal?: AbortSignal): Promise<boolean> {
    if (!canMove(job.state, change.state))
      throw new Error(`job ${job.snapshotId} cannot move from ${job.state} to ${change.state}`);
    const { update, values } = transitionUpdate(change);
    return this.conditional(
      new UpdateItemCommand({
        TableName: this.table,
        Key: jobKey(job),
        UpdateExpression: update,
        ConditionExpression: '#state = :from',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ...values, ':from': { S: job.state } },
      }),
      signal,
    );
  }

  claimPage(job: BackupJob, token: string, leaseUntil: number, signal?: AbortSignal): Promise<boolean> {
    const now = this.options.clock.now();
    return this.conditional(
      new UpdateItemCommand(claimPageRequest(this.table, jobKey(job), token, leaseUntil, now)),
      signal,
    );
  }

  async confirmPage(job: BackupJob, token: string, signal?: AbortSignal): Promise<void> {
    const now = this.options.clock.now();
    await this.conditional(
      new UpdateItemCommand(confirmPageRequest(this.table, jobKey(job), token, now)),
      signal,
    );
  }

  async releasePage(job: BackupJob, token: string, signal?: AbortSignal): Promise<void> {
    await this.conditional(new UpdateItemCommand(releasePageRequest(this.table, jobKey(job), token)), signal);
  }
}

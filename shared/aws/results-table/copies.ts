/**
 * The disaster-recovery copy jobs in the results table (copy-codec.ts). Opening is a conditional put per
 * job (a pass that opens them again changes nothing); moves are conditional on the state and hop read;
 * the page claims are the backup jobs' (page-claims.ts).
 */
import { PutItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { inPool } from '../../backup/pool.js';
import type { CopyJobStore } from '../../backup/ports.js';
import { type CopyChange, type CopyJob, canMoveCopy } from '../../planning/copies.js';
import type { CallDeclarations } from '../permissions.js';
import { type Item, OPEN_JOBS_INDEX } from './codec.js';
import { copyJobFromItem, copyJobItem, copyJobKey, openCopiesOf } from './copy-codec.js';
import { claimPageRequest, confirmPageRequest, releasePageRequest } from './page-claims.js';
import { TableWriter } from './writer.js';

/** The AWS calls of `DynamoCopyJobStore`, per method (shared/aws/permissions.ts). */
export const COPY_JOB_STORE_CALLS = {
  open: {
    command: PutItemCommand,
    actions: ['dynamodb:PutItem'],
    resources: ['results-table'],
    why: 'open the copy jobs of a completed backup (conditional put: one per destination)',
  },
  listFollowed: {
    command: QueryCommand,
    actions: ['dynamodb:Query'],
    resources: ['results-table-index'],
    why: 'the copy jobs of a policy still followed, from the open-jobs index (never a Scan)',
  },
  transition: {
    command: UpdateItemCommand,
    actions: ['dynamodb:UpdateItem'],
    resources: ['results-table'],
    why: 'move a copy job to its next state or hop (conditional update)',
  },
  claimPage: {
    command: UpdateItemCommand,
    actions: ['dynamodb:UpdateItem'],
    resources: ['results-table'],
    why: "claim a failed copy's page (conditional update)",
  },
  confirmPage: {
    command: UpdateItemCommand,
    actions: ['dynamodb:UpdateItem'],
    resources: ['results-table'],
    why: "record that a failed copy's page went out",
  },
  releasePage: {
    command: UpdateItemCommand,
    actions: ['dynamodb:UpdateItem'],
    resources: ['results-table'],
    why: 'give a copy page claim back when the page could not be sent',
  },
} as const satisfies CallDeclarations;

/** The SET clause and values of a copy move; a copy available leaves the open-jobs index. */
function copyUpdate(change: CopyChange): { update: string; values: Item } {
  const set = ['#state = :to'];
  const values: Item = { ':to': { S: change.state } };
  const optional: Array<[string, Item[string] | undefined]> = [
    ['step', change.step === undefined ? undefined : { N: String(change.step) }],
    ['startedAt', change.startedAt === undefined ? undefined : { S: change.startedAt }],
    ['completedAt', change.completedAt === undefined ? undefined : { S: change.completedAt }],
    ['sourceArn', change.sourceArn === undefined ? undefined : { S: change.sourceArn }],
    ['encrypted', change.encrypted === undefined ? undefined : { BOOL: change.encrypted }],
    ['errorCode', change.error ? { S: change.error.code } : undefined],
    ['errorMessage', change.error ? { S: change.error.message } : undefined],
  ];
  for (const [name, value] of optional) {
    if (value === undefined) continue;
    set.push(`${name} = :${name}`);
    values[`:${name}`] = value;
  }
  const done = change.state === 'available';
  return { update: `SET ${set.join(', ')}${done ? ' REMOVE openPolicy, openSk' : ''}`, values };
}

export class DynamoCopyJobStore extends TableWriter implements CopyJobStore {
  async open(jobs: readonly CopyJob[], signal?: AbortSignal): Promise<void> {
    const now = this.options.clock.now();
    await inPool(jobs, 8, (job) =>
      this.conditional(
        new PutItemCommand({
          TableName: this.table,
          Item: copyJobItem(job, now, now + this.keepMs),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
        signal,
      ),
    );
  }

  async listFollowed(policy: string, signal?: AbortSignal): Promise<CopyJob[]> {
    const jobs: CopyJob[] = [];
    let startKey: Item | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: OPEN_JOBS_INDEX,
          KeyConditionExpression: 'openPolicy = :policy',
          ExpressionAttributeValues: { ':policy': { S: openCopiesOf(policy) } },
          ExclusiveStartKey: startKey,
        }),
        { abortSignal: signal },
      );
      for (const item of out.Items ?? []) {
        const job = copyJobFromItem(item);
        // The index is eventually consistent: a copy finished a moment ago may still be listed.
        if (job && job.state !== 'available') jobs.push(job);
      }
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return jobs;
  }

  async transition(job: CopyJob, change: CopyChange, signal?: AbortSignal): Promise<boolean> {
    if (!canMoveCopy(job.state, change.state))
      throw new Error(`copy job ${job.snapshotId} cannot move from ${job.state} to ${change.state}`);
    const { update, values } = copyUpdate(change);
    return this.conditional(
      new UpdateItemCommand({
        TableName: this.table,
        Key: copyJobKey(job),
        UpdateExpression: update,
        ConditionExpression: '#state = :from AND step = :fromStep',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ...values,
          ':from': { S: job.state },
          ':fromStep': { N: String(job.step) },
        },
      }),
      signal,
    );
  }

  claimPage(job: CopyJob, token: string, leaseUntil: number, signal?: AbortSignal): Promise<boolean> {
    const now = this.options.clock.now();
    return this.conditional(
      new UpdateItemCommand(claimPageRequest(this.table, copyJobKey(job), token, leaseUntil, now)),
      signal,
    );
  }

  async confirmPage(job: CopyJob, token: string, signal?: AbortSignal): Promise<void> {
    const now = this.options.clock.now();
    await this.conditional(
      new UpdateItemCommand(confirmPageRequest(this.table, copyJobKey(job), token, now)),
      signal,
    );
  }

  async releasePage(job: CopyJob, token: string, signal?: AbortSignal): Promise<void> {
    await this.conditional(
      new UpdateItemCommand(releasePageRequest(this.table, copyJobKey(job), token)),
      signal,
    );
  }
}

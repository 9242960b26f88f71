/**
 * The results table's keys and items, both ways: what the writers put and what the readers (the CLI's
 * `status`, the reconciler) get back. One table, kept for `retentionDays` by TTL (`expiresAt`):
 *
 * | item | pk | sk |
 * | --- | --- | --- |
 * | cluster result | `<where>#<cluster>` | `<scheduledAt>#<policy>` |
 * | retention deletion | `<where>#<cluster>#deletions` | `<scheduledAt>#<policy>#<snapshotId>` |
 * | notice | `notice#<policy>` | `<scheduledAt>#<region>` |
 * | page claim | `alert#<policy>` | `<scheduledAt>` |
 * | backup job | `job#<where>#<cluster>` | `<scheduledAt>#<policy>` |
 * | policy with jobs | `job-policies` | `<policy>` |
 *
 * `<where>` is the Region for the service's own account and `<account>/<region>` for another
 * (location.ts), so the own account's keys are those written before accounts existed. A cluster result's
 * newest item is one Query (newest last). Open jobs carry `openPolicy` and `openSk`, the keys of the
 * sparse index OPEN_JOBS_INDEX, and lose them when they finish: open jobs are found without a scan.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { locationKey } from '../../backup/location.js';
import type {
  ClusterResult,
  DeletionRecord,
  Failure,
  FailureCode,
  Outcome,
  RunNotice,
  RunSummary,
} from '../../backup/results.js';
import type { BackupJob, JobState } from '../../planning/jobs.js';

export type Item = Record<string, AttributeValue>;

/** The sparse global secondary index of open jobs: hash `openPolicy`, range `openSk`. */
export const OPEN_JOBS_INDEX = 'open-jobs';

/**
 * The table's keys and index, as CreateTable takes them: serverless.yml declares the same (a deploy
 * test compares them) and the local emulator creates the table from this.
 */
export const RESULTS_TABLE_KEYS = {
  AttributeDefinitions: ['pk', 'sk', 'openPolicy', 'openSk'].map((name) => ({
    AttributeName: name,
    AttributeType: 'S' as const,
  })),
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' as const },
    { AttributeName: 'sk', KeyType: 'RANGE' as const },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: OPEN_JOBS_INDEX,
      KeySchema: [
        { AttributeName: 'openPolicy', KeyType: 'HASH' as const },
        { AttributeName: 'openSk', KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    },
  ],
};

/** Where an item's cluster lives, as its key writes it. */
function where(at: { region: string; account?: string }): string {
  return locationKey({ region: at.region, account: at.account });
}

/** The partition of a cluster's results (`region` may be `*`: an explicit id found in no Region). */
export function resultPk(at: { region: string; account?: string; clusterId: string }): string {
  return `${where(at)}#${at.clusterId}`;
}

export function alertKey(policy: string, scheduledAt: string): Item {
  return { pk: { S: `alert#${policy}` }, sk: { S: scheduledAt } };
}

/** The partition of the notes of policies with jobs (one item per policy). */
export const JOB_POLICIES_PK = 'job-policies';

/** The note that `policy` has jobs. */
export function policyNoteKey(policy: string): Item {
  return { pk: { S: JOB_POLICIES_PK }, sk: { S: policy } };
}

/** The partition of a cluster's jobs: every slot and policy, newest last. */
export function jobPk(at: { region: string; account?: string; clusterId: string }): string {
  return `job#${where(at)}#${at.clusterId}`;
}

export function jobKey(
  job: Pick<BackupJob, 'region' | 'account' | 'clusterId' | 'policy' | 'scheduledAt'>,
): Item {
  return { pk: { S: jobPk(job) }, sk: { S: `${job.scheduledAt}#${job.policy}` } };
}

/** The open-jobs index keys of a job while it is open. */
export function openJobKeys(job: BackupJob): Item {
  return {
    openPolicy: { S: job.policy },
    openSk: { S: `${job.scheduledAt}#${where(job)}#${job.clusterId}` },
  };
}

/** Time stamps every item carries: when it was written, and when TTL removes it (epoch seconds). */
export function stamps(recordedAt: number, expiresAt: number): Item {
  return {
    recordedAt: { S: new Date(recordedAt).toISOString() },
    expiresAt: { N: String(Math.floor(expiresAt / 1000)) },
  };
}

function accountAttribute(account: string | undefined): Item {
  return account === undefined ? {} : { account: { S: account } };
}

function errorAttributes(error: Failure | undefined): Item {
  return error ? { errorCode: { S: error.code }, errorMessage: { S: error.message } } : {};
}

/** The table's item for one cluster result. */
export function resultItem(
  summary: RunSummary,
  result: ClusterResult,
  recordedAt: number,
  expiresAt: number,
): Item {
  return {
    pk: { S: resultPk(result) },
    sk: { S: `${summary.scheduledAt}#${summary.policy}` },
    policy: { S: summary.policy },
    scheduledAt: { S: summary.scheduledAt },
    region: { S: result.region },
    ...accountAttribute(result.account),
    clusterId: { S: result.clusterId },
    outcome: { S: result.outcome },
    attempts: { N: String(result.attempts) },
    durationMs: { N: String(result.durationMs) },
    ...stamps(recordedAt, expiresAt),
    ...(result.snapshotId ? { snapshotId: { S: result.snapshotId } } : {}),
    ...errorAttributes(result.error),
  };
}

/** The table's item for one notice of a run (a Region whose selection matched nothing). */
export function noticeItem(
  summary: RunSummary,
  notice: RunNotice,
  recordedAt: number,
  expiresAt: number,
): Item {
  return {
    pk: { S: `notice#${summary.policy}` },
    sk: { S: `${summary.scheduledAt}#${notice.region}` },
    policy: { S: summary.policy },
    scheduledAt: { S: summary.scheduledAt },
    region: { S: notice.region },
    code: { S: notice.code },
    message: { S: notice.message },
    ...stamps(recordedAt, expiresAt),
  };
}

/** The table's item for one snapshot deleted (or not) by retention. */
export function deletionItem(
  run: { policy: string; scheduledAt: string },
  deletion: DeletionRecord,
  recordedAt: number,
  expiresAt: number,
): Item {
  return {
    pk: { S: `${resultPk(deletion)}#deletions` },
    sk: { S: `${run.scheduledAt}#${run.policy}#${deletion.snapshotId}` },
    policy: { S: run.policy },
    scheduledAt: { S: run.scheduledAt },
    region: { S: deletion.region },
    ...accountAttribute(deletion.account),
    clusterId: { S: deletion.clusterId },
    snapshotId: { S: deletion.snapshotId },
    outcome: { S: deletion.outcome },
    reason: { S: deletion.reason },
    ...stamps(recordedAt, expiresAt),
    ...errorAttributes(deletion.error),
  };
}

/** The table's item for a new job (open, so in the open-jobs index). */
export function jobItem(job: BackupJob, recordedAt: number, expiresAt: number): Item {
  return {
    ...jobKey(job),
    ...openJobKeys(job),
    policy: { S: job.policy },
    scheduledAt: { S: job.scheduledAt },
    region: { S: job.region },
    ...accountAttribute(job.account),
    clusterId: { S: job.clusterId },
    snapshotId: { S: job.snapshotId },
    state: { S: job.state },
    requestedAt: { S: job.requestedAt },
    ...(job.startedAt ? { startedAt: { S: job.startedAt } } : {}),
    ...(job.completedAt ? { completedAt: { S: job.completedAt } } : {}),
    ...stamps(recordedAt, expiresAt),
    ...errorAttributes(job.error),
  };
}

function text(item: Item, key: string): string | undefined {
  return item[key]?.S;
}

function errorOf(item: Item): Failure | undefined {
  const code = text(item, 'errorCode');
  return code ? { code: code as FailureCode, message: text(item, 'errorMessage') ?? '' } : undefined;
}

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

/**
 * Turns a table item back into a cluster result; undefined for an item that is not one.
 * @example resultFromItem({ pk: { S: 'us-east-1#orders' }, sk: { S: '2026-11-28T03:00:00.000Z#nightly' }, … })
 */
export function resultFromItem(item: Item): RecordedResult | undefined {
  const policy = text(item, 'policy');
  const scheduledAt = text(item, 'scheduledAt');
  const outcome = text(item, 'outcome');
  if (!policy || !scheduledAt || !outcome) return undefined;
  return {
    policy,
    scheduledAt,
    region: text(item, 'region') ?? '',
    clusterId: text(item, 'clusterId') ?? '',
    outcome: outcome as Outcome,
    snapshotId: text(item, 'snapshotId') ?? null,
    attempts: Number(item.attempts?.N ?? 0),
    error: errorOf(item) ?? null,
    recordedAt: text(item, 'recordedAt') ?? null,
  };
}

const JOB_STATES: ReadonlySet<string> = new Set<JobState>(['pending', 'creating', 'available', 'failed']);

/**
 * Turns a table item back into a job; undefined for an item that is not a job.
 * @example jobFromItem(jobItem(job, now, expires)) // job
 */
export function jobFromItem(item: Item): BackupJob | undefined {
  const [policy, scheduledAt, region, clusterId, snapshotId, state, requestedAt] = [
    'policy',
    'scheduledAt',
    'region',
    'clusterId',
    'snapshotId',
    'state',
    'requestedAt',
  ].map((key) => text(item, key));
  if (!policy || !scheduledAt || !region || !clusterId || !snapshotId || !requestedAt) return undefined;
  if (!state || !JOB_STATES.has(state)) return undefined;
  const job: BackupJob = {
    policy,
    scheduledAt,
    region,
    clusterId,
    snapshotId,
    state: state as JobState,
    requestedAt,
  };
  const account = text(item, 'account');
  if (account !== undefined) job.account = account;
  const startedAt = text(item, 'startedAt');
  if (startedAt !== undefined) job.startedAt = startedAt;
  const completedAt = text(item, 'completedAt');
  if (completedAt !== undefined) job.completedAt = completedAt;
  const error = errorOf(item);
  if (error) job.error = error;
  return job;
}

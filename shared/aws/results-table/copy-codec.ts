/**
 * Copy jobs in the results table, both ways (codec.ts has the other items):
 *
 * | item | pk | sk |
 * | --- | --- | --- |
 * | copy job | `copy#<source where>#<cluster>` | `<scheduledAt>#<policy>#<destination where>` |
 *
 * A cluster's copies, every destination, are one Query (newest slot last): what `status` shows. Open
 * copy jobs (and failed ones not paged yet) carry the open-jobs index keys under `copy#<policy>`, so a
 * pass lists a policy's copies without a scan and apart from its backup jobs.
 */
import { locationKey } from '../../backup/location.js';
import type { FailureCode } from '../../backup/results.js';
import type { CopyJob, CopyState } from '../../planning/copies.js';
import { type Item, stamps } from './codec.js';

/** The open-jobs index partition of a policy's copy jobs. */
export function openCopiesOf(policy: string): string {
  return `copy#${policy}`;
}

/** The partition of a cluster's copies. */
export function copyPk(source: { region: string; account?: string }, clusterId: string): string {
  return `copy#${locationKey(source)}#${clusterId}`;
}

export function copyJobKey(
  job: Pick<CopyJob, 'source' | 'clusterId' | 'scheduledAt' | 'policy' | 'destination'>,
): Item {
  return {
    pk: { S: copyPk(job.source, job.clusterId) },
    sk: { S: `${job.scheduledAt}#${job.policy}#${locationKey(job.destination)}` },
  };
}

/** The open-jobs index keys of a copy job while it is followed. */
export function openCopyKeys(job: CopyJob): Item {
  return {
    openPolicy: { S: openCopiesOf(job.policy) },
    openSk: {
      S: `${job.scheduledAt}#${locationKey(job.source)}#${job.clusterId}#${locationKey(job.destination)}`,
    },
  };
}

function place(prefix: string, at: { region: string; account?: string }): Item {
  return {
    [`${prefix}Region`]: { S: at.region },
    ...(at.account === undefined ? {} : { [`${prefix}Account`]: { S: at.account } }),
  };
}

/** The item of a new copy job (followed, so in the open-jobs index). */
export function copyJobItem(job: CopyJob, recordedAt: number, expiresAt: number): Item {
  const optional: Item = {};
  for (const key of ['startedAt', 'completedAt', 'sourceArn'] as const) {
    const value = job[key];
    if (value !== undefined) optional[key] = { S: value };
  }
  if (job.encrypted !== undefined) optional.encrypted = { BOOL: job.encrypted };
  if (job.error) {
    optional.errorCode = { S: job.error.code };
    optional.errorMessage = { S: job.error.message };
  }
  return {
    ...copyJobKey(job),
    ...openCopyKeys(job),
    kind: { S: 'copy' },
    policy: { S: job.policy },
    scheduledAt: { S: job.scheduledAt },
    clusterId: { S: job.clusterId },
    snapshotId: { S: job.snapshotId },
    ...place('source', job.source),
    ...place('destination', job.destination),
    state: { S: job.state },
    step: { N: String(job.step) },
    requestedAt: { S: job.requestedAt },
    ...optional,
    ...stamps(recordedAt, expiresAt),
  };
}

const COPY_STATES: ReadonlySet<string> = new Set<CopyState>(['waiting', 'copying', 'available', 'failed']);

function placeOf(item: Item, prefix: string): { region: string; account?: string } | undefined {
  const region = item[`${prefix}Region`]?.S;
  if (!region) return undefined;
  const account = item[`${prefix}Account`]?.S;
  return account === undefined ? { region } : { region, account };
}

/**
 * A table item back as a copy job; undefined for an item that is not one.
 * @example copyJobFromItem(copyJobItem(job, now, expires)) // job
 */
export function copyJobFromItem(item: Item): CopyJob | undefined {
  const text = (key: string) => item[key]?.S;
  const [policy, scheduledAt, clusterId, snapshotId, state, requestedAt] = [
    'policy',
    'scheduledAt',
    'clusterId',
    'snapshotId',
    'state',
    'requestedAt',
  ].map(text);
  const source = placeOf(item, 'source');
  const destination = placeOf(item, 'destination');
  if (text('kind') !== 'copy' || !policy || !scheduledAt || !clusterId || !snapshotId || !requestedAt)
    return undefined;
  if (!source || !destination || !state || !COPY_STATES.has(state)) return undefined;
  const job: CopyJob = {
    policy,
    scheduledAt,
    clusterId,
    source,
    snapshotId,
    destination,
    state: state as CopyState,
    step: Number(item.step?.N ?? 0),
    requestedAt,
  };
  for (const key of ['startedAt', 'completedAt', 'sourceArn'] as const) {
    const value = text(key);
    if (value !== undefined) job[key] = value;
  }
  if (item.encrypted?.BOOL !== undefined) job.encrypted = item.encrypted.BOOL;
  const code = text('errorCode');
  if (code) job.error = { code: code as FailureCode, message: text('errorMessage') ?? '' };
  return job;
}

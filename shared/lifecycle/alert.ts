/**
 * The page of a reconcile pass for one policy: every job of the policy that failed after its run (its
 * snapshot failed or vanished, a window closed) and was not paged yet, each with its cluster, snapshot and
 * slot, what to do next and the command that takes the slot again.
 */
import {
  fitList,
  MAX_SUBJECT,
  PAGE_DETAILS_MAX,
  PAGE_LIST_BUDGET,
  rerunCommand,
  truncate,
} from '../backup/alert.js';
import { NEXT_STEP } from '../backup/failures.js';
import { describeLocation, locationOf } from '../backup/location.js';
import type { Alert } from '../backup/ports.js';
import type { FailureCode } from '../planning/failure.js';
import type { BackupJob } from '../planning/jobs.js';

function jobLine(job: BackupJob): string {
  const why = job.error ? `${job.error.code} — ${job.error.message}` : 'failed';
  return `- ${describeLocation(locationOf(job))} ${job.clusterId}: snapshot ${job.snapshotId} (slot ${job.scheduledAt}): ${why}`;
}

/**
 * The page for a policy's failed jobs; `critical` when a snapshot could not start for the quota.
 * @example composeJobAlert('nightly', [failedJob]).subject // '[docdb-backup] ERROR nightly: 1 backup failed after its run (orders)'
 */
export function composeJobAlert(policy: string, failed: readonly BackupJob[]): Alert {
  const clusters = [...new Set(failed.map((j) => j.clusterId))];
  const count = failed.length === 1 ? '1 backup' : `${failed.length} backups`;
  const quota = failed.some((j) => j.error?.code === 'quota-exceeded');
  const subject = truncate(
    `[docdb-backup] ${quota ? 'CRITICAL' : 'ERROR'} ${policy}: ${count} failed after the run (${clusters.join(', ')})`,
    MAX_SUBJECT,
  );
  const codes = [...new Set(failed.map((j) => j.error?.code ?? ('aws-error' as FailureCode)))];
  // A slot whose snapshot failed or vanished cannot be taken again under its id: those get a new backup now.
  const retakable = failed.filter((j) => j.error?.code !== 'snapshot-failed');
  const slots = [...new Set(retakable.map((j) => j.scheduledAt))].sort();
  const anew = retakable.length < failed.length;
  const lines = [
    `docdb-backup policy "${policy}": ${count} followed after the run will not be restorable.`,
    '',
    'What happened:',
    ...fitList(
      failed.map(jobLine),
      PAGE_LIST_BUDGET,
      (left) => `- …and ${left} more: npx docdb-backup status --policy ${policy}`,
    ),
    '',
    'What to do next:',
    ...codes.map((code) => `- ${code}: ${NEXT_STEP[code]}`),
    ...slots.map((slot) => `- Then take the slot again: ${rerunCommand(policy, slot)}`),
    ...(anew ? [`- Then take a new backup now: npx docdb-backup run --policy ${policy}`] : []),
    '',
    'Details (JSON):',
    JSON.stringify(
      { policy, failedCount: failed.length, failed: failed.slice(0, PAGE_DETAILS_MAX) },
      null,
      2,
    ),
  ];
  return { policy, severity: quota ? 'critical' : 'error', subject, body: lines.join('\n') };
}

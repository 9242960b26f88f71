/**
 * The page of a reconcile pass for one policy's failed copies: each with its cluster, snapshot, slot and
 * destination, what to do next. Separate from the backup page: the backup itself is fine, its copy is not.
 */
import { fitList, MAX_SUBJECT, PAGE_DETAILS_MAX, PAGE_LIST_BUDGET, truncate } from '../backup/alert.js';
import { NEXT_STEP } from '../backup/failures.js';
import { describeLocation } from '../backup/location.js';
import type { Alert } from '../backup/ports.js';
import type { CopyJob } from '../planning/copies.js';
import type { FailureCode } from '../planning/failure.js';

function copyLine(job: CopyJob): string {
  const why = job.error ? `${job.error.code} — ${job.error.message}` : 'failed';
  return `- ${job.clusterId}: snapshot ${job.snapshotId} (slot ${job.scheduledAt}) from ${describeLocation(job.source)} to ${describeLocation(job.destination)}: ${why}`;
}

/**
 * The page for a policy's failed copies; `critical` when a destination's snapshot quota is used up.
 * @example composeCopyAlert('nightly', [failedCopy]).subject // '[docdb-backup] ERROR nightly: 1 copy failed (orders → us-west-2)'
 */
export function composeCopyAlert(policy: string, failed: readonly CopyJob[]): Alert {
  const where = [...new Set(failed.map((j) => `${j.clusterId} → ${describeLocation(j.destination)}`))];
  const count = failed.length === 1 ? '1 copy' : `${failed.length} copies`;
  const quota = failed.some((j) => j.error?.code === 'quota-exceeded');
  const subject = truncate(
    `[docdb-backup] ${quota ? 'CRITICAL' : 'ERROR'} ${policy}: ${count} failed (${where.join(', ')})`,
    MAX_SUBJECT,
  );
  const codes = [...new Set(failed.map((j) => j.error?.code ?? ('aws-error' as FailureCode)))];
  const lines = [
    `docdb-backup policy "${policy}": ${count} of available backups did not reach their disaster-recovery destination. The backups themselves are restorable where they were taken.`,
    '',
    'What happened:',
    ...fitList(
      failed.map(copyLine),
      PAGE_LIST_BUDGET,
      (left) => `- …and ${left} more: npx docdb-backup status --policy ${policy}`,
    ),
    '',
    'What to do next:',
    ...codes.map((code) => `- ${code}: ${NEXT_STEP[code]}`),
    '- The next slot is copied as usual once the cause is fixed.',
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

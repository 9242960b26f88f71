/**
 * The one page a run may send: composed from the run's results, readable by a person on call, with a JSON
 * block for tooling. Pure: no AWS here.
 */
import { hasSnapshotIdShape } from '../planning/naming.js';
import { type FailureCode, NEXT_STEP } from './failures.js';
import type { Alert, ClusterResult, ManualSnapshot, RunSummary } from './ports.js';

/** Who holds the manual snapshot slots of a Region where the quota was hit. */
export interface QuotaReport {
  region: string;
  used: number;
  quota: number;
  holders: { holder: string; count: number }[];
}

/** A policy's snapshot prefix, to tell whose snapshots fill the quota. */
export interface PrefixOwner {
  policy: string;
  prefix: string;
}

const MAX_SUBJECT = 99;

/** Results that need a person: failures and clusters the run could not reach. */
export function needsAttention(result: ClusterResult): boolean {
  return result.outcome === 'failed' || result.outcome === 'skipped';
}

/**
 * Groups a Region's manual snapshots by holder: each docdb-backup policy (by prefix), and everyone else.
 * @example quotaReport('us-east-1', 100, snapshots, [{ policy: 'nightly', prefix: 'nightly' }])
 */
export function quotaReport(
  region: string,
  quota: number,
  snapshots: readonly ManualSnapshot[],
  owners: readonly PrefixOwner[],
): QuotaReport {
  const counts = new Map<string, number>();
  for (const snapshot of snapshots) {
    const owner = owners.find((o) => hasSnapshotIdShape(o.prefix, snapshot.snapshotId));
    const holder = owner
      ? `docdb-backup policy ${owner.policy} (prefix ${owner.prefix})`
      : 'not created by docdb-backup';
    counts.set(holder, (counts.get(holder) ?? 0) + 1);
  }
  const holders = [...counts].map(([holder, count]) => ({ holder, count })).sort((a, b) => b.count - a.count);
  return { region, used: snapshots.length, quota, holders };
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}

function subjectFor(summary: RunSummary, failed: ClusterResult[], quotaRegions: string[]): string {
  const counted = summary.results.filter((r) => r.clusterId !== '*').length;
  const what = quotaRegions.length
    ? `snapshot quota reached in ${quotaRegions.join(', ')}`
    : `${failed.length} of ${Math.max(counted, failed.length)} clusters not backed up`;
  const severity = quotaRegions.length ? 'CRITICAL' : 'ERROR';
  return truncate(`[docdb-backup] ${severity} ${summary.policy}: ${what}`, MAX_SUBJECT);
}

function quotaLines(report: QuotaReport): string[] {
  const head = `Snapshot quota reached in ${report.region}: ${report.used} of ${report.quota} manual cluster snapshots in use (shared with RDS and Neptune).`;
  const mismatch =
    report.used === report.quota
      ? []
      : [
          `  AWS refused a new snapshot at ${report.used} while the configured quota is ${report.quota}: check the account's quota in Service Quotas and set SNAPSHOT_QUOTA to it.`,
        ];
  return [head, ...mismatch, ...report.holders.map((h) => `  ${String(h.count).padStart(4)}  ${h.holder}`)];
}

/**
 * The alert for a finished run, or undefined when nobody needs to act.
 * @example composeAlert(summary, []) // undefined when every cluster succeeded
 */
export function composeAlert(summary: RunSummary, quotaReports: readonly QuotaReport[]): Alert | undefined {
  const failed = summary.results.filter(needsAttention);
  if (failed.length === 0) return undefined;
  const quotaRegions = [
    ...new Set(failed.filter((r) => r.error?.code === 'quota-exceeded').map((r) => r.region)),
  ];
  const codes = [...new Set(failed.map((r) => (r.error?.code ?? 'aws-error') as FailureCode))];
  const lines = [
    `docdb-backup could not back up ${failed.length} cluster(s) for policy "${summary.policy}", scheduled at ${summary.scheduledAt}.`,
    '',
    'What happened:',
    ...failed.map(
      (r) =>
        `- ${r.region === '*' ? 'any Region' : r.region} ${r.clusterId === '*' ? '(whole Region)' : r.clusterId}: ${r.error?.code ?? r.outcome} — ${r.error?.message ?? ''} (attempts: ${r.attempts})`,
    ),
    '',
    ...quotaReports.flatMap((report) => [...quotaLines(report), '']),
    'What to do next:',
    ...codes.map((code) => `- ${code}: ${NEXT_STEP[code]}`),
    `- Then take the missed backups now: npx docdb-backup run --policy ${summary.policy}`,
    '',
    'Details (JSON):',
    JSON.stringify(
      {
        policy: summary.policy,
        scheduledAt: summary.scheduledAt,
        failed: failed.map(({ region, clusterId, outcome, snapshotId, attempts, error }) => ({
          region,
          clusterId,
          outcome,
          snapshotId,
          attempts,
          error,
        })),
        quota: quotaReports,
      },
      null,
      2,
    ),
  ];
  return {
    policy: summary.policy,
    severity: quotaRegions.length ? 'critical' : 'error',
    subject: subjectFor(summary, failed, quotaRegions),
    body: lines.join('\n'),
  };
}

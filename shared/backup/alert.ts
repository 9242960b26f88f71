/**
 * The one page a run may send: composed from the run's results, readable by a person on call, with a JSON
 * block for tooling. Pure: no AWS here.
 */
import { hasSnapshotIdShape } from '../planning/naming.js';
import { NEXT_STEP } from './failures.js';
import type { Alert, ManualSnapshot } from './ports.js';
import {
  type ClusterResult,
  type FailureCode,
  isFailure,
  NO_REGION,
  type QuotaWarning,
  type RunNotice,
  type RunSummary,
  scopeOf,
} from './results.js';

/** Who holds the manual snapshot slots of a Region (where the quota was hit or nearly so). */
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

/** SNS accepts subjects up to 100 characters. */
export const MAX_SUBJECT = 99;

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

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}

/**
 * SNS takes messages up to 256 KB: a page lists its items up to this many bytes, then says how many
 * more there are (the details are in the results table, `docdb-backup status`, and the events).
 */
export const PAGE_LIST_BUDGET = 160_000;
/** Items the machine-readable end of a page carries at most. */
export const PAGE_DETAILS_MAX = 25;

/**
 * The lines of a page's list, as many as fit in `budget` bytes, then one line saying what was left out.
 * @example fitList(['- a', '- b'], 4, (n) => `…and ${n} more`) // ['- a', '…and 1 more']
 */
export function fitList(lines: readonly string[], budget: number, more: (left: number) => string): string[] {
  const kept: string[] = [];
  let used = 0;
  for (const line of lines) {
    const size = Buffer.byteLength(line, 'utf8') + 1;
    if (used + size > budget) return [...kept, more(lines.length - kept.length)];
    kept.push(line);
    used += size;
  }
  return kept;
}

function percent(used: number, quota: number): number {
  return Math.round((used / Math.max(1, quota)) * 100);
}

/** What a person types to take a slot's missed backups again: the same slot, never a new one. */
export function rerunCommand(policy: string, scheduledAt: string): string {
  return `npx docdb-backup run --policy ${policy} --at ${scheduledAt.slice(0, 16)}Z`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `2 of 5 clusters not backed up; Region eu-west-1 unreadable`: clusters and Regions counted apart. */
function failureText(summary: RunSummary, failed: ClusterResult[]): string {
  const clusters = summary.results.filter((r) => scopeOf(r) !== 'region');
  const failedClusters = failed.filter((r) => scopeOf(r) !== 'region');
  const regions = failed.filter((r) => scopeOf(r) === 'region').map((r) => r.region);
  const parts: string[] = [];
  if (failedClusters.length)
    parts.push(`${failedClusters.length} of ${plural(clusters.length, 'cluster')} not backed up`);
  if (regions.length)
    parts.push(`${regions.length === 1 ? 'Region' : 'Regions'} ${regions.join(', ')} unreadable`);
  return parts.join('; ');
}

function subjectFor(
  summary: RunSummary,
  failed: ClusterResult[],
  quotaRegions: string[],
  warnings: readonly QuotaWarning[],
): string {
  let text: string;
  if (quotaRegions.length)
    text = `CRITICAL ${summary.policy}: snapshot quota reached in ${quotaRegions.join(', ')}`;
  else if (failed.length) text = `ERROR ${summary.policy}: ${failureText(summary, failed)}`;
  else if (warnings.length)
    text = `WARNING ${summary.policy}: snapshot quota ${warnings
      .map((w) => `${percent(w.used, w.quota)}% used in ${w.region}`)
      .join(', ')}`;
  else {
    const where = (summary.notices ?? []).map((n) => (n.region === NO_REGION ? 'any Region' : n.region));
    text = `WARNING ${summary.policy}: selection matched no cluster in ${where.join(', ')}`;
  }
  return truncate(`[docdb-backup] ${text}`, MAX_SUBJECT);
}

function holderLines(report: QuotaReport | undefined): string[] {
  return (report?.holders ?? []).map((h) => `  ${String(h.count).padStart(4)}  ${h.holder}`);
}

/** What happened to the quota of a Region where it was hit, who holds it, and exactly what to do. */
function quotaHitLines(
  report: QuotaReport,
  missed: number,
  summary: RunSummary,
  hasRetention: boolean,
): string[] {
  const lines = [
    `Snapshot quota reached in ${report.region}: ${report.used} of ${report.quota} manual cluster snapshots in use (shared with RDS and Neptune).`,
  ];
  if (report.used !== report.quota) {
    lines.push(
      `  AWS refused a new snapshot at ${report.used} while the configured quota is ${report.quota}: check the account's quota in Service Quotas and set quota.regions.${report.region} in config/policies.yml.`,
    );
  }
  lines.push(...holderLines(report));
  lines.push(
    `  To take the ${missed} missed snapshot(s), free at least ${missed} slot(s) in ${report.region}: delete that many manual snapshots that are no longer needed` +
      ` (above: who holds them), or raise the quota to at least ${report.used + missed} ("Manual DB cluster snapshots" in Service Quotas) and set quota.regions.${report.region}.` +
      (hasRetention
        ? ` This policy's retention already deleted what it no longer keeps; tightening it frees more at the next run.`
        : ' This policy has no retention: add one so its own snapshots stop piling up.'),
    `  Then take them for this slot (clusters already backed up are not taken again): ${rerunCommand(summary.policy, summary.scheduledAt)}`,
  );
  return lines;
}

function warningLines(warning: QuotaWarning, report: QuotaReport | undefined): string[] {
  return [
    `Snapshot quota in ${warning.region} after this run: ${warning.used} of ${warning.quota} manual cluster snapshots in use (${percent(warning.used, warning.quota)}%, warning at ${warning.warnAtPercent}%).`,
    ...holderLines(report),
    `  Free slots before the quota is hit: tighten retention in config/policies.yml, delete manual snapshots that are no longer needed, or raise the quota in Service Quotas and set quota.regions.${warning.region}.`,
  ];
}

export interface AlertContext {
  /** Regions where the quota was hit or a warning applies, with who holds the slots. */
  quotaReports: readonly QuotaReport[];
  warnings: readonly QuotaWarning[];
  hasRetention: boolean;
}

/** Where a result is, as a page names it. */
function whereOf(r: ClusterResult): string {
  const region = scopeOf(r) === 'policy' ? 'any Region' : r.region;
  return `${region} ${scopeOf(r) === 'region' ? '(whole Region)' : r.clusterId}`;
}

/** The opening lines: what failed, or that a quota is nearly used up. */
function openingLines(summary: RunSummary, failed: ClusterResult[], warned: boolean): string[] {
  if (failed.length) {
    return [
      `docdb-backup policy "${summary.policy}", scheduled at ${summary.scheduledAt}: ${failureText(summary, failed)}.`,
      '',
      'What happened:',
      ...fitList(
        failed.map(
          (r) =>
            `- ${whereOf(r)}: ${r.error?.code ?? r.outcome} — ${r.error?.message ?? ''} (attempts: ${r.attempts})`,
        ),
        PAGE_LIST_BUDGET,
        (left) => `- …and ${left} more: npx docdb-backup status --policy ${summary.policy}`,
      ),
      '',
    ];
  }
  if (!warned) return [];
  return [
    `docdb-backup backed up every cluster of policy "${summary.policy}" (slot ${summary.scheduledAt}), but a snapshot quota is nearly used up.`,
    '',
  ];
}

function noticeLines(summary: RunSummary, notices: readonly RunNotice[]): string[] {
  if (!notices.length) return [];
  return [
    `The selection of policy "${summary.policy}" matched no cluster (slot ${summary.scheduledAt}), so nothing was backed up there:`,
    ...notices.map((n) => `- ${n.region === NO_REGION ? 'every Region' : n.region}: ${n.message}`),
    '',
  ];
}

function nextStepLines(summary: RunSummary, failed: ClusterResult[]): string[] {
  const codes = [...new Set(failed.map((r) => r.error?.code ?? ('aws-error' as FailureCode)))];
  if (!codes.length) return [];
  return [
    'What to do next:',
    ...codes.map((code) => `- ${code}: ${NEXT_STEP[code]}`),
    `- Then take the missed backups of this slot: ${rerunCommand(summary.policy, summary.scheduledAt)}`,
    '',
  ];
}

/** The machine-readable end of the page. */
function detailLines(summary: RunSummary, failed: ClusterResult[], context: AlertContext): string[] {
  const details = {
    policy: summary.policy,
    scheduledAt: summary.scheduledAt,
    failedCount: failed.length,
    failed: failed
      .slice(0, PAGE_DETAILS_MAX)
      .map(({ region, clusterId, outcome, snapshotId, attempts, error }) => ({
        region,
        clusterId,
        outcome,
        snapshotId,
        attempts,
        error,
      })),
    quota: context.quotaReports,
    warnings: context.warnings,
    notices: summary.notices ?? [],
  };
  return ['Details (JSON):', JSON.stringify(details, null, 2)];
}

/**
 * The alert for a finished run, or undefined when nobody needs to act.
 * @example composeAlert(summary, { quotaReports: [], warnings: [], hasRetention: false }) // undefined when all went well
 */
export function composeAlert(summary: RunSummary, context: AlertContext): Alert | undefined {
  const failed = summary.results.filter(isFailure);
  const { quotaReports, warnings } = context;
  const notices = summary.notices ?? [];
  if (failed.length === 0 && warnings.length === 0 && notices.length === 0) return undefined;
  const quotaFailed = failed.filter((r) => r.error?.code === 'quota-exceeded');
  const quotaRegions = [...new Set(quotaFailed.map((r) => r.region))];
  const reportFor = (region: string) => quotaReports.find((r) => r.region === region);
  const lines = [...openingLines(summary, failed, warnings.length > 0), ...noticeLines(summary, notices)];
  for (const region of quotaRegions) {
    const report = reportFor(region);
    const missed = quotaFailed.filter((r) => r.region === region).length;
    if (report) lines.push(...quotaHitLines(report, missed, summary, context.hasRetention), '');
  }
  for (const warning of warnings) lines.push(...warningLines(warning, reportFor(warning.region)), '');
  lines.push(...nextStepLines(summary, failed), ...detailLines(summary, failed, context));
  return {
    policy: summary.policy,
    severity: quotaRegions.length ? 'critical' : failed.length ? 'error' : 'warning',
    subject: subjectFor(summary, failed, quotaRegions, warnings),
    body: lines.join('\n'),
  };
}

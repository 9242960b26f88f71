/**
 * `docdb-backup status [--policy P] [--json]`: is every cluster protected? Per cluster a policy selects
 * now: its newest available snapshot from that policy and its age, the last recorded result, whether it
 * is overdue (the rule: shared/planning/protection.ts), and per destination of the policy's copies the
 * latest copy (cli/status-copies.ts). Exit 1 when any cluster is overdue, missing or could not be
 * checked, or a destination has no copy or its newest copy failed.
 */

import { writeFile } from 'node:fs/promises';
import { regionOfArn } from '../../shared/aws/engine-deps.js';
import type { RecordedResult, ResultsReader } from '../../shared/aws/results-table/index.js';
import { inOwnAccount } from '../../shared/backup/location.js';
import { planRegion, type RegionPlan, selectionOf } from '../../shared/backup/plan-region.js';
import { inPool } from '../../shared/backup/pool.js';
import type { ManualSnapshot } from '../../shared/backup/ports.js';
import { NO_REGION } from '../../shared/backup/results.js';
import { destinationOf } from '../../shared/planning/copies.js';
import type { Failure } from '../../shared/planning/failure.js';
import type { BackupJob, JobState, JobWindows } from '../../shared/planning/jobs.js';
import { missingEverywhere, notFoundMessage } from '../../shared/planning/missing.js';
import { hasSnapshotIdShape } from '../../shared/planning/naming.js';
import { ownershipOf } from '../../shared/planning/ownership.js';
import {
  assessProtection,
  overdueAfterSeconds,
  type ProtectionState,
} from '../../shared/planning/protection.js';
import { longestIntervalSeconds, type ResolvedPolicy, scheduleOf } from '../../shared/policy/index.js';
import { nonEmpty, parseCommandArgs } from '../args.js';
import { requireAws } from '../aws.js';
import { awsSettingOf, describeFailure } from '../aws-errors.js';
import type { Command, CommandContext } from '../context.js';
import { UsageError } from '../errors.js';
import { counted, printOutcome } from '../output.js';
import { absolutePath, loadPolicies, POLICY_FLAGS, pickPolicies, readPolicyFlags } from '../policies.js';
import { protectionReason } from '../protection.js';
import {
  type CopyStatus,
  copyLines,
  copyReasons,
  copyStatus,
  copySummary,
  countCopies,
  isCopyProblem,
} from '../status-copies.js';
import { historyKey, type RegionQuotaUse, type StatusPage, statusHtml } from '../status-html.js';
import type { Style } from '../style.js';
import { renderTable } from '../table.js';
import { formatSpan, formatUtc } from '../time.js';
import { STATUS_INFO } from './help.js';

/** Snapshots of a cluster whose tags are read, newest first, before giving up on finding one of ours. */
const MAX_TAG_CHECKS = 5;

export interface ClusterStatus {
  policy: string;
  /** `*` for an explicit identifier found in no Region of the policy. */
  region: string;
  /** `*` for a Region that could not be read. */
  clusterId: string;
  state: ProtectionState;
  /** Why it is not `ok`, for people; null when ok. */
  reason: string | null;
  newestSnapshot: { snapshotId: string; createdAt: string; ageSeconds: number } | null;
  lastResult: RecordedResult | null;
  /** The cluster's newest backup job for the policy (issue 11); null when none or not read. */
  latestJob: JobStatus | null;
  /**
   * The latest copy to each destination of the policy's copies, in their order (issue 12): [] for a
   * policy without copies; null (or absent) when not read (no results table, a read failure, no cluster).
   */
  copies?: CopyStatus[] | null;
  overdueAfterSeconds: number | null;
}

/** A backup job as `status` shows it: every key present, `null` for none. */
export interface JobStatus {
  state: JobState;
  snapshotId: string;
  scheduledAt: string;
  requestedAt: string;
  startedAt: string | null;
  completedAt: string | null;
  error: Failure | null;
  /** Since `requestedAt`, as of the status time (0 when that is earlier). */
  ageSeconds: number;
}

export interface PolicyStatus {
  name: string;
  schedule: string;
  enabled: boolean;
  /** False for disabled policies not named with --policy. */
  checked: boolean;
  /** Null when the schedule fires fewer than twice from now on (never overdue). */
  overdueAfterSeconds: number | null;
  /** The policy's start and completion windows, in minutes. */
  windows: JobWindows;
}

interface StatusContext {
  ctx: CommandContext;
  now: Date;
  results: ResultsReader | undefined;
  /** Manual snapshots per Region, listed once for all policies. */
  snapshots: Map<string, Promise<ManualSnapshot[]>>;
  resultsNote: string | undefined;
  /** Why the jobs column is empty, once reading a job failed. */
  jobsNote: string | undefined;
  /** Why copies are not shown, once reading copy jobs failed. */
  copiesNote: string | undefined;
}

/** The newest available snapshot of `clusterId` that this policy made: id shape first, then the ownership rule. */
async function newestOwned(
  sc: StatusContext,
  policy: ResolvedPolicy,
  region: string,
  clusterId: string,
  listed: readonly ManualSnapshot[],
): Promise<{ snapshot: ManualSnapshot; takenAt: Date; slot: Date } | undefined> {
  const candidates = listed
    .filter(
      (s) =>
        s.clusterId.toLowerCase() === clusterId &&
        s.status === 'available' &&
        hasSnapshotIdShape(policy.snapshot.prefix, s.snapshotId),
    )
    .sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0));
  const owner = { policyName: policy.name, prefix: policy.snapshot.prefix };
  for (const snapshot of candidates.slice(0, MAX_TAG_CHECKS)) {
    const tags = await sc.ctx.aws().docdb.listTags(inOwnAccount(region), snapshot.arn);
    const ownership = ownershipOf({ ...snapshot, tags }, owner, clusterId);
    if (ownership.ours)
      return { snapshot, takenAt: snapshot.createdAt ?? ownership.slot, slot: ownership.slot };
  }
  return undefined;
}

async function lastResult(
  sc: StatusContext,
  policy: ResolvedPolicy,
  region: string,
  clusterId: string,
): Promise<RecordedResult | null> {
  if (!sc.results || sc.resultsNote) return null;
  try {
    return (await sc.results.latest(region, clusterId, policy.name)) ?? null;
  } catch (error) {
    sc.resultsNote = `results table not read: ${describeFailure(error, awsSettingOf(sc.ctx.io.env))}`;
    return null;
  }
}

/**
 * A job with every key present, its age as of `now`.
 * Example: `jobStatus({ state: 'creating', requestedAt: '2026-11-28T03:00:05Z', … }, new Date('2026-11-28T03:12:05Z')).ageSeconds` → `720`
 */
export function jobStatus(job: BackupJob, now: Date): JobStatus {
  return {
    state: job.state,
    snapshotId: job.snapshotId,
    scheduledAt: job.scheduledAt,
    requestedAt: job.requestedAt,
    startedAt: job.startedAt ?? null,
    completedAt: job.completedAt ?? null,
    error: job.error ?? null,
    ageSeconds: Math.max(0, Math.round((now.getTime() - Date.parse(job.requestedAt)) / 1000)),
  };
}

async function latestJob(
  sc: StatusContext,
  policy: ResolvedPolicy,
  region: string,
  clusterId: string,
): Promise<JobStatus | null> {
  if (!sc.results || sc.resultsNote || sc.jobsNote) return null;
  try {
    const job = await sc.results.latestJob(region, clusterId, policy.name);
    return job ? jobStatus(job, sc.now) : null;
  } catch (error) {
    sc.jobsNote = `backup jobs not read from the results table: ${describeFailure(error, awsSettingOf(sc.ctx.io.env))}`;
    return null;
  }
}

/**
 * The latest copy to each destination of the policy from `region`, judged against the slot of the
 * cluster's newest available backup; [] without copies, null when the table is not read.
 */
async function latestCopies(
  sc: StatusContext,
  policy: ResolvedPolicy,
  region: string,
  clusterId: string,
  newestSlot: Date | undefined,
): Promise<CopyStatus[] | null> {
  const destinations = policy.copies
    .map((copy) => destinationOf(copy, region))
    .filter((at) => at !== undefined);
  if (destinations.length === 0) return [];
  if (!sc.results || sc.resultsNote || sc.copiesNote) return null;
  try {
    const jobs = await sc.results.latestCopies(inOwnAccount(region), clusterId, policy.name, destinations);
    return destinations.map((at) =>
      copyStatus(
        at,
        jobs.find((job) => job.destination.region === at.region && job.destination.account === at.account),
        newestSlot,
        sc.now,
      ),
    );
  } catch (error) {
    sc.copiesNote = `copies not read from the results table: ${describeFailure(error, awsSettingOf(sc.ctx.io.env))}`;
    return null;
  }
}

async function clusterStatus(
  sc: StatusContext,
  policy: ResolvedPolicy,
  region: string,
  clusterId: string,
  limit: number,
): Promise<ClusterStatus> {
  const base = {
    policy: policy.name,
    region,
    clusterId,
    overdueAfterSeconds: Number.isFinite(limit) ? limit : null,
  };
  const last = await lastResult(sc, policy, region, clusterId);
  const job = await latestJob(sc, policy, region, clusterId);
  let newest: Awaited<ReturnType<typeof newestOwned>>;
  try {
    newest = await newestOwned(sc, policy, region, clusterId, await listedIn(sc, region));
  } catch (error) {
    return {
      ...base,
      state: 'unknown',
      reason: `snapshots not read: ${describeFailure(error, awsSettingOf(sc.ctx.io.env))}`,
      newestSnapshot: null,
      lastResult: last,
      latestJob: job,
      copies: await latestCopies(sc, policy, region, clusterId, undefined),
    };
  }
  const protection = assessProtection({
    now: sc.now,
    newestSnapshotAt: newest?.takenAt,
    overdueAfterSeconds: limit,
  });
  return {
    ...base,
    state: protection.state,
    reason: protection.state === 'ok' ? null : (protectionReason(protection) ?? null),
    newestSnapshot: newest
      ? {
          snapshotId: newest.snapshot.snapshotId,
          createdAt: newest.takenAt.toISOString(),
          ageSeconds: Math.round(protection.ageSeconds ?? 0),
        }
      : null,
    lastResult: last,
    latestJob: job,
    copies: await latestCopies(sc, policy, region, clusterId, newest?.slot),
  };
}

function listedIn(sc: StatusContext, region: string): Promise<ManualSnapshot[]> {
  let listing = sc.snapshots.get(region);
  if (!listing) {
    listing = sc.ctx.aws().docdb.listManualSnapshots(inOwnAccount(region));
    sc.snapshots.set(region, listing);
  }
  return listing;
}

async function policyClusters(
  sc: StatusContext,
  policy: ResolvedPolicy,
  limit: number,
): Promise<ClusterStatus[]> {
  const planContext = { docdb: sc.ctx.aws().docdb, log: sc.ctx.log, concurrency: 10 };
  const plans: RegionPlan[] = await inPool(policy.regions, 4, (region) =>
    planRegion(planContext, policy, inOwnAccount(region), sc.now),
  );
  const rows: ClusterStatus[] = [];
  const unknown = (region: string, clusterId: string, reason: string): ClusterStatus => ({
    policy: policy.name,
    region,
    clusterId,
    state: 'unknown',
    reason,
    newestSnapshot: null,
    lastResult: null,
    latestJob: null,
    copies: policy.copies.length === 0 ? [] : null,
    overdueAfterSeconds: Number.isFinite(limit) ? limit : null,
  });
  for (const plan of plans) {
    for (const failure of plan.failures) {
      rows.push(unknown(plan.at.region, failure.clusterId, failure.error?.message ?? 'could not be read'));
    }
    rows.push(
      ...(await inPool(plan.tasks, 10, (task) =>
        clusterStatus(sc, policy, plan.at.region, task.cluster.id, limit),
      )),
    );
  }
  for (const id of missingEverywhere(plans.map(selectionOf))) {
    rows.push({
      ...unknown(NO_REGION, id, notFoundMessage(id, policy.regions)),
      state: 'missing',
      lastResult: await lastResult(sc, policy, NO_REGION, id),
    });
  }
  return rows;
}

/** The row with its keys in the documented order (stable JSON). */
function ordered(r: ClusterStatus): ClusterStatus {
  return {
    policy: r.policy,
    region: r.region,
    clusterId: r.clusterId,
    state: r.state,
    reason: r.reason,
    newestSnapshot: r.newestSnapshot,
    lastResult: r.lastResult,
    latestJob: r.latestJob,
    copies: r.copies ?? null,
    overdueAfterSeconds: r.overdueAfterSeconds,
  };
}

const STATE_ORDER: Record<ProtectionState, number> = { overdue: 0, missing: 1, unknown: 2, ok: 3 };

function stateWord(state: ProtectionState, style: Style): string {
  if (state === 'ok') return style.green('ok');
  if (state === 'unknown') return style.yellow('unknown');
  return style.red(state === 'overdue' ? 'OVERDUE' : 'MISSING');
}

/**
 * The last result in a few words: `created 2026-11-28 03:00`, `failed cluster-busy 2026-11-28 03:00`.
 * Example: `resultText({ outcome: 'created', scheduledAt: '2026-11-28T03:00:00.000Z', … })` → `'created 2026-11-28 03:00'`
 */
export function resultText(result: RecordedResult | null): string {
  if (!result) return '-';
  const code = result.error ? ` ${result.error.code}` : '';
  return `${result.outcome}${code} ${formatUtc(new Date(result.scheduledAt))}`;
}

/**
 * The latest job in a few words: its state, and for an open one its age (a pending one's out of its start
 * window); a failed one's code.
 * Example: `jobText({ state: 'pending', ageSeconds: 2400, … }, 480)` → `'pending 40m of 8h'`
 */
export function jobText(job: JobStatus | null, startMinutes: number): string {
  if (!job) return '-';
  if (job.state === 'pending')
    return `pending ${formatSpan(job.ageSeconds)} of ${formatSpan(startMinutes * 60)}`;
  if (job.state === 'creating') return `creating ${formatSpan(job.ageSeconds)}`;
  if (job.state === 'failed') return job.error ? `failed (${job.error.code})` : 'failed';
  return job.state;
}

function jobWord(job: JobStatus | null, startMinutes: number, style: Style): string {
  const text = jobText(job, startMinutes);
  if (job?.state === 'failed') return style.red(text);
  return job?.state === 'pending' || job?.state === 'creating' ? style.yellow(text) : text;
}

/**
 * One policy's clusters as an aligned table, worst state first, then the reasons below it.
 * Example: `statusLines(policyStatus, rows, style)` → `['nightly  cron(0 3 * * ? *)  overdue after 1d 6h', '  REGION …', …]`
 */
export function statusLines(policy: PolicyStatus, rows: readonly ClusterStatus[], style: Style): string[] {
  const limit =
    policy.overdueAfterSeconds === null
      ? 'never overdue'
      : `overdue after ${formatSpan(policy.overdueAfterSeconds)}`;
  const head = `${style.bold(policy.name)}  ${policy.schedule}  ${limit}${policy.enabled ? '' : `  ${style.yellow('disabled')}`}`;
  if (!policy.checked) return [`${head}: not checked (disabled; name it with --policy to check it)`];
  if (rows.length === 0) return [head, '  selects no cluster'];
  const sorted = [...rows].sort(
    (a, b) =>
      STATE_ORDER[a.state] - STATE_ORDER[b.state] ||
      a.region.localeCompare(b.region) ||
      a.clusterId.localeCompare(b.clusterId),
  );
  const table = renderTable(
    [
      { header: 'REGION' },
      { header: 'CLUSTER' },
      { header: 'STATE' },
      { header: 'NEWEST SNAPSHOT' },
      { header: 'AGE', align: 'right' },
      { header: 'LAST RESULT' },
      { header: 'LATEST JOB' },
    ],
    sorted.map((r) => [
      r.region,
      r.clusterId,
      stateWord(r.state, style),
      r.newestSnapshot ? formatUtc(new Date(r.newestSnapshot.createdAt)) : '-',
      r.newestSnapshot ? formatSpan(r.newestSnapshot.ageSeconds) : '-',
      resultText(r.lastResult),
      jobWord(r.latestJob, policy.windows.startMinutes, style),
    ]),
    { indent: '  ', style },
  );
  const reasons = sorted
    .filter((r) => r.reason)
    .map((r) => `  ${style.dim('·')} ${r.clusterId === '*' ? r.region : r.clusterId}: ${r.reason}`);
  return [head, ...table, ...copyLines(sorted, style), ...reasons, ...copyReasons(sorted, style)];
}

/** Counts of rows by state. */
export function countStates(rows: readonly ClusterStatus[]): Record<ProtectionState, number> {
  const counts: Record<ProtectionState, number> = { ok: 0, overdue: 0, missing: 0, unknown: 0 };
  for (const r of rows) counts[r.state]++;
  return counts;
}

/** `5 clusters: 4 ok, 1 overdue`, and the copies when there are any: `; copies: 3 of 4 current, 1 failed`. */
export function summaryText(rows: readonly ClusterStatus[]): string {
  const counts = countStates(rows);
  const parts = (['ok', 'overdue', 'missing', 'unknown'] as const)
    .filter((state) => state === 'ok' || counts[state] > 0)
    .map((state) => `${counts[state]} ${state}`);
  const copies = copySummary(rows);
  return `${counted(rows.length, 'cluster')}: ${parts.join(', ')}${copies ? `; ${copies}` : ''}`;
}

/**
 * The exit-0 condition: every cluster ok, and every destination with a copy whose newest did not fail.
 * Example: `allProtected([okRowWithAFailedCopy])` → `false`
 */
export function allProtected(rows: readonly ClusterStatus[]): boolean {
  return rows.every((r) => r.state === 'ok' && !(r.copies ?? []).some(isCopyProblem));
}

/** The status as text: one block per policy, the results-table note, and the verdict. */
function statusText(
  statuses: readonly PolicyStatus[],
  rows: readonly ClusterStatus[],
  sc: StatusContext,
  ok: boolean,
): string {
  const { out } = sc.ctx;
  const blocks = statuses.map((status) =>
    statusLines(
      status,
      rows.filter((r) => r.policy === status.name),
      out,
    ).join('\n'),
  );
  const note = notesOf(sc)
    .map((text) => `${out.dim(`note: ${text}`)}\n`)
    .join('');
  const verdict = ok ? out.green('all protected') : out.red('not all protected');
  return `${blocks.join('\n\n')}\n\n${note}${verdict}: ${summaryText(rows)} (as of ${formatUtc(sc.now)} UTC)\n`;
}

function notesOf(sc: StatusContext): string[] {
  return [sc.resultsNote, sc.jobsNote, sc.copiesNote].filter((note): note is string => note !== undefined);
}

async function run(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parseCommandArgs('status', args, { ...POLICY_FLAGS, html: { type: 'string' } }, 0);
  const { at: now, file, named } = readPolicyFlags(values, ctx.io, 'status');
  const policies = pickPolicies(await loadPolicies(file, ctx.io, 'status'), named, 'status', file);
  await requireAws(ctx.aws(), 'status', {
    regions: policies.flatMap((p) => p.regions),
    setting: awsSettingOf(ctx.io.env),
  });

  const table = ctx.io.env.RESULTS_TABLE || undefined;
  const unread = policies.some((p) => p.copies.length > 0)
    ? 'last results, backup jobs and copies'
    : 'last results and backup jobs';
  const sc: StatusContext = {
    ctx,
    now,
    results: table ? ctx.aws().results(table, regionOfArn(ctx.io.env.ALERT_TOPIC_ARN ?? '')) : undefined,
    snapshots: new Map(),
    resultsNote: table ? undefined : `RESULTS_TABLE is not set: ${unread} not shown`,
    jobsNote: undefined,
    copiesNote: undefined,
  };

  const statuses: PolicyStatus[] = [];
  const rows: ClusterStatus[] = [];
  for (const policy of policies) {
    const longest = longestIntervalSeconds(scheduleOf(policy), now);
    const limit = overdueAfterSeconds(longest);
    const checked = policy.enabled || named !== undefined;
    statuses.push({
      name: policy.name,
      schedule: policy.schedule,
      enabled: policy.enabled,
      checked,
      overdueAfterSeconds: Number.isFinite(limit) ? limit : null,
      windows: {
        startMinutes: policy.windows.startMinutes,
        completionMinutes: policy.windows.completionMinutes,
      },
    });
    if (checked) rows.push(...(await policyClusters(sc, policy, limit)));
  }
  const ok = allProtected(rows);
  const html = nonEmpty(values.html, '--html', 'status');
  if (html !== undefined) {
    await writeStatusPage(sc, absolutePath(html, ctx.io), {
      file,
      at: now,
      ok,
      policies: statuses,
      clusters: rows,
      quotas: await quotaUses(sc, policies),
    });
    if (!values.json) ctx.io.stderr.write(`wrote ${html}\n`);
  }
  return printOutcome(ctx.io, 'status', values.json, ok, {
    json: () => ({
      file,
      at: now.toISOString(),
      ok,
      policies: statuses,
      clusters: rows.map(ordered),
      counts: countStates(rows),
      copyCounts: countCopies(rows),
      notes: notesOf(sc),
    }),
    text: () => statusText(statuses, rows, sc, ok),
  });
}

/** Results shown per cluster on the HTML page's timeline. */
export const HISTORY_LIMIT = 14;

/** Each Region's manual snapshots (from the listings status made) against the policy file's quota. */
async function quotaUses(sc: StatusContext, policies: readonly ResolvedPolicy[]): Promise<RegionQuotaUse[]> {
  const uses: RegionQuotaUse[] = [];
  const settings = policies[0]?.quota;
  for (const [region, listing] of [...sc.snapshots].sort(([a], [b]) => a.localeCompare(b))) {
    const listed = await listing.catch(() => undefined);
    if (!listed || !settings) continue;
    uses.push({
      region,
      used: listed.length,
      quota: settings.regions[region] ?? settings.default,
      warnAtPercent: settings.warnAtPercent,
    });
  }
  return uses;
}

/** Reads each cluster's recent results (when the table is readable) and writes the page. */
async function writeStatusPage(
  sc: StatusContext,
  path: string,
  page: Omit<StatusPage, 'history' | 'notes'>,
): Promise<void> {
  const history = new Map<string, RecordedResult[]>();
  const reader = sc.resultsNote ? undefined : sc.results;
  if (reader) {
    const clusters = page.clusters.filter((r) => r.region !== NO_REGION && r.clusterId !== '*');
    try {
      await inPool(clusters, 10, async (r) => {
        history.set(
          historyKey(r.policy, r.region, r.clusterId),
          await reader.history(r.region, r.clusterId, r.policy, HISTORY_LIMIT),
        );
      });
    } catch (error) {
      sc.resultsNote = `recent results not read: ${describeFailure(error, awsSettingOf(sc.ctx.io.env))}`;
    }
  }
  try {
    await writeFile(path, statusHtml({ ...page, history, notes: notesOf(sc) }));
  } catch (error) {
    throw new UsageError(`cannot write ${path}: ${(error as Error).message}`, {
      command: 'status',
      showHelpHint: false,
      cause: error,
    });
  }
}

export const statusCommand: Command = {
  ...STATUS_INFO,
  run,
};

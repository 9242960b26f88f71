/**
 * One scheduled run of one policy: plan every Region, take the snapshots with bounded concurrency, then
 * record every outcome, publish the result events and page on-call at most once.
 */
import type { ResolvedPolicy } from '../policy/schema.js';
import { composeAlert, type PrefixOwner, type QuotaReport, quotaReport } from './alert.js';
import { createSnapshot, type RetryNotice } from './create.js';
import { RunFailedError } from './errors.js';
import { describeFailure } from './failures.js';
import { inPool } from './pool.js';
import type {
  Alerter,
  Clock,
  ClusterResult,
  DocdbPort,
  ResultEvents,
  ResultStore,
  RunLog,
  RunSummary,
} from './ports.js';
import { planRegion, type RegionPlan, type SnapshotTask } from './select.js';

export interface EngineDeps {
  docdb: DocdbPort;
  results: ResultStore;
  events: ResultEvents;
  alerter: Alerter;
  clock: Clock;
  log: RunLog;
  random?: () => number;
}

export interface RunRequest {
  policy: ResolvedPolicy;
  /** The scheduled slot (whole minute, UTC). */
  slot: Date;
  /** When the run must be completely done, recording included (epoch ms). */
  deadline: number;
  /** Time kept back before the deadline for recording, events and the alert. Default 15 s. */
  reserveMs?: number;
  /** Snapshot requests in flight at once, across all Regions. Default 10. */
  concurrency?: number;
  /** The manual cluster snapshot quota per Region. Default 100. */
  snapshotQuota?: number;
  /** Every policy's prefix, to tell who holds the quota. Default: this policy's. */
  prefixOwners?: PrefixOwner[];
  signal?: AbortSignal;
  onResult?: (result: ClusterResult) => void;
  onRetry?: (notice: RetryNotice) => void;
}

export interface RunReport {
  summary: RunSummary;
  alert?: { subject: string; severity: string; sent: boolean; note?: string };
  recorded: boolean;
  eventsFailed: number;
}

/** Round-robin across Regions so concurrency spreads the load instead of draining one Region first. */
function interleave(perRegion: SnapshotTask[][]): SnapshotTask[] {
  const out: SnapshotTask[] = [];
  const longest = Math.max(0, ...perRegion.map((tasks) => tasks.length));
  for (let i = 0; i < longest; i++)
    for (const tasks of perRegion) if (tasks[i]) out.push(tasks[i] as SnapshotTask);
  return out;
}

/**
 * Explicit identifiers are looked for in every Region of the policy; one found nowhere that could be read
 * is a failure (reported once, with Region `*`). A cluster found in some Region is not missing elsewhere.
 */
function missingEverywhere(plans: RegionPlan[]): ClusterResult[] {
  const readable = plans.filter((plan) => plan.missing !== undefined);
  if (readable.length < plans.length) return [];
  const found = new Set(plans.flatMap((plan) => plan.tasks.map((task) => task.cluster.id)));
  const missing = [...new Set(readable.flatMap((plan) => plan.missing ?? []))].filter(
    (id) => !found.has(id) && readable.every((plan) => plan.missing?.includes(id)),
  );
  const where = plans.map((plan) => plan.region).join(', ');
  return missing.map((id) => ({
    region: '*',
    clusterId: id,
    outcome: 'failed',
    attempts: 0,
    durationMs: 0,
    error: {
      code: 'cluster-not-found',
      message: `no DocumentDB cluster "${id}" in ${where} (named in clusters.identifiers)`,
    },
  }));
}

function byRegionAndCluster(a: ClusterResult, b: ClusterResult): number {
  return a.region.localeCompare(b.region) || a.clusterId.localeCompare(b.clusterId);
}

async function quotaReports(
  deps: EngineDeps,
  request: RunRequest,
  results: ClusterResult[],
): Promise<QuotaReport[]> {
  const regions = [
    ...new Set(results.filter((r) => r.error?.code === 'quota-exceeded').map((r) => r.region)),
  ];
  const owners = request.prefixOwners ?? [
    { policy: request.policy.name, prefix: request.policy.snapshot.prefix },
  ];
  const reports: QuotaReport[] = [];
  for (const region of regions) {
    try {
      const snapshots = await deps.docdb.listManualSnapshots(region, request.signal);
      reports.push(quotaReport(region, request.snapshotQuota ?? 100, snapshots, owners));
    } catch (error) {
      deps.log.warn('could not count manual snapshots for the quota alert', {
        region,
        error: describeFailure(error),
      });
    }
  }
  return reports;
}

async function page(deps: EngineDeps, request: RunRequest, summary: RunSummary): Promise<RunReport['alert']> {
  const alert = composeAlert(summary, await quotaReports(deps, request, summary.results));
  if (!alert) return undefined;
  const report = { subject: alert.subject, severity: alert.severity };
  let first = true;
  try {
    first = await deps.results.claimAlert(summary.policy, summary.scheduledAt, request.signal);
  } catch (error) {
    deps.log.warn('could not check whether this slot already paged; paging anyway', {
      error: describeFailure(error),
    });
  }
  if (!first) {
    deps.log.info('alert already sent for this slot; not paging again', { subject: alert.subject });
    return { ...report, sent: false, note: 'already sent for this slot' };
  }
  try {
    await deps.alerter.send(alert, request.signal);
    deps.log.warn('on-call alerted', { subject: alert.subject, severity: alert.severity });
    return { ...report, sent: true };
  } catch (error) {
    const failure = describeFailure(error);
    deps.log.error('could not send the alert', { error: failure });
    return { ...report, sent: false, note: failure.message };
  }
}

/**
 * Runs one policy for one slot. Per-cluster failures are results, not exceptions; it throws RunFailedError
 * only when no Region could be read or the results could not be recorded (after doing all it could).
 * @example const { summary } = await runBackup(deps, { policy, slot, deadline: Date.now() + 840_000 })
 */
export async function runBackup(deps: EngineDeps, request: RunRequest): Promise<RunReport> {
  const { policy, slot } = request;
  const concurrency = request.concurrency ?? 10;
  const cutoff = request.deadline - (request.reserveMs ?? 15_000);
  const planContext = { docdb: deps.docdb, log: deps.log, concurrency, signal: request.signal };
  const plans = await inPool(policy.regions, concurrency, (region) =>
    planRegion(planContext, policy, region, slot),
  );

  const createContext = {
    docdb: deps.docdb,
    clock: deps.clock,
    log: deps.log,
    random: deps.random ?? Math.random,
    policyName: policy.name,
    retry: policy.retry,
    cutoff,
    quotaHit: new Set<string>(),
    signal: request.signal,
    onRetry: request.onRetry,
  };
  const planFailures = [...plans.flatMap((p) => p.failures), ...missingEverywhere(plans)];
  for (const failure of planFailures) request.onResult?.(failure);
  const created = await inPool(interleave(plans.map((p) => p.tasks)), concurrency, async (task) => {
    const result = await createSnapshot(createContext, task);
    request.onResult?.(result);
    return result;
  });

  const results = [...planFailures, ...created].sort(byRegionAndCluster);
  const summary: RunSummary = { policy: policy.name, scheduledAt: slot.toISOString(), results };

  let recorded = true;
  try {
    await deps.results.record(summary, request.signal);
  } catch (error) {
    recorded = false;
    deps.log.error('could not record the results', { error: describeFailure(error) });
  }
  const alert = await page(deps, request, summary);
  let eventsFailed = 0;
  try {
    eventsFailed = (await deps.events.publish(summary, request.signal)).failed;
  } catch (error) {
    eventsFailed = results.length;
    deps.log.error('could not publish the result events', { error: describeFailure(error) });
  }
  if (eventsFailed > 0) deps.log.warn('some result events were not delivered', { eventsFailed });

  const report: RunReport = { summary, alert, recorded, eventsFailed };
  const unreadable = results.filter((r) => r.clusterId === '*' && r.region !== '*');
  if (policy.regions.length > 0 && unreadable.length === policy.regions.length) {
    throw new RunFailedError(
      `no Region of policy "${policy.name}" could be read: ${unreadable.map((r) => `${r.region}: ${r.error?.message}`).join('; ')}`,
    );
  }
  if (!recorded) throw new RunFailedError(`the results of policy "${policy.name}" could not be recorded`);
  return report;
}

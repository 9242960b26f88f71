/**
 * One scheduled run of one policy: plan every Region, take the snapshots with bounded concurrency, then
 * record every outcome, publish the result events and page on-call at most once.
 */

import { quotaOf } from '../policy/limits.js';
import type { ResolvedPolicy } from '../policy/schema.js';
import { composeAlert, type PrefixOwner, type QuotaReport, quotaReport } from './alert.js';
import { createSnapshot, type RetryNotice } from './create.js';
import { RunFailedError } from './errors.js';
import { describeFailure } from './failures.js';
import { inPool, Limiter } from './pool.js';
import type {
  Alerter,
  Clock,
  ClusterResult,
  DeletionResult,
  DocdbPort,
  QuotaWarning,
  ResultEvents,
  ResultStore,
  RunLog,
  RunSummary,
} from './ports.js';
import { pruneCluster } from './prune.js';
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
  /** DocumentDB requests in flight at once per Region (Regions run side by side). Default 10. */
  concurrency?: number;
  /** Every policy's prefix, to tell who holds the quota. Default: this policy's. */
  prefixOwners?: PrefixOwner[];
  signal?: AbortSignal;
  onResult?: (result: ClusterResult) => void;
  onRetry?: (notice: RetryNotice) => void;
}

export interface RunReport {
  summary: RunSummary;
  /** Regions left at or above the quota warning threshold. */
  warnings: QuotaWarning[];
  alert?: { subject: string; severity: string; sent: boolean; note?: string };
  recorded: boolean;
  eventsFailed: number;
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
  regions: string[],
): Promise<QuotaReport[]> {
  const owners = request.prefixOwners ?? [
    { policy: request.policy.name, prefix: request.policy.snapshot.prefix },
  ];
  const reports: QuotaReport[] = [];
  for (const region of regions) {
    try {
      const snapshots = await deps.docdb.listManualSnapshots(region, request.signal);
      reports.push(quotaReport(region, quotaOf(request.policy.quota, region), snapshots, owners));
    } catch (error) {
      deps.log.warn('could not count manual snapshots for the alert', {
        region,
        error: describeFailure(error),
      });
    }
  }
  return reports;
}

async function page(
  deps: EngineDeps,
  request: RunRequest,
  summary: RunSummary,
  warnings: QuotaWarning[],
): Promise<RunReport['alert']> {
  const quotaRegions = summary.results.filter((r) => r.error?.code === 'quota-exceeded').map((r) => r.region);
  const regions = [...new Set([...quotaRegions, ...warnings.map((w) => w.region)])];
  const hasRetention = request.policy.retention !== undefined;
  if (
    !summary.results.some((r) => r.outcome === 'failed' || r.outcome === 'skipped') &&
    warnings.length === 0
  ) {
    return undefined;
  }
  const alert = composeAlert(summary, {
    quotaReports: await quotaReports(deps, request, regions),
    warnings,
    hasRetention,
  });
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

/** Manual snapshots per Region before the run (undefined where they could not be counted). */
async function usageBefore(deps: EngineDeps, request: RunRequest) {
  const counts = await inPool(request.policy.regions, request.policy.regions.length, async (region) => {
    try {
      return (await deps.docdb.listManualSnapshots(region, request.signal)).length;
    } catch (error) {
      deps.log.warn('could not count manual snapshots before the run', {
        region,
        error: describeFailure(error),
      });
      return undefined;
    }
  });
  return new Map(request.policy.regions.map((region, i) => [region, counts[i]]));
}

/** Regions left at or above the warning share of their quota (not those where the quota was hit). */
function quotaWarnings(
  request: RunRequest,
  before: Map<string, number | undefined>,
  results: ClusterResult[],
  deletions: DeletionResult[],
): QuotaWarning[] {
  const { quota } = request.policy;
  const warnings: QuotaWarning[] = [];
  for (const [region, count] of before) {
    if (count === undefined || results.some((r) => r.region === region && r.error?.code === 'quota-exceeded'))
      continue;
    const created = results.filter((r) => r.region === region && r.outcome === 'created').length;
    const deleted = deletions.filter((d) => d.region === region && d.outcome === 'deleted').length;
    const used = count + created - deleted;
    const limit = quotaOf(quota, region);
    if (used * 100 >= quota.warnAtPercent * limit)
      warnings.push({ region, used, quota: limit, warnAtPercent: quota.warnAtPercent });
  }
  return warnings;
}

const succeeded = (r: ClusterResult) => r.outcome === 'created' || r.outcome === 'already-exists';

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
  const limiters = new Map(policy.regions.map((region) => [region, new Limiter(concurrency)]));
  const createContext = {
    docdb: deps.docdb,
    clock: deps.clock,
    log: deps.log,
    random: deps.random ?? Math.random,
    policyName: policy.name,
    retry: policy.retry,
    cutoff,
    quotaHit: new Set<string>(),
    limiterFor: (region: string) => limiters.get(region) ?? new Limiter(concurrency),
    signal: request.signal,
    onRetry: request.onRetry,
  };
  const create = async (task: SnapshotTask) => {
    const result = await createSnapshot(createContext, task);
    request.onResult?.(result);
    return result;
  };
  // Each Region starts its snapshots as soon as it is planned; within a Region, every cluster waits for a
  // request slot, and a cluster waiting out a busy state holds none.
  const [regions, before] = await Promise.all([
    Promise.all(
      policy.regions.map(async (region) => {
        const plan = await planRegion(planContext, policy, region, slot);
        for (const failure of plan.failures) request.onResult?.(failure);
        return { plan, created: await Promise.all(plan.tasks.map(create)) };
      }),
    ),
    usageBefore(deps, request),
  ]);
  const plans = regions.map((r) => r.plan);
  const missing = missingEverywhere(plans);
  for (const failure of missing) request.onResult?.(failure);
  const planFailures = [...plans.flatMap((p) => p.failures), ...missing];
  const tasks = plans.flatMap((p) => p.tasks);
  const created = regions.flatMap((r) => r.created);

  const deletions: DeletionResult[] = [];
  const retention = policy.retention;
  const prune = async (results: ClusterResult[]) => {
    if (!retention) return;
    const done = results.filter((r) => succeeded(r) && r.snapshotId);
    if (done.length && deps.clock.now() >= cutoff) {
      deps.log.warn('no time left for retention; it runs again next slot', { clusters: done.length });
      return;
    }
    const pruneContext = {
      ...planContext,
      clock: deps.clock,
      policyName: policy.name,
      prefix: policy.snapshot.prefix,
      rules: retention,
      slot,
    };
    const found = await Promise.all(
      done.map((r) =>
        createContext
          .limiterFor(r.region)
          .run(() => pruneCluster(pruneContext, r.region, r.clusterId, r.snapshotId!)),
      ),
    );
    deletions.push(...found.flat());
  };
  await prune(created);

  // Quota hit, but retention just freed slots in that Region: give each missed cluster one more attempt.
  const freed = new Set(deletions.filter((d) => d.outcome === 'deleted').map((d) => d.region));
  const retryable = created
    .map((r, i) => (r.error?.code === 'quota-exceeded' && freed.has(r.region) ? i : -1))
    .filter((i) => i >= 0);
  if (retryable.length) {
    for (const region of freed) createContext.quotaHit.delete(region);
    deps.log.info('retention freed snapshot slots; retrying clusters that hit the quota', {
      clusters: retryable.length,
    });
    const again = await Promise.all(
      retryable.map(async (i) => {
        const second = await createSnapshot(createContext, tasks[i] as SnapshotTask);
        const merged = { ...second, attempts: second.attempts + (created[i]?.attempts ?? 0) };
        request.onResult?.(merged);
        created[i] = merged;
        return merged;
      }),
    );
    await prune(again);
  }

  const results = [...planFailures, ...created].sort(byRegionAndCluster);
  const summary: RunSummary = { policy: policy.name, scheduledAt: slot.toISOString(), results, deletions };
  const warnings = quotaWarnings(request, before, results, deletions);

  // Recording, paging and events are independent: they run side by side.
  const [recorded, alert, eventsFailed] = await Promise.all([
    deps.results.record(summary, request.signal).then(
      () => true,
      (error: unknown) => {
        deps.log.error('could not record the results', { error: describeFailure(error) });
        return false;
      },
    ),
    page(deps, request, summary, warnings),
    deps.events.publish(summary, request.signal).then(
      (out) => out.failed,
      (error: unknown) => {
        deps.log.error('could not publish the result events', { error: describeFailure(error) });
        return results.length + deletions.length;
      },
    ),
  ]);
  if (eventsFailed > 0) deps.log.warn('some result events were not delivered', { eventsFailed });

  const report: RunReport = { summary, alert, recorded, eventsFailed, warnings };
  const unreadable = results.filter((r) => r.clusterId === '*' && r.region !== '*');
  if (policy.regions.length > 0 && unreadable.length === policy.regions.length) {
    throw new RunFailedError(
      `no Region of policy "${policy.name}" could be read: ${unreadable.map((r) => `${r.region}: ${r.error?.message}`).join('; ')}`,
    );
  }
  if (!recorded) throw new RunFailedError(`the results of policy "${policy.name}" could not be recorded`);
  return report;
}

/**
 * One scheduled run of one policy: plan every Region, take the snapshots with bounded concurrency, apply
 * retention, then report (record every outcome, publish the result events, page on-call at most once).
 * The work phase stops at the cutoff; reporting has its own time until the deadline.
 */

import { missingEverywhere, notFoundMessage } from '../planning/missing.js';
import { slotProblem } from '../planning/slot.js';
import type { ResolvedPolicy } from '../policy/schema.js';
import { RunFailedError } from './errors.js';
import { describeFailure } from './failures.js';
import { describeLocation, inOwnAccount, type Location, locationFields } from './location.js';
import { planRegion, type RegionPlan, selectionOf } from './plan-region.js';
import { quotaUseOf, quotaWarnings, type RegionQuotaUse, usageAfter } from './quota-usage.js';
import { type RunAlert, reportRun } from './report.js';
import {
  type ClusterResult,
  failedBeforeStart,
  isFailure,
  NO_REGION,
  type QuotaWarning,
  type RunNotice,
  type RunSummary,
  scopeOf,
} from './results.js';
import { applyRetention } from './retain.js';
import { type EngineDeps, openScope, type RunRequest, type RunScope, take } from './scope.js';

export { RunFailedError } from './errors.js';
export type { EngineDeps, RunObserver, RunRequest } from './scope.js';

export interface RunReport {
  summary: RunSummary;
  /** Regions left at or above the quota warning threshold. */
  warnings: QuotaWarning[];
  /** Each Region's manual snapshots (all engines, all owners) after the run, against its quota. */
  quotaUse: RegionQuotaUse[];
  alert?: RunAlert;
  recorded: boolean;
  eventsFailed: number;
}

/**
 * Explicit identifiers looked for in every Region of the policy and found in none (planning/missing.ts):
 * one failure each, for the policy as a whole.
 */
function missingEverywhereResults(policy: ResolvedPolicy, plans: RegionPlan[]): ClusterResult[] {
  return missingEverywhere(plans.map(selectionOf)).map((id) =>
    failedBeforeStart(
      { clusterId: id },
      { code: 'cluster-not-found', message: notFoundMessage(id, policy.regions) },
    ),
  );
}

/**
 * Regions whose selection matched no cluster (`*`: none in any Region), unless the policy allows it. A
 * Region counts when the policy selects by tag (a typo there is silent otherwise); the whole policy counts
 * whatever it selects by, when nothing failed that would explain it.
 */
function emptySelections(policy: ResolvedPolicy, plans: RegionPlan[], failed: number): RunNotice[] {
  if (policy.allowEmpty) return [];
  const readable = plans.filter((p) => p.missing !== undefined);
  const empty = readable.filter((p) => p.tasks.length === 0 && p.failures.length === 0);
  const fix = 'check clusters in config/policies.yml, or set allowEmpty: true if this is expected';
  if (failed === 0 && readable.length > 0 && empty.length === plans.length) {
    const message = `the selection of policy "${policy.name}" matched no DocumentDB cluster in ${plans.map((p) => describeLocation(p.at)).join(', ')}: ${fix}`;
    return [{ region: NO_REGION, code: 'nothing-selected', message }];
  }
  if (Object.keys(policy.clusters.tags).length === 0) return [];
  return empty.map((p) => ({
    region: p.at.region,
    code: 'nothing-selected',
    message: `no DocumentDB cluster in ${describeLocation(p.at)} carries the tags of policy "${policy.name}": ${fix}`,
  }));
}

function byRegionAndCluster(a: ClusterResult, b: ClusterResult): number {
  return a.region.localeCompare(b.region) || a.clusterId.localeCompare(b.clusterId);
}

/** Plans one location and starts its snapshots as soon as it is planned; never throws. */
async function planAndTake(scope: RunScope, at: Location) {
  const { deps, request } = scope;
  const observer = request.observer;
  try {
    const context = {
      docdb: deps.docdb,
      log: deps.log,
      concurrency: request.concurrency ?? 10,
      signal: scope.workSignal,
      onClustersListed: observer?.onClustersListed,
    };
    const plan = await planRegion(context, request.policy, at, request.slot);
    for (const failure of plan.failures) observer?.onResult?.(failure);
    return { plan, taken: await Promise.all(plan.tasks.map((task) => take(scope, task))) };
  } catch (error) {
    // A bug or unexpected data while planning is this location's failure; the others go on.
    const failure = describeFailure(error);
    const where = describeLocation(at);
    deps.log.error('could not plan the Region', { region: where, error: failure });
    const message = `planning ${where}: ${failure.message}`;
    const result = failedBeforeStart(locationFields(at), { code: 'internal-error', message });
    observer?.onResult?.(result);
    return { plan: { at, tasks: [], failures: [result] } as RegionPlan, taken: [] };
  }
}

/** The verdict: throws RunFailedError when the run could not happen or must be retried. */
function verdict(policy: ResolvedPolicy, report: RunReport): RunReport {
  const unreadable = report.summary.results.filter((r) => scopeOf(r) === 'region');
  if (policy.regions.length > 0 && unreadable.length === policy.regions.length) {
    throw new RunFailedError(
      `no Region of policy "${policy.name}" could be read: ${unreadable.map((r) => `${r.region}: ${r.error?.message}`).join('; ')}`,
    );
  }
  if (!report.recorded)
    throw new RunFailedError(`the results of policy "${policy.name}" could not be recorded`);
  if (report.alert?.failed) {
    throw new RunFailedError(
      `the page for policy "${policy.name}" could not be sent (${report.alert.note}); the run fails so that its retry pages`,
    );
  }
  return report;
}

/**
 * Runs one policy for one slot. Per-cluster failures are results, not exceptions; it throws
 * RunFailedError for a slot ahead of the clock (before any AWS call), when no Region could be read, when
 * the results could not be recorded, or when a page could not be sent (after doing all it could).
 * @example const { summary } = await runBackup(deps, { policy, slot, deadline: Date.now() + 840_000 })
 */
export async function runBackup(deps: EngineDeps, request: RunRequest): Promise<RunReport> {
  const { policy, slot } = request;
  const ahead = slotProblem(slot, new Date(deps.clock.now()));
  if (ahead) throw new RunFailedError(`policy "${policy.name}": ${ahead}`);
  const scope = openScope(deps, request);
  const regions = await Promise.all(policy.regions.map((region) => planAndTake(scope, inOwnAccount(region))));
  const plans = regions.map((r) => r.plan);
  const missing = missingEverywhereResults(policy, plans);
  for (const failure of missing) request.observer?.onResult?.(failure);
  const tasks = plans.flatMap((p) => p.tasks);
  const retained = await applyRetention(
    scope,
    tasks,
    regions.flatMap((r) => r.taken),
  );

  const results = [...plans.flatMap((p) => p.failures), ...missing, ...retained.results].sort(
    byRegionAndCluster,
  );
  const failed = results.filter(isFailure).length;
  const summary: RunSummary = {
    policy: policy.name,
    scheduledAt: slot.toISOString(),
    results,
    deletions: retained.deletions,
    notices: emptySelections(policy, plans, failed),
  };
  const usage = await usageAfter(scope);
  const warnings = quotaWarnings(policy, usage, results);
  const reportRequest = {
    policy,
    usage,
    prefixOwners: request.prefixOwners ?? [{ policy: policy.name, prefix: policy.snapshot.prefix }],
    deadline: request.deadline,
    signal: request.signal,
  };
  const reporting = await reportRun(
    { ...scope.deps, docdb: scope.reportDocdb },
    reportRequest,
    summary,
    warnings,
    retained.unrecorded,
    scope.jobs,
  );
  return verdict(policy, { summary, warnings, quotaUse: quotaUseOf(policy, usage), ...reporting });
}

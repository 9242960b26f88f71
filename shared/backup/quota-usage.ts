/**
 * Quota usage in a run: the manual snapshots each Region held before the run, and the Regions the run
 * leaves at or above the policy's warning share of their quota.
 */
import { quotaOf } from '../policy/limits.js';
import type { ResolvedPolicy } from '../policy/schema.js';
import { describeFailure } from './failures.js';
import { inPool } from './pool.js';
import type { ClusterResult, DeletionResult, QuotaWarning } from './ports.js';
import type { RunScope } from './scope.js';

/**
 * Manual snapshots per Region before the run (undefined where they could not be counted).
 * @example await usageBefore(scope) // Map { 'us-east-1' => 42 }
 */
export async function usageBefore(scope: RunScope): Promise<Map<string, number | undefined>> {
  const { deps, request } = scope;
  const regions = request.policy.regions;
  const counts = await inPool(regions, regions.length, async (region) => {
    try {
      return (await deps.docdb.listManualSnapshots(region, scope.workSignal)).length;
    } catch (error) {
      deps.log.warn('could not count manual snapshots before the run', {
        region,
        error: describeFailure(error),
      });
      return undefined;
    }
  });
  return new Map(regions.map((region, i) => [region, counts[i]]));
}

/**
 * Regions left at or above the warning share of their quota (not those where the quota was hit).
 * @example quotaWarnings(policy, new Map([['us-east-1', 79]]), results, []) // [{ region: 'us-east-1', used: 80, ... }]
 */
export function quotaWarnings(
  policy: ResolvedPolicy,
  before: Map<string, number | undefined>,
  results: ClusterResult[],
  deletions: DeletionResult[],
): QuotaWarning[] {
  const { quota } = policy;
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

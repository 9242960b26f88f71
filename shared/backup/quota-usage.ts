/**
 * Quota usage in a run: the manual snapshots each Region holds once the run has taken and pruned its own,
 * and the Regions it leaves at or above the policy's warning share of their quota. Counted after the work,
 * not before it and adjusted: a count that raced the run's own creates would count them twice.
 */
import { quotaOf } from '../policy/limits.js';
import type { ResolvedPolicy } from '../policy/schema.js';
import { describeFailure } from './failures.js';
import { inOwnAccount } from './location.js';
import { inPool } from './pool.js';
import type { ManualSnapshot } from './ports.js';
import type { ClusterResult, QuotaWarning } from './results.js';
import type { RunScope } from './scope.js';

/** Each Region's manual snapshots (every engine, every owner); undefined where they could not be listed. */
export type QuotaUsage = Map<string, ManualSnapshot[] | undefined>;

/**
 * Lists the manual snapshots of every Region of the policy, side by side, on the work phase's time.
 * @example await usageAfter(scope) // Map { 'us-east-1' => [ …42 snapshots ] }
 */
export async function usageAfter(scope: RunScope): Promise<QuotaUsage> {
  const { deps, request } = scope;
  const regions = request.policy.regions;
  if (deps.clock.now() >= scope.cutoff) return new Map(regions.map((region) => [region, undefined]));
  const listed = await inPool(regions, regions.length, async (region) => {
    try {
      return await deps.docdb.listManualSnapshots(inOwnAccount(region), scope.workSignal);
    } catch (error) {
      deps.log.warn('could not count manual snapshots after the run', {
        region,
        error: describeFailure(error),
      });
      return undefined;
    }
  });
  return new Map(regions.map((region, i) => [region, listed[i]]));
}

/**
 * Regions left at or above the warning share of their quota (not those where the quota was hit: that
 * page is critical already).
 * @example quotaWarnings(policy, usage, results) // [{ region: 'us-east-1', used: 80, quota: 100, warnAtPercent: 80 }]
 */
export function quotaWarnings(
  policy: ResolvedPolicy,
  usage: QuotaUsage,
  results: readonly ClusterResult[],
): QuotaWarning[] {
  const { quota } = policy;
  const warnings: QuotaWarning[] = [];
  for (const [region, snapshots] of usage) {
    if (!snapshots || results.some((r) => r.region === region && r.error?.code === 'quota-exceeded'))
      continue;
    const used = snapshots.length;
    const limit = quotaOf(quota, region);
    if (used * 100 >= quota.warnAtPercent * limit)
      warnings.push({ region, used, quota: limit, warnAtPercent: quota.warnAtPercent });
  }
  return warnings;
}

/** A Region's manual snapshots after a run, against its quota (the dashboard's quota widgets). */
export interface RegionQuotaUse {
  region: string;
  used: number;
  quota: number;
}

/**
 * The Regions whose usage could be counted, with their quota.
 * @example quotaUseOf(policy, usage) // [{ region: 'us-east-1', used: 42, quota: 100 }]
 */
export function quotaUseOf(policy: ResolvedPolicy, usage: QuotaUsage): RegionQuotaUse[] {
  return [...usage].flatMap(([region, snapshots]) =>
    snapshots ? [{ region, used: snapshots.length, quota: quotaOf(policy.quota, region) }] : [],
  );
}

/**
 * How a policy's snapshots use each Region's manual snapshot quota (`quota:` in the policy file; 100 by
 * default, shared with RDS, Neptune and every other policy). Pure estimates from the schedule:
 *
 * - with retention, one cluster holds a steady number of snapshots (`steadyStateCount` of the retention
 *   planner): the policy does not fit when that alone exceeds a Region's quota;
 * - without retention nothing is ever deleted, so one cluster's snapshots fill the quota at its
 *   quota-th fire: a shortfall when that happens within a year.
 *
 * Fire times and intervals are those of the policy's schedule in its time zone (`scheduleOf`), so a local
 * time skipped or repeated at a daylight-saving change counts as EventBridge Scheduler runs it. The copies
 * a policy makes to other Regions of the service's own account count in those Regions as the copy's
 * retention keeps them (the quota counts copies in their destination). The words `validate` prints for a
 * shortfall are the CLI's (cli/quota.ts).
 */
import { quotaOf } from '../policy/limits.js';
import type { ResolvedPolicy } from '../policy/resolved.js';
import { longestIntervalSeconds, nextScheduledTimes, type Schedule, scheduleOf } from '../policy/schedule.js';
import { destinationOf } from './copies.js';
import { steadyStateCount } from './retention.js';

const DAY_MS = 86_400_000;
/** How far ahead a policy without retention is judged: filling a quota later than this is no shortfall. */
export const QUOTA_HORIZON_DAYS = 365;

/**
 * Days from `from` until one cluster's snapshots, never deleted, reach `count`; undefined when the
 * schedule fires fewer than `count` times from then on.
 * @example daysToReach('cron(0 3 * * ? *)', new Date('2026-01-01T00:00Z'), 100) // 99.125
 */
export function daysToReach(schedule: string | Schedule, from: Date, count: number): number | undefined {
  if (count < 1) return 0;
  const last = nextScheduledTimes(schedule, from, count)[count - 1];
  return last ? (last.getTime() - from.getTime()) / DAY_MS : undefined;
}

/**
 * Snapshots one cluster adds in the `days` after `from`, counted up to `cap`.
 * @example firesWithin('cron(0 3 * * ? *)', from, 365, 1000) // 365
 */
export function firesWithin(schedule: string | Schedule, from: Date, days: number, cap: number): number {
  return nextScheduledTimes(schedule, from, cap, new Date(from.getTime() + days * DAY_MS)).length;
}

/** Regions that share one quota. */
export interface QuotaGroup {
  quota: number;
  regions: string[];
}

/**
 * Regions grouped by their quota, smallest quota first.
 * @example quotaGroups(policyInUsEast1) // [{ quota: 100, regions: ['us-east-1'] }]
 */
export function quotaGroups(policy: ResolvedPolicy): QuotaGroup[] {
  const groups = new Map<number, string[]>();
  for (const region of policy.regions) {
    const quota = quotaOf(policy.quota, region);
    groups.set(quota, [...(groups.get(quota) ?? []), region]);
  }
  return [...groups].map(([quota, regions]) => ({ quota, regions })).sort((a, b) => a.quota - b.quota);
}

export type QuotaUse =
  /** Retention holds `perCluster` snapshots of each cluster once it has pruned. */
  | { kind: 'steady'; perCluster: number }
  /** Nothing is deleted: `perYear` new snapshots per cluster, counted up to 200,000 (`capped`). */
  | { kind: 'unbounded'; perYear: number; capped: boolean };

/**
 * Estimates already made during one pass over a file, by schedule, retention and cap: a file of many
 * policies usually shares a few of each, and the estimate is the costly part of `validate`.
 */
export type QuotaUseCache = Map<string, QuotaUse>;

/**
 * How one policy uses the quota per selected cluster. Pass one `cache` to every call of a pass.
 * @example quotaUse(nightlyWithoutRetention, now) // { kind: 'unbounded', perYear: 365, capped: false }
 */
export function quotaUse(policy: ResolvedPolicy, now: Date, cache?: QuotaUseCache): QuotaUse {
  const cap = Math.max(200_000, ...quotaGroups(policy).map((g) => g.quota));
  const key = `${now.getTime()} ${policy.schedule} ${policy.timezone ?? 'UTC'} ${JSON.stringify(policy.retention ?? null)} ${cap}`;
  const known = cache?.get(key);
  if (known) return known;
  const use = estimateQuotaUse(policy, now, cap);
  cache?.set(key, use);
  return use;
}

function estimateQuotaUse(policy: ResolvedPolicy, now: Date, cap: number): QuotaUse {
  const schedule = scheduleOf(policy);
  if (policy.retention) {
    const interval = longestIntervalSeconds(schedule, now);
    // Fires after `now` are never counted: do not compute them.
    const fireTimes = (from: Date, count: number) => nextScheduledTimes(schedule, from, count, now);
    const intervalMs = Number.isFinite(interval) ? interval * 1000 : QUOTA_HORIZON_DAYS * DAY_MS;
    return { kind: 'steady', perCluster: steadyStateCount(fireTimes, policy.retention, intervalMs, now) };
  }
  const perYear = firesWithin(schedule, now, QUOTA_HORIZON_DAYS, cap);
  return { kind: 'unbounded', perYear, capped: perYear === cap };
}

/** How a policy's snapshots do not fit its Regions' quotas. */
export type QuotaShortfall =
  /** With retention: one cluster's steady state alone exceeds the quota of each of `tooSmall`. */
  | { kind: 'steady'; perCluster: number; tooSmall: QuotaGroup[] }
  /**
   * Without retention: one cluster fills the quota of each of `filling` in `days` (within a year);
   * `halfDays`, when only one quota fills: the time two clusters take to fill it.
   */
  | {
      kind: 'filling';
      filling: (QuotaGroup & { days: number })[];
      halfDays?: number;
      perYear: number;
      capped: boolean;
    };

/**
 * Whether a policy's snapshots do not fit a Region's quota: with retention, when one cluster's steady
 * state alone exceeds it; without, when one cluster fills it within a year. Undefined when they fit, and
 * for a disabled policy.
 * @example quotaShortfall(nightlyWithoutRetention, now)
 *   // { kind: 'filling', filling: [{ quota: 100, regions: ['us-east-1'], days: 99.125 }], halfDays: 49.125, perYear: 365, capped: false }
 */
export function quotaShortfall(
  policy: ResolvedPolicy,
  now: Date,
  cache?: QuotaUseCache,
): QuotaShortfall | undefined {
  if (!policy.enabled) return undefined;
  const use = quotaUse(policy, now, cache);
  const groups = quotaGroups(policy);
  if (use.kind === 'steady') {
    const tooSmall = groups.filter((g) => use.perCluster > g.quota);
    return tooSmall.length === 0 ? undefined : { kind: 'steady', perCluster: use.perCluster, tooSmall };
  }
  const schedule = scheduleOf(policy);
  const filling = groups
    .map((g) => ({ ...g, days: daysToReach(schedule, now, g.quota) }))
    .filter((g): g is typeof g & { days: number } => g.days !== undefined && g.days <= QUOTA_HORIZON_DAYS);
  if (filling.length === 0) return undefined;
  const only = filling.length === 1 ? filling[0] : undefined;
  const halfDays = only ? daysToReach(schedule, now, Math.ceil(only.quota / 2)) : undefined;
  return { kind: 'filling', filling, halfDays, perYear: use.perYear, capped: use.capped };
}

/** One Region's steady state over every enabled policy with retention: what validate sums and warns about. */
export interface RegionSteadyState {
  region: string;
  quota: number;
  warnAtPercent: number;
  /** Snapshots held once retention has pruned: per-cluster steady state × clusters listed by id (at least 1). */
  total: number;
  /** Some policies also select by tag, so the real count can be higher. */
  atLeast: boolean;
  parts: SteadyPart[];
}

/** What one policy holds in a Region: its own snapshots, or its copies of another Region's (`copiesFrom`). */
export interface SteadyPart {
  policy: string;
  perCluster: number;
  clusters: number;
  /** The source Region, when this Region is a destination of the policy's copies. */
  copiesFrom?: string;
}

/**
 * Where an enabled policy holds snapshots once retention has pruned, per cluster: each of its Regions
 * (with its retention), and each own-account Region its copies go to (with the copy's retention).
 * @example steadyPlaces(nightlyCopiedToUsWest2, now) // [{ region: 'us-east-1', perCluster: 7 }, { region: 'us-west-2', perCluster: 14, copiesFrom: 'us-east-1' }]
 */
export function steadyPlaces(
  policy: ResolvedPolicy,
  now: Date,
  cache?: QuotaUseCache,
): { region: string; perCluster: number; copiesFrom?: string }[] {
  const places: { region: string; perCluster: number; copiesFrom?: string }[] = [];
  const own = policy.retention ? quotaUse(policy, now, cache) : undefined;
  for (const region of policy.regions) {
    if (own?.kind === 'steady') places.push({ region, perCluster: own.perCluster });
    for (const copy of policy.copies) {
      const at = destinationOf(copy, region);
      if (!at || at.account !== undefined || !copy.retention) continue;
      const use = quotaUse({ ...policy, retention: copy.retention }, now, cache);
      if (use.kind === 'steady')
        places.push({ region: at.region, perCluster: use.perCluster, copiesFrom: region });
    }
  }
  return places;
}

/**
 * Each Region's steady-state snapshot count from schedules × retention × selected clusters, copy
 * destinations of the own account included (`steadyPlaces`). Clusters selected by tag are unknown
 * offline: a policy counts its listed identifiers, or one cluster when it selects only by tag, and the
 * total is then a lower bound.
 * @example regionSteadyStates(policies, now)[0] // { region: 'us-east-1', total: 14, quota: 100, … }
 */
export function regionSteadyStates(
  policies: readonly ResolvedPolicy[],
  now: Date,
  cache?: QuotaUseCache,
): RegionSteadyState[] {
  const byRegion = new Map<string, RegionSteadyState>();
  for (const policy of policies) {
    if (!policy.enabled) continue;
    const byTag = Object.keys(policy.clusters.tags).length > 0;
    const clusters = Math.max(1, policy.clusters.identifiers.length);
    for (const { region, perCluster, copiesFrom } of steadyPlaces(policy, now, cache)) {
      const state = byRegion.get(region) ?? {
        region,
        quota: quotaOf(policy.quota, region),
        warnAtPercent: policy.quota.warnAtPercent,
        total: 0,
        atLeast: false,
        parts: [],
      };
      state.total += perCluster * clusters;
      state.atLeast ||= byTag;
      const part: SteadyPart = { policy: policy.name, perCluster, clusters };
      state.parts.push(copiesFrom === undefined ? part : { ...part, copiesFrom });
      byRegion.set(region, state);
    }
  }
  return [...byRegion.values()].sort((a, b) => a.region.localeCompare(b.region));
}

/** How full a Region's steady state keeps its quota, once it reaches the warning threshold. */
export interface RegionQuotaPressure {
  /** The steady state as a share of the quota, rounded. */
  percent: number;
  /** More than the quota, not only at or above the warning threshold. */
  overQuota: boolean;
}

/**
 * Whether a Region's steady state reaches `quota.warnAtPercent` of its quota; undefined below it.
 * @example regionQuotaPressure({ total: 84, quota: 100, warnAtPercent: 80, … }) // { percent: 84, overQuota: false }
 */
export function regionQuotaPressure(state: RegionSteadyState): RegionQuotaPressure | undefined {
  if (state.total * 100 < state.warnAtPercent * state.quota) return undefined;
  return { percent: Math.round((state.total / state.quota) * 100), overQuota: state.total > state.quota };
}

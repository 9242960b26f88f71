/**
 * How a policy's snapshots use each Region's manual snapshot quota (`quota:` in the policy file; 100 by
 * default, shared with RDS, Neptune and every other policy). Pure estimates from the schedule:
 *
 * - with retention, one cluster holds a steady number of snapshots (`steadyStateCount` of the retention
 *   planner): the policy does not fit when that alone exceeds a Region's quota;
 * - without retention nothing is ever deleted, so one cluster's snapshots fill the quota at its
 *   quota-th fire: worth a warning when that happens within a year.
 *
 * Fire times and intervals are those of the policy's schedule in its time zone (`scheduleOf`), so a local
 * time skipped or repeated at a daylight-saving change counts as EventBridge Scheduler runs it.
 */
import { steadyStateCount } from '../planning/retention.js';
import {
  longestIntervalSeconds,
  nextScheduledTimes,
  type ResolvedPolicy,
  type Schedule,
  scheduleOf,
} from '../policy/index.js';
import { quotaOf } from '../policy/schema.js';
import { formatSpan } from './time.js';

const DAY_MS = 86_400_000;
const YEAR_DAYS = 365;

/**
 * Days from `from` until one cluster's snapshots, never deleted, reach `count`; undefined when the
 * schedule fires fewer than `count` times from then on.
 * Example: `daysToReach('cron(0 3 * * ? *)', new Date('2026-01-01T00:00Z'), 100)` → `99.125`
 */
export function daysToReach(schedule: string | Schedule, from: Date, count: number): number | undefined {
  if (count < 1) return 0;
  const last = nextScheduledTimes(schedule, from, count)[count - 1];
  return last ? (last.getTime() - from.getTime()) / DAY_MS : undefined;
}

/**
 * Snapshots one cluster adds in the `days` after `from`, counted up to `cap`.
 * Example: `firesWithin('cron(0 3 * * ? *)', from, 365, 1000)` → `365`
 */
export function firesWithin(schedule: string | Schedule, from: Date, days: number, cap: number): number {
  return nextScheduledTimes(schedule, from, cap, new Date(from.getTime() + days * DAY_MS)).length;
}

/** Regions grouped by their quota, smallest quota first: `[{ quota: 100, regions: ['us-east-1'] }]`. */
export function quotaGroups(policy: ResolvedPolicy): { quota: number; regions: string[] }[] {
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
 * Example: `quotaUse(nightlyWithoutRetention, now)` → `{ kind: 'unbounded', perYear: 365, capped: false }`
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
    const intervalMs = Number.isFinite(interval) ? interval * 1000 : YEAR_DAYS * DAY_MS;
    return { kind: 'steady', perCluster: steadyStateCount(fireTimes, policy.retention, intervalMs, now) };
  }
  const perYear = firesWithin(schedule, now, YEAR_DAYS, cap);
  return { kind: 'unbounded', perYear, capped: perYear === cap };
}

/** `99 days`, or hours and minutes under two days: `1h 39m`. */
function inTime(days: number): string {
  return days >= 2 ? `${Math.floor(days)} days` : formatSpan(days * 86_400);
}

function list(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

const SHARED = 'the quota is shared with RDS, Neptune and other policies';

/**
 * The `validate` warning for a policy whose snapshots do not fit a Region's quota, or undefined when they
 * do: with retention, when one cluster's steady state alone exceeds it; without, when one cluster fills it
 * within a year.
 * Example: `quotaWarning(nightlyWithoutRetention, now)`
 *   → `'without retention this policy fills the 100-snapshot quota of us-east-1 in 99 days with one selected cluster (49 with two; …)'`
 */
export function quotaWarning(policy: ResolvedPolicy, now: Date, cache?: QuotaUseCache): string | undefined {
  if (!policy.enabled) return undefined;
  const use = quotaUse(policy, now, cache);
  const groups = quotaGroups(policy);
  if (use.kind === 'steady') {
    const tooSmall = groups.filter((g) => use.perCluster > g.quota);
    if (tooSmall.length === 0) return undefined;
    const quotas = tooSmall.map((g) => `the ${g.quota}-snapshot quota of ${list(g.regions)}`);
    return (
      `its retention holds about ${use.perCluster} snapshots of each cluster once it has pruned: more than ` +
      `${list(quotas)} can hold for one cluster (${SHARED}): keep fewer, or raise the quota`
    );
  }
  const schedule = scheduleOf(policy);
  const filling = groups
    .map((g) => ({ ...g, days: daysToReach(schedule, now, g.quota) }))
    .filter((g): g is typeof g & { days: number } => g.days !== undefined && g.days <= YEAR_DAYS);
  if (filling.length === 0) return undefined;
  const fills = filling.map(
    (g) => `the ${g.quota}-snapshot quota of ${list(g.regions)} in ${inTime(g.days)}`,
  );
  const only = filling.length === 1 ? filling[0] : undefined;
  const half = only ? daysToReach(schedule, now, Math.ceil(only.quota / 2)) : undefined;
  const two = half === undefined ? '' : `${inTime(half)} with two; `;
  return (
    `without retention this policy fills ${list(fills)} with one selected cluster ` +
    `(${two}${use.capped ? 'more than ' : ''}${use.perYear} snapshots a year per cluster; ${SHARED}): add ` +
    'retention, or delete old snapshots in time'
  );
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
  parts: { policy: string; perCluster: number; clusters: number }[];
}

/**
 * Each Region's steady-state snapshot count from schedules × retention × selected clusters. Clusters
 * selected by tag are unknown offline: a policy counts its listed identifiers, or one cluster when it
 * selects only by tag, and the total is then a lower bound.
 * Example: `regionSteadyStates(policies, now)[0]` → `{ region: 'us-east-1', total: 14, quota: 100, … }`
 */
export function regionSteadyStates(
  policies: readonly ResolvedPolicy[],
  now: Date,
  cache?: QuotaUseCache,
): RegionSteadyState[] {
  const byRegion = new Map<string, RegionSteadyState>();
  for (const policy of policies) {
    if (!policy.enabled || !policy.retention) continue;
    const use = quotaUse(policy, now, cache);
    if (use.kind !== 'steady') continue;
    const byTag = Object.keys(policy.clusters.tags).length > 0;
    const clusters = Math.max(1, policy.clusters.identifiers.length);
    for (const region of policy.regions) {
      const state = byRegion.get(region) ?? {
        region,
        quota: quotaOf(policy.quota, region),
        warnAtPercent: policy.quota.warnAtPercent,
        total: 0,
        atLeast: false,
        parts: [],
      };
      state.total += use.perCluster * clusters;
      state.atLeast ||= byTag;
      state.parts.push({ policy: policy.name, perCluster: use.perCluster, clusters });
      byRegion.set(region, state);
    }
  }
  return [...byRegion.values()].sort((a, b) => a.region.localeCompare(b.region));
}

/**
 * The validate warning for a Region whose steady state reaches the warning threshold or the quota, or
 * undefined when it fits.
 * Example: `regionQuotaWarning(state)` → `'in us-east-1 the policies hold about 90 snapshots once retention has pruned …'`
 */
export function regionQuotaWarning(state: RegionSteadyState): string | undefined {
  const percent = Math.round((state.total / state.quota) * 100);
  if (state.total * 100 < state.warnAtPercent * state.quota) return undefined;
  const parts = state.parts.map(
    (p) => `${p.policy} ${p.perCluster} × ${p.clusters} cluster${p.clusters === 1 ? '' : 's'}`,
  );
  const level =
    state.total > state.quota
      ? 'more than the quota'
      : `at or above the ${state.warnAtPercent}% warning threshold`;
  return (
    `in ${state.region} the policies hold ${state.atLeast ? 'at least ' : 'about '}${state.total} snapshots once retention has pruned ` +
    `(${parts.join(', ')}): ${percent}% of the ${state.quota}-snapshot quota, ${level} (${SHARED}): keep fewer, or raise the quota`
  );
}

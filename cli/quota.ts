/**
 * The `validate` warnings about the manual snapshot quota, in words (the estimates and when they fall
 * short: shared/planning/quota-use.ts).
 */
import {
  type QuotaUseCache,
  quotaShortfall,
  type RegionSteadyState,
  regionQuotaPressure,
} from '../shared/planning/quota-use.js';
import type { ResolvedPolicy } from '../shared/policy/resolved.js';
import { formatSpan } from './time.js';

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
 * do (see `quotaShortfall`).
 * Example: `quotaWarning(nightlyWithoutRetention, now)`
 *   → `'without retention this policy fills the 100-snapshot quota of us-east-1 in 99 days with one selected cluster (49 with two; …)'`
 */
export function quotaWarning(policy: ResolvedPolicy, now: Date, cache?: QuotaUseCache): string | undefined {
  const shortfall = quotaShortfall(policy, now, cache);
  if (!shortfall) return undefined;
  if (shortfall.kind === 'steady') {
    const quotas = shortfall.tooSmall.map((g) => `the ${g.quota}-snapshot quota of ${list(g.regions)}`);
    return (
      `its retention holds about ${shortfall.perCluster} snapshots of each cluster once it has pruned: more than ` +
      `${list(quotas)} can hold for one cluster (${SHARED}): keep fewer, or raise the quota`
    );
  }
  const fills = shortfall.filling.map(
    (g) => `the ${g.quota}-snapshot quota of ${list(g.regions)} in ${inTime(g.days)}`,
  );
  const two = shortfall.halfDays === undefined ? '' : `${inTime(shortfall.halfDays)} with two; `;
  return (
    `without retention this policy fills ${list(fills)} with one selected cluster ` +
    `(${two}${shortfall.capped ? 'more than ' : ''}${shortfall.perYear} snapshots a year per cluster; ${SHARED}): add ` +
    'retention, or delete old snapshots in time'
  );
}

/**
 * The validate warning for a Region whose steady state reaches the warning threshold or the quota, or
 * undefined when it fits (see `regionQuotaPressure`). A destination of copies names itself as one, and
 * each part that is copies names the Region they come from.
 * Example: `regionQuotaWarning(state)` → `'in us-east-1 the policies hold about 90 snapshots once retention has pruned …'`
 */
export function regionQuotaWarning(state: RegionSteadyState): string | undefined {
  const pressure = regionQuotaPressure(state);
  if (!pressure) return undefined;
  const parts = state.parts.map(
    (p) =>
      `${p.policy}${p.copiesFrom === undefined ? '' : ` copies from ${p.copiesFrom}`} ` +
      `${p.perCluster} × ${p.clusters} cluster${p.clusters === 1 ? '' : 's'}`,
  );
  const level = pressure.overQuota
    ? 'more than the quota'
    : `at or above the ${state.warnAtPercent}% warning threshold`;
  return (
    `in ${state.region}${state.parts.some((p) => p.copiesFrom !== undefined) ? ' (a destination of copies)' : ''} the policies hold ${state.atLeast ? 'at least ' : 'about '}${state.total} snapshots once retention has pruned ` +
    `(${parts.join(', ')}): ${pressure.percent}% of the ${state.quota}-snapshot quota, ${level} (${SHARED}): keep fewer, or raise the quota`
  );
}

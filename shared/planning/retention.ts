/**
 * Retention planning: which of a cluster's snapshots a policy keeps and which it may delete. Pure: the
 * caller brings the candidates (this policy's snapshots of one cluster whose ownership it proved from
 * tags), the time the run happens and the run's own slot and snapshot. Only proven, `available`
 * snapshots (and the run's own new one) count toward a rule; a snapshot is deleted only when no rule keeps
 * it, it is proven ours and `available`, it is not the cluster's newest available one, not the run's own,
 * and not taken for a slot newer than the run's.
 */

import type { RetentionRules } from '../policy/resolved.js';

/** The policy's `retention` block, once validated (resolved.ts): at least one rule is set. */
export type { RetentionRules };

export interface RetentionCandidate {
  snapshotId: string;
  status: string;
  /** The slot the snapshot was taken for (from its proven `scheduled-at` tag). */
  takenAt: Date;
  /** True only when its tags were read and prove this policy created it for this cluster (ownership.ts). */
  owned?: boolean;
}

/** What the run itself protects, whatever the rules say. */
export interface RunGuard {
  /** The run's slot: a snapshot taken for a newer slot is never deleted by this run. */
  slot: Date;
  /** The snapshot this run created (or found already existing) for its slot: kept, and counted as kept. */
  current?: string;
}

export interface RetentionPlan {
  /** Snapshots kept, newest first, with the rules that keep them. */
  keep: { snapshotId: string; reasons: string[] }[];
  /** Snapshots no rule keeps, newest first: proven ours and `available`. */
  delete: { snapshotId: string; reason: string }[];
  /** The newest `available` candidate: never deleted, whatever the rules say. */
  newestAvailable?: string;
}

const DAY_MS = 86_400_000;

function dayKey(t: Date): number {
  return Math.floor(t.getTime() / DAY_MS);
}

/** Monday-based week number since the epoch (1970-01-01 was a Thursday). */
function weekKey(t: Date): number {
  return Math.floor((dayKey(t) + 3) / 7);
}

function monthKey(t: Date): number {
  return t.getUTCFullYear() * 12 + t.getUTCMonth();
}

/** Newest snapshot per bucket, for the `count` buckets ending with the bucket of `now`. */
function newestPerBucket(
  sorted: readonly RetentionCandidate[],
  count: number,
  key: (t: Date) => number,
  now: Date,
): Set<string> {
  const current = key(now);
  const kept = new Set<string>();
  const seen = new Set<number>();
  for (const candidate of sorted) {
    const bucket = key(candidate.takenAt);
    if (bucket > current || bucket <= current - count || seen.has(bucket)) continue;
    seen.add(bucket);
    kept.add(candidate.snapshotId);
  }
  return kept;
}

function describeRules(rules: RetentionRules): string {
  const parts = Object.entries(rules)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key} ${value}`);
  return parts.join(', ');
}

function newestFirst(a: RetentionCandidate, b: RetentionCandidate): number {
  return b.takenAt.getTime() - a.takenAt.getTime() || (a.snapshotId < b.snapshotId ? 1 : -1);
}

/** Why each counted snapshot is kept by a rule (ids with no rule map to an empty list). */
function ruleReasons(
  counted: readonly RetentionCandidate[],
  rules: RetentionRules,
  now: Date,
): Map<string, string[]> {
  const reasons = new Map<string, string[]>(counted.map((c) => [c.snapshotId, []]));
  const because = (ids: Iterable<string>, why: string) => {
    for (const id of ids) reasons.get(id)?.push(why);
  };
  if (rules.keepLast !== undefined)
    because(
      counted.slice(0, rules.keepLast).map((c) => c.snapshotId),
      `keepLast ${rules.keepLast}`,
    );
  if (rules.maxAgeDays !== undefined) {
    const limit = rules.maxAgeDays * DAY_MS;
    because(
      counted.filter((c) => now.getTime() - c.takenAt.getTime() < limit).map((c) => c.snapshotId),
      `maxAgeDays ${rules.maxAgeDays}`,
    );
  }
  if (rules.daily !== undefined)
    because(newestPerBucket(counted, rules.daily, dayKey, now), `daily ${rules.daily}`);
  if (rules.weekly !== undefined)
    because(newestPerBucket(counted, rules.weekly, weekKey, now), `weekly ${rules.weekly}`);
  if (rules.monthly !== undefined)
    because(newestPerBucket(counted, rules.monthly, monthKey, now), `monthly ${rules.monthly}`);
  return reasons;
}

/**
 * Plans retention for one cluster. `now` is the time the run happens (never an older slot's time).
 * Candidates not proven ours (`owned` not true) are ignored entirely: neither kept, deleted nor counted.
 * Only `available` ones and `guard.current` count toward the rules; others are kept for their status.
 * @example planRetention(snapshots, { keepLast: 7 }, new Date(), { slot, current: 'nightly-orders-20261128-0300' }).delete
 */
export function planRetention(
  candidates: readonly RetentionCandidate[],
  rules: RetentionRules,
  now: Date,
  guard?: RunGuard,
): RetentionPlan {
  const sorted = candidates.filter((c) => c.owned === true).sort(newestFirst);
  const counts = (c: RetentionCandidate) => c.status === 'available' || c.snapshotId === guard?.current;
  const newestAvailable = sorted.find((c) => c.status === 'available')?.snapshotId;
  const reasons = ruleReasons(sorted.filter(counts), rules, now);
  const plan: RetentionPlan = { keep: [], delete: [], newestAvailable };
  const ruleText = describeRules(rules);
  for (const candidate of sorted) {
    const why = reasons.get(candidate.snapshotId) ?? [];
    if (candidate.snapshotId === guard?.current) why.push("this run's snapshot");
    if (guard && candidate.takenAt.getTime() > guard.slot.getTime()) why.push("newer than this run's slot");
    if (candidate.snapshotId === newestAvailable) why.push('newest available');
    if (!counts(candidate)) why.push(`status ${candidate.status}`);
    if (why.length > 0 || ruleText === '') plan.keep.push({ snapshotId: candidate.snapshotId, reasons: why });
    else plan.delete.push({ snapshotId: candidate.snapshotId, reason: `kept by no rule (${ruleText})` });
  }
  return plan;
}

/**
 * The slot encoded in a snapshot id this service made (`…-yyyymmdd-hhmm`), or undefined.
 * @example slotFromSnapshotId('nightly-orders-20261128-0300') // 2026-11-28T03:00:00.000Z
 */
export function slotFromSnapshotId(snapshotId: string): Date | undefined {
  const match = /-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})$/.exec(snapshotId);
  if (!match) return undefined;
  const [, y, mo, d, h, mi] = match;
  const time = new Date(`${y}-${mo}-${d}T${h}:${mi}:00.000Z`);
  return Number.isNaN(time.getTime()) || time.toISOString().slice(0, 16) !== `${y}-${mo}-${d}T${h}:${mi}`
    ? undefined
    : time;
}

/** How far back (ms) a rule can keep a snapshot, given the time between fires. */
function reachMs(rules: RetentionRules, fireIntervalMs: number): number {
  return Math.max(
    (rules.keepLast ?? 0) * fireIntervalMs,
    (rules.maxAgeDays ?? 0) * DAY_MS,
    (rules.daily ?? 0) * DAY_MS,
    (rules.weekly ?? 0) * 7 * DAY_MS,
    (rules.monthly ?? 0) * 31 * DAY_MS,
  );
}

/**
 * How many snapshots of one cluster the policy holds once retention has reached its steady state: the
 * largest number kept just after a run, over sampled runs of the last cycle. `fireTimes(from, count)`
 * gives the schedule's fire times after `from` (e.g. nextScheduledTimes bound to the expression).
 * @example steadyStateCount((from, n) => nextScheduledTimes('cron(0 3 * * ? *)', from, n), { keepLast: 7 }, 86_400_000, now) // 7
 */
export function steadyStateCount(
  fireTimes: (from: Date, count: number) => Date[],
  rules: RetentionRules,
  fireIntervalMs: number,
  now: Date,
  maxFires = 20_000,
): number {
  const reach = reachMs(rules, fireIntervalMs) + 2 * fireIntervalMs + 32 * DAY_MS;
  const fires = fireTimes(new Date(now.getTime() - 2 * reach), maxFires).filter((t) => t <= now);
  if (fires.length === 0) return 0;
  const recent = fires.filter((t) => t.getTime() >= now.getTime() - Math.min(reach, 62 * DAY_MS));
  const step = Math.max(1, Math.ceil(recent.length / 120));
  let most = 0;
  for (let i = recent.length - 1; i >= 0; i -= step) {
    const at = recent[i] as Date;
    const candidates = fires
      .filter((t) => t <= at && at.getTime() - t.getTime() <= reach)
      .map((t) => ({ snapshotId: t.toISOString(), status: 'available', takenAt: t, owned: true }));
    most = Math.max(most, planRetention(candidates, rules, at).keep.length);
  }
  return most;
}

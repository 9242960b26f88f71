/**
 * "Is this cluster protected?": a cluster is overdue when its newest available snapshot from its policy is
 * older than the schedule's longest gap between runs plus slack (25% of that gap, at least one hour), or
 * when it has none. The slack covers a run's retries and the time a snapshot takes to become available.
 * Pure: every time is an argument. The words for people are the CLI's (cli/protection.ts).
 */

export const OVERDUE_SLACK_RATIO = 0.25;
export const MIN_OVERDUE_SLACK_SECONDS = 3_600;

/**
 * Seconds after which a cluster without a newer snapshot is overdue: `longest + max(25% of longest, 1 h)`;
 * `Infinity` when the schedule fires fewer than twice from now on.
 * @example overdueAfterSeconds(86_400) // 108_000 (daily: 30 h)
 */
export function overdueAfterSeconds(longestIntervalSeconds: number): number {
  if (!Number.isFinite(longestIntervalSeconds)) return Number.POSITIVE_INFINITY;
  return (
    longestIntervalSeconds + Math.max(longestIntervalSeconds * OVERDUE_SLACK_RATIO, MIN_OVERDUE_SLACK_SECONDS)
  );
}

/**
 * A cluster's protection: `ok` and `overdue` as `assessProtection` judges them; `missing` for a cluster a
 * policy names that exists in none of its Regions; `unknown` when its snapshots could not be read.
 */
export type ProtectionState = 'ok' | 'overdue' | 'missing' | 'unknown';

export interface ProtectionInput {
  now: Date;
  /** When the newest available snapshot of the policy was taken; undefined when there is none. */
  newestSnapshotAt?: Date;
  overdueAfterSeconds: number;
}

export interface Protection {
  state: 'ok' | 'overdue';
  /** Age of the newest snapshot, in seconds; undefined when there is none. */
  ageSeconds?: number;
  /** The limit it was judged against (`Infinity`: the schedule fires fewer than twice from now on). */
  overdueAfterSeconds: number;
}

/**
 * Whether one cluster is protected by its policy now. A snapshot from the future (clock skew) is brand new.
 * @example assessProtection({ now, newestSnapshotAt: thirtyOneHoursAgo, overdueAfterSeconds: 108_000 })
 *   // { state: 'overdue', ageSeconds: 111_600, overdueAfterSeconds: 108_000 }
 */
export function assessProtection(input: ProtectionInput): Protection {
  const limit = input.overdueAfterSeconds;
  if (!input.newestSnapshotAt) {
    return { state: Number.isFinite(limit) ? 'overdue' : 'ok', overdueAfterSeconds: limit };
  }
  const ageSeconds = Math.max(0, (input.now.getTime() - input.newestSnapshotAt.getTime()) / 1000);
  return { state: ageSeconds <= limit ? 'ok' : 'overdue', ageSeconds, overdueAfterSeconds: limit };
}

/**
 * What a run produces: one result per cluster, the snapshots retention deleted, the notices and quota
 * warnings. Returned by the function, recorded in the results table, published as events and paged.
 */
import type { Failure } from '../planning/failure.js';

export type { Failure, FailureCode } from '../planning/failure.js';

/**
 * How one cluster's backup ended in a run. `pending`: the cluster stayed busy through the run while its
 * start window is open; the reconciler keeps trying (no failure, no page).
 */
export type Outcome = 'created' | 'already-exists' | 'pending' | 'failed' | 'skipped';

/**
 * The Region of a result that belongs to no single Region: an explicit identifier found in none of the
 * policy's Regions, or a notice about the policy as a whole. Written as `*` in results, events and the table.
 */
export const NO_REGION = '*';
/** The cluster id of a result about a whole Region (it could not be listed or planned). Written as `*`. */
export const WHOLE_REGION = '*';

/** What a result is about: one cluster, a whole Region, or the policy across its Regions. */
export type ResultScope = 'cluster' | 'region' | 'policy';

/** One cluster's result in one run: returned, recorded, evented. */
export interface ClusterResult {
  /** The Region, or NO_REGION for an explicit identifier found in none of the policy's Regions. */
  region: string;
  /**
   * The account, when it is not the service's own; absent for the own account (the only one for now).
   * See location.ts.
   */
  account?: string;
  /** The cluster id, or WHOLE_REGION for a Region whose clusters could not be listed or planned. */
  clusterId: string;
  outcome: Outcome;
  snapshotId?: string;
  attempts: number;
  error?: Failure;
  durationMs: number;
}

/**
 * What a result is about.
 * @example scopeOf({ region: 'us-east-1', clusterId: '*' }) // 'region'
 */
export function scopeOf(result: Pick<ClusterResult, 'region' | 'clusterId'>): ResultScope {
  if (result.region === NO_REGION) return 'policy';
  return result.clusterId === WHOLE_REGION ? 'region' : 'cluster';
}

/**
 * A failure before any snapshot was asked for: of one cluster, of a whole Region (`clusterId` omitted) or
 * of the policy across its Regions (`region` omitted).
 * @example failedBeforeStart({ region: 'us-east-1' }, { code: 'region-unavailable', message: '…' })
 */
export function failedBeforeStart(
  where: { region?: string; account?: string; clusterId?: string },
  error: Failure,
): ClusterResult {
  const result: ClusterResult = {
    region: where.region ?? NO_REGION,
    clusterId: where.clusterId ?? WHOLE_REGION,
    outcome: 'failed',
    attempts: 0,
    durationMs: 0,
    error,
  };
  if (where.account !== undefined) result.account = where.account;
  return result;
}

/** The outcomes that leave the slot without a backup of the cluster. */
export function isFailure(result: Pick<ClusterResult, 'outcome'>): boolean {
  return result.outcome === 'failed' || result.outcome === 'skipped';
}

/** The outcomes that leave the slot with this policy's snapshot of the cluster. */
export function isSnapshotTaken(result: Pick<ClusterResult, 'outcome'>): boolean {
  return result.outcome === 'created' || result.outcome === 'already-exists';
}

/**
 * How many results ended each way: the one count the function, its metrics and the CLI report.
 * @example countOutcomes([{ outcome: 'created', … }]).created // 1
 */
export function countOutcomes(results: readonly Pick<ClusterResult, 'outcome'>[]): Record<Outcome, number> {
  const counts: Record<Outcome, number> = {
    created: 0,
    'already-exists': 0,
    pending: 0,
    failed: 0,
    skipped: 0,
  };
  for (const r of results) counts[r.outcome]++;
  return counts;
}

/** One snapshot retention deleted (or failed to delete) in a run. */
export interface DeletionResult {
  region: string;
  /** The account, when it is not the service's own (see ClusterResult.account). */
  account?: string;
  clusterId: string;
  /** WHOLE_CLUSTER when the cluster's snapshots could not be read. */
  snapshotId: string;
  outcome: 'deleted' | 'failed';
  /** Why retention let it go, e.g. `kept by no rule (keepLast 7)`. */
  reason: string;
  error?: Failure;
}

/** The snapshot id of a deletion failure about all of a cluster's snapshots (they could not be read). Written as `*`. */
export const WHOLE_CLUSTER = '*';

/** What the results table holds of a deletion: `deleting` is written before the call, then the outcome. */
export type DeletionRecord = Omit<DeletionResult, 'outcome'> & {
  outcome: DeletionResult['outcome'] | 'deleting';
};

/** A Region left at or above the warning share of its snapshot quota after the run. */
export interface QuotaWarning {
  region: string;
  used: number;
  quota: number;
  warnAtPercent: number;
}

/**
 * Something on-call should know that is not a cluster's failure: a Region (or, as NO_REGION, the whole
 * policy) whose selection matched no cluster. Pages a warning unless the policy says `allowEmpty: true`.
 */
export interface RunNotice {
  /** The Region, or NO_REGION for the policy as a whole. */
  region: string;
  code: 'nothing-selected';
  message: string;
}

export interface RunSummary {
  policy: string;
  scheduledAt: string;
  results: ClusterResult[];
  /** Snapshots retention deleted; empty when the policy has no retention. */
  deletions: DeletionResult[];
  /** Warnings about the run as a whole (nothing selected). */
  notices?: RunNotice[];
}

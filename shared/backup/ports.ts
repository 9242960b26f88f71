/**
 * The engine's view of the outside world. shared/aws implements these with AWS SDK v3 clients; tests pass
 * fakes. Every method takes an AbortSignal that fires when the run must stop calling AWS.
 */
import type { ClusterInfo, Tag } from '../planning/index.js';

export interface CreatedSnapshot {
  snapshotId: string;
  status: string;
}

export interface ExistingSnapshot {
  snapshotId: string;
  clusterId: string;
  status: string;
  type: string;
  createdAt?: Date;
  tags: Record<string, string>;
}

/** A manual snapshot as counted against the Region's quota (any engine, any owner); no tags. */
export interface ManualSnapshot {
  snapshotId: string;
  clusterId: string;
  arn: string;
  status: string;
  createdAt?: Date;
}

/** DocumentDB in every Region the policy names. */
export interface DocdbPort {
  /** Every DocumentDB cluster of the Region (other engines excluded), all pages. */
  listClusters(region: string, signal?: AbortSignal): Promise<ClusterInfo[]>;
  listTags(region: string, arn: string, signal?: AbortSignal): Promise<Record<string, string>>;
  /** Throws ClusterBusyError, SnapshotAlreadyExistsError, SnapshotQuotaExceededError, ClusterNotFoundError or the SDK's error. */
  createSnapshot(
    region: string,
    request: { clusterId: string; snapshotId: string; tags: Tag[] },
    signal?: AbortSignal,
  ): Promise<CreatedSnapshot>;
  /** The snapshot with this id and its tags, or undefined when there is none. */
  findSnapshot(
    region: string,
    snapshotId: string,
    signal?: AbortSignal,
  ): Promise<ExistingSnapshot | undefined>;
  /** Every manual cluster snapshot in the Region, all engines: what counts against the quota. */
  listManualSnapshots(region: string, signal?: AbortSignal): Promise<ManualSnapshot[]>;
  /** The manual snapshots of one cluster (no tags), all pages. */
  listClusterSnapshots(region: string, clusterId: string, signal?: AbortSignal): Promise<ManualSnapshot[]>;
  /** Deletes one manual snapshot. Only ever called for snapshots whose ownership tags were just read. */
  deleteSnapshot(region: string, snapshotId: string, signal?: AbortSignal): Promise<void>;
}

/** A cluster of any engine (DocumentDB, Aurora, Neptune, …) as DescribeDBClusters lists it; no tags. */
export interface AnyEngineCluster extends ClusterInfo {
  engine: string;
}

/** Read-only lookups only the operator CLI makes (its `plan` explains clusters the engine never sees). */
export interface ClusterInventory {
  /** Every cluster of the Region whatever its engine, all pages. */
  listClustersOfAnyEngine(region: string, signal?: AbortSignal): Promise<AnyEngineCluster[]>;
}

export type Outcome = 'created' | 'already-exists' | 'failed' | 'skipped';

/** One cluster's result in one run: returned, recorded, evented. */
export interface ClusterResult {
  /** The Region, or `*` for an explicit identifier found in none of the policy's Regions. */
  region: string;
  /** The cluster id, or `*` for a Region whose clusters could not be listed. */
  clusterId: string;
  outcome: Outcome;
  snapshotId?: string;
  attempts: number;
  /** A stable machine code (e.g. `cluster-busy`, `quota-exceeded`) and a sentence a person can act on. */
  error?: { code: string; message: string };
  durationMs: number;
}

/** One snapshot retention deleted (or failed to delete) in a run. */
export interface DeletionResult {
  region: string;
  clusterId: string;
  /** `*` when the cluster's snapshots could not be read. */
  snapshotId: string;
  outcome: 'deleted' | 'failed';
  /** Why retention let it go, e.g. `kept by no rule (keepLast 7)`. */
  reason: string;
  error?: { code: string; message: string };
}

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
 * Something on-call should know that is not a cluster's failure: a Region (or, as `*`, the whole policy)
 * whose selection matched no cluster. Pages a warning unless the policy says `allowEmpty: true`.
 */
export interface RunNotice {
  /** The Region, or `*` for the policy as a whole. */
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

/** The outcome of claiming a slot's one page. */
export type AlertClaim =
  /** Ours to send: confirm it once SNS accepted it, release it when it could not be sent. */
  | { state: 'claimed'; policy: string; scheduledAt: string; token: string; rank: number; leaseUntil: number }
  /** A page this severe (or more) was already sent for this slot. */
  | { state: 'sent' }
  /** Another run of this slot holds the claim until `until` (epoch ms). */
  | { state: 'in-progress'; until: number };

/** Where results are kept (DynamoDB in AWS). */
export interface ResultStore {
  /** Writes the cluster results, notices and the given deletions (conditionally, like recordDeletion). */
  record(summary: RunSummary, signal?: AbortSignal): Promise<void>;
  /**
   * Records one retention deletion as it happens (`deleting` before the call, then its outcome); a
   * `deleted` record is never overwritten.
   */
  recordDeletion(
    run: { policy: string; scheduledAt: string },
    deletion: DeletionRecord,
    signal?: AbortSignal,
  ): Promise<void>;
  /**
   * Claims the page of a policy's slot at a severity until `leaseUntil` (epoch ms: while the claiming run
   * sends it). One page per slot, unless a later run of the slot must say something more severe.
   * A claim that was released, or whose holder passed its lease without confirming, can be claimed again.
   */
  claimAlert(
    policy: string,
    scheduledAt: string,
    leaseUntil: number,
    options?: { severity?: Alert['severity']; signal?: AbortSignal },
  ): Promise<AlertClaim>;
  /** The page went out: no run of this slot pages again. */
  confirmAlert(claim: Extract<AlertClaim, { state: 'claimed' }>, signal?: AbortSignal): Promise<void>;
  /** The page could not be sent: a retry of the slot may page. Never undoes another run's claim or page. */
  releaseAlert(claim: Extract<AlertClaim, { state: 'claimed' }>, signal?: AbortSignal): Promise<void>;
}

/** Where result events go (EventBridge in AWS). Returns how many events could not be delivered. */
export interface ResultEvents {
  publish(summary: RunSummary, signal?: AbortSignal): Promise<{ failed: number }>;
}

export interface Alert {
  policy: string;
  severity: 'critical' | 'error' | 'warning';
  subject: string;
  body: string;
}

/** Pages on-call (SNS in AWS). */
export interface Alerter {
  send(alert: Alert, signal?: AbortSignal): Promise<void>;
}

/** Structured log lines; the handler wires Powertools Logger. */
export interface RunLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Time, injectable so no test sleeps for real. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/**
 * The engine's view of the outside world. shared/aws implements these with AWS SDK v3 clients; tests pass
 * fakes. Every method takes an AbortSignal that fires when the run must stop calling AWS.
 */

import type { CopyChange, CopyJob, CopyTransition } from '../planning/copies.js';
import type { ClusterInfo, Tag } from '../planning/index.js';
import type { BackupJob, JobChange, JobTransition } from '../planning/jobs.js';
import type { Clock } from './clock.js';
import type { Location } from './location.js';
import type { DeletionRecord, RunSummary } from './results.js';

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
  /** Whether it is encrypted at rest, and with which KMS key (ARN), when AWS said. */
  encrypted?: boolean;
  kmsKeyId?: string;
}

/** A CopyDBClusterSnapshot request, made in the destination location. */
export interface CopyRequest {
  /**
   * The source snapshot's ARN (another Region's or a shared one's). When its Region is not the
   * destination's, the SDK pre-signs the request in the source Region (PreSignedUrl, middleware-sdk-rds).
   */
  sourceArn: string;
  /** The copy's id in the destination. */
  snapshotId: string;
  /** The destination key the copy is encrypted with; required for an encrypted source. */
  kmsKeyId?: string;
  /** Copy the source's tags too (only where the source's tags are readable: the same account). */
  copyTags: boolean;
  tags: Tag[];
}

/** DocumentDB in every Region the policy names, and in the destinations of its copies. */
export interface DocdbPort extends SourcePort, CopyPort {}

/** DocumentDB in the policies' own Regions: clusters, their snapshots, retention. */
export interface SourcePort {
  /** Every DocumentDB cluster of the Region (other engines excluded), all pages. */
  listClusters(at: Location, signal?: AbortSignal): Promise<ClusterInfo[]>;
  listTags(at: Location, arn: string, signal?: AbortSignal): Promise<Record<string, string>>;
  /** Throws ClusterBusyError, SnapshotAlreadyExistsError, SnapshotQuotaExceededError, ClusterNotFoundError or the SDK's error. */
  createSnapshot(
    at: Location,
    request: { clusterId: string; snapshotId: string; tags: Tag[] },
    signal?: AbortSignal,
  ): Promise<CreatedSnapshot>;
  /** The snapshot with this id and its tags, or undefined when there is none. */
  findSnapshot(at: Location, snapshotId: string, signal?: AbortSignal): Promise<ExistingSnapshot | undefined>;
  /** One snapshot's status (no tags), or undefined when there is no such snapshot. */
  snapshotState(at: Location, snapshotId: string, signal?: AbortSignal): Promise<ManualSnapshot | undefined>;
  /** Every manual cluster snapshot in the Region, all engines: what counts against the quota. */
  listManualSnapshots(at: Location, signal?: AbortSignal): Promise<ManualSnapshot[]>;
  /** The manual snapshots of one cluster (no tags), all pages. */
  listClusterSnapshots(at: Location, clusterId: string, signal?: AbortSignal): Promise<ManualSnapshot[]>;
  /** Deletes one manual snapshot. Only ever called for snapshots whose ownership tags were just read. */
  deleteSnapshot(at: Location, snapshotId: string, signal?: AbortSignal): Promise<void>;
}

/**
 * Disaster-recovery copies. The copy methods take the destination location; the source-side share takes
 * the source's. `copyState`, `listCopies`, `copyTags` and `deleteCopy` are the source port's reads and
 * delete, made in a destination (so IAM grants them there, deploy/template.ts).
 */
export interface CopyPort {
  /**
   * Starts a copy in `at` (the destination). Throws SnapshotAlreadyExistsError, SnapshotQuotaExceededError,
   * CopyLimitError (too many copies in flight there), CopyRefusedError, or the SDK's error.
   */
  copySnapshot(at: Location, request: CopyRequest, signal?: AbortSignal): Promise<CreatedSnapshot>;
  /** Lets `account` restore and copy the snapshot. Throws CopyRefusedError ('share-refused') when AWS refuses. */
  shareSnapshot(at: Location, snapshotId: string, account: string, signal?: AbortSignal): Promise<void>;
  /** Takes the share back (no error when it was not shared). */
  unshareSnapshot(at: Location, snapshotId: string, account: string, signal?: AbortSignal): Promise<void>;
  /** A copy's status (and encryption) in its destination, or undefined when there is none. */
  copyState(at: Location, snapshotId: string, signal?: AbortSignal): Promise<ManualSnapshot | undefined>;
  /** Every manual snapshot of a destination (copies keep their source cluster's id). */
  listCopies(at: Location, signal?: AbortSignal): Promise<ManualSnapshot[]>;
  /** A copy's tags, read in its destination. */
  copyTags(at: Location, arn: string, signal?: AbortSignal): Promise<Record<string, string>>;
  /** Deletes one copy whose ownership tags were just read in its destination. */
  deleteCopy(at: Location, snapshotId: string, signal?: AbortSignal): Promise<void>;
}

/** A cluster of any engine (DocumentDB, Aurora, Neptune, …) as DescribeDBClusters lists it; no tags. */
export interface AnyEngineCluster extends ClusterInfo {
  engine: string;
  /** Whether its storage is encrypted, and with which KMS key (ARN), when AWS said (plan's copy checks). */
  encrypted?: boolean;
  kmsKeyId?: string;
}

/** Read-only lookups only the operator CLI makes (its `plan` explains clusters the engine never sees). */
export interface ClusterInventory {
  /** Every cluster of the Region whatever its engine, all pages. */
  listClustersOfAnyEngine(at: Location, signal?: AbortSignal): Promise<AnyEngineCluster[]>;
}

/** The outcome of claiming a slot's one page. */
export type AlertClaim =
  /** Ours to send: confirm it once SNS accepted it, release it when it could not be sent. */
  | { state: 'claimed'; policy: string; scheduledAt: string; token: string; rank: number; leaseUntil: number }
  /** A page this severe (or more) was already sent for this slot. */
  | { state: 'sent' }
  /** Another run of this slot holds the claim until `until` (epoch ms). */
  | { state: 'in-progress'; until: number };

/** Where a run's results are recorded (the results table in AWS). */
export interface RunRecorder {
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
}

/** The claimed page of a slot, held by one run until it confirms or releases it. */
export type HeldAlertClaim = Extract<AlertClaim, { state: 'claimed' }>;

/** One page per policy and slot, claimed before it is sent and confirmed after (the results table in AWS). */
export interface AlertLedger {
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
  confirmAlert(claim: HeldAlertClaim, signal?: AbortSignal): Promise<void>;
  /** The page could not be sent: a retry of the slot may page. Never undoes another run's claim or page. */
  releaseAlert(claim: HeldAlertClaim, signal?: AbortSignal): Promise<void>;
}

/** Where result events go (EventBridge in AWS). Returns how many events could not be delivered. */
export interface ResultEvents {
  publish(summary: RunSummary, signal?: AbortSignal): Promise<{ failed: number }>;
  /** One event per job that completed (`DocumentDB Snapshot Completed`) or failed (`… Failed`). */
  publishTransitions(
    transitions: readonly JobTransition[],
    signal?: AbortSignal,
  ): Promise<{ failed: number }>;
  /** One event per copy that became available (`DocumentDB Snapshot Copied`) or failed (`… Copy Failed`). */
  publishCopyTransitions(
    transitions: readonly CopyTransition[],
    signal?: AbortSignal,
  ): Promise<{ failed: number }>;
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

/**
 * The backup jobs (the results table in AWS). Every change is conditional on what the writer read, so two
 * reconcile passes at once never double a transition or a page.
 */
export interface JobStore {
  /** Writes a new job; false when the slot already has a job for the cluster (a retried run). */
  put(job: BackupJob, signal?: AbortSignal): Promise<boolean>;
  /**
   * Writes, batched and unconditionally, the jobs of snapshots the run itself created: no earlier job of
   * their slot can be ahead of them (a `pending` one is superseded; a retried run finds the snapshot
   * there and uses put).
   */
  record(jobs: readonly BackupJob[], signal?: AbortSignal): Promise<void>;
  /**
   * Notes that a policy has jobs, so a pass finds them even after the policy is renamed or removed from
   * the file (listPolicies); written by a run that starts jobs.
   */
  remember(policy: string, signal?: AbortSignal): Promise<void>;
  /** Every policy a run has noted jobs for (one Query, no scan). */
  listPolicies(signal?: AbortSignal): Promise<string[]>;
  /** Drops a policy's note once it has no followed job left and is no longer in the file. */
  forget(policy: string, signal?: AbortSignal): Promise<void>;
  /**
   * Every job the reconciler still follows for a policy, oldest slot first, without a table scan: the
   * open ones (`pending`, `creating`) and the `failed` ones whose page was not confirmed yet.
   */
  listFollowed(policy: string, signal?: AbortSignal): Promise<BackupJob[]>;
  /**
   * Moves a job from the state it was read in (`job.state`) to `change.state`; false when another pass
   * moved it first. Throws for a move canMove forbids. A job that became `failed` stays followed until
   * its page is confirmed.
   */
  transition(job: BackupJob, change: JobChange, signal?: AbortSignal): Promise<boolean>;
  /**
   * Claims the page of a `failed` job until `leaseUntil` (epoch ms) for the pass holding `token`; false
   * when it was paged, or another pass holds it. A claim whose holder passed its lease can be taken over.
   */
  claimPage(job: BackupJob, token: string, leaseUntil: number, signal?: AbortSignal): Promise<boolean>;
  /** The page went out: the job is no longer followed. Only the holder of `token` can confirm. */
  confirmPage(job: BackupJob, token: string, signal?: AbortSignal): Promise<void>;
  /** The page could not be sent: the next pass pages it. Only the holder of `token` can release. */
  releasePage(job: BackupJob, token: string, signal?: AbortSignal): Promise<void>;
}

/**
 * The disaster-recovery copy jobs (the results table in AWS), with the job store's guarantees: every
 * change conditional on the state (and hop) read, one page per failed copy.
 */
export interface CopyJobStore {
  /**
   * Opens copy jobs (conditional puts: a job already there is left as it is). Throws when one could not
   * be written: the caller then leaves the backup job open, so a later pass opens them again.
   */
  open(jobs: readonly CopyJob[], signal?: AbortSignal): Promise<void>;
  /** A policy's copy jobs still followed (open, or failed and not paged yet), from the open-jobs index. */
  listFollowed(policy: string, signal?: AbortSignal): Promise<CopyJob[]>;
  /** Moves a copy job from the state and hop it was read in; false when another pass moved it first. */
  transition(job: CopyJob, change: CopyChange, signal?: AbortSignal): Promise<boolean>;
  claimPage(job: CopyJob, token: string, leaseUntil: number, signal?: AbortSignal): Promise<boolean>;
  confirmPage(job: CopyJob, token: string, signal?: AbortSignal): Promise<void>;
  releasePage(job: CopyJob, token: string, signal?: AbortSignal): Promise<void>;
}

/** Everything a run reaches the outside world through: wired once (shared/aws/engine-deps.ts), faked in tests. */
export interface EngineDeps {
  docdb: DocdbPort;
  /** Where the run's results are recorded. */
  results: RunRecorder;
  /** One page per slot. */
  alerts: AlertLedger;
  /** The backup jobs the run starts (followed by the reconciler). */
  jobs: JobStore;
  /** The copies the reconciler opens and follows. */
  copies: CopyJobStore;
  events: ResultEvents;
  alerter: Alerter;
  clock: Clock;
  log: RunLog;
  /** Jitter's source; Math.random unless a test fixes it. */
  random?: () => number;
}

/**
 * Takes one cluster's snapshot: retries a busy cluster with backoff while the deadline allows, treats our
 * own existing snapshot as success (a retried delivery of the same slot), and reports every other fault.
 */
import { ownershipOf } from '../planning/ownership.js';
import type { RetrySettings } from '../policy/schema.js';
import type { Clock } from './clock.js';
import { ClusterBusyError, SnapshotAlreadyExistsError, SnapshotQuotaExceededError } from './errors.js';
import { describeFailure } from './failures.js';
import { describeLocation, type Location, locationFields } from './location.js';
import type { SnapshotTask } from './plan-region.js';
import type { Limiter } from './pool.js';
import type { DocdbPort, RunLog } from './ports.js';
import type { QuotaLedger } from './quota-ledger.js';
import type { ClusterResult } from './results.js';
import { backoffMs, STATES_WAITING_CANNOT_FIX } from './retry.js';

export interface RetryNotice {
  region: string;
  clusterId: string;
  attempt: number;
  delayMs: number;
}

export interface TakeContext {
  docdb: DocdbPort;
  clock: Clock;
  log: RunLog;
  random: () => number;
  policyName: string;
  /** The policy's snapshot prefix: with the name, what makes a snapshot ours (planning/ownership.ts). */
  prefix: string;
  retry: RetrySettings;
  /** No new attempt starts, and no wait ends, after this time (epoch ms). */
  cutoff: number;
  /**
   * When the slot's start window closes (epoch ms): a cluster still busy when this run has to give up on
   * it is `pending` before then, a failure after. Undefined: always a failure.
   */
  startWindowEndsAt?: number;
  /** Where this run has hit the snapshot quota: no more attempts there. */
  quota: QuotaLedger;
  /** The location's limit of DocumentDB requests in flight; a cluster waiting out a busy state holds no slot. */
  limiterFor: (at: Location) => Limiter;
  signal?: AbortSignal;
  onRetry?: (notice: RetryNotice) => void;
  /** Told before each CreateDBClusterSnapshot call is sent (the CLI's progress). */
  onAttempt?: (at: Location, clusterId: string) => void;
}

type Result = Omit<ClusterResult, 'durationMs'>;

/** What one attempt came to, inside the location's limit. */
type Attempt =
  | { kind: 'created' }
  | { kind: 'not-attempted'; why: 'quota' | 'deadline' }
  | { kind: 'existing'; result: Result }
  | { kind: 'error'; error: unknown };

/** The call was aborted by the run's signal (its cutoff or deadline). */
function isCutOff(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

/** States of our own slot snapshot that make it a backup (or one on its way). */
const USABLE_STATES: ReadonlySet<string> = new Set(['creating', 'available']);

function baseOf(task: SnapshotTask) {
  return { ...locationFields(task.at), clusterId: task.cluster.id, snapshotId: task.snapshotId };
}

/**
 * AWS says the slot's snapshot id is taken: success only when it is ours (the exact ownership rule) and
 * `creating` or `available`; ours but `failed` or `deleting` is a failure of its own.
 */
async function confirmOwnSnapshot(ctx: TakeContext, task: SnapshotTask, attempts: number): Promise<Result> {
  const base = { ...baseOf(task), attempts };
  try {
    const existing = await ctx.docdb.findSnapshot(task.at, task.snapshotId, ctx.signal);
    if (!existing) {
      const message = `snapshot id "${task.snapshotId}" is taken by another resource (not a DocumentDB cluster snapshot this service can read)`;
      return { ...base, outcome: 'failed', error: { code: 'name-conflict', message } };
    }
    const owner = { policyName: ctx.policyName, prefix: ctx.prefix };
    const ownership = ownershipOf(existing, owner, task.cluster.id);
    if (!ownership.ours) {
      const message = `snapshot id "${task.snapshotId}" is already taken by a snapshot of cluster "${existing.clusterId}" that is not this policy's: ${ownership.reason}`;
      return { ...base, outcome: 'failed', error: { code: 'name-conflict', message } };
    }
    if (!USABLE_STATES.has(existing.status)) {
      const message = `this slot's snapshot "${task.snapshotId}" exists but is "${existing.status}", so the slot has no backup`;
      return { ...base, outcome: 'failed', error: { code: 'snapshot-failed', message } };
    }
    return { ...base, outcome: 'already-exists' };
  } catch (error) {
    return { ...base, outcome: 'failed', error: describeFailure(error) };
  }
}

/** One CreateDBClusterSnapshot call within the location's limit, unless the quota or the cutoff came first. */
function attemptOnce(ctx: TakeContext, task: SnapshotTask, attempts: { count: number }): Promise<Attempt> {
  return ctx.limiterFor(task.at).run(async (): Promise<Attempt> => {
    // Checked once the slot is ours: a quota hit or the deadline may have come while this cluster waited.
    if (ctx.quota.isFull(task.at)) return { kind: 'not-attempted', why: 'quota' };
    if (attempts.count === 0 && ctx.clock.now() >= ctx.cutoff)
      return { kind: 'not-attempted', why: 'deadline' };
    attempts.count++;
    try {
      ctx.onAttempt?.(task.at, task.cluster.id);
      const request = { clusterId: task.cluster.id, snapshotId: task.snapshotId, tags: task.tags };
      await ctx.docdb.createSnapshot(task.at, request, ctx.signal);
      return { kind: 'created' };
    } catch (error) {
      if (error instanceof SnapshotAlreadyExistsError)
        return { kind: 'existing', result: await confirmOwnSnapshot(ctx, task, attempts.count) };
      if (error instanceof SnapshotQuotaExceededError) ctx.quota.markFull(task.at);
      return { kind: 'error', error };
    }
  });
}

/** The result of an attempt that settles the task; undefined for a busy cluster that may be tried again. */
function settled(
  ctx: TakeContext,
  task: SnapshotTask,
  attempt: Attempt,
  attempts: number,
): Result | undefined {
  const base = baseOf(task);
  if (attempt.kind === 'created') return { ...base, outcome: 'created', attempts };
  if (attempt.kind === 'existing') return attempt.result;
  if (attempt.kind === 'not-attempted' && attempt.why === 'quota') {
    const message = `not attempted: the snapshot quota of ${describeLocation(task.at)} is used up`;
    return { ...base, outcome: 'failed', attempts, error: { code: 'quota-exceeded', message } };
  }
  if (attempt.kind === 'not-attempted') {
    const message = 'not attempted: the run reached its deadline first';
    return { ...base, outcome: 'skipped', attempts: 0, error: { code: 'deadline', message } };
  }
  // A retry of a busy cluster cut off at the run's cutoff: the cluster was busy to the end.
  if (attempts > 1 && isCutOff(attempt.error))
    return stillBusy(ctx, task, attempts, 'the run reached its cutoff during the last one');
  // A first create cut off in flight: AWS may have taken it. Inside the start window the slot stays
  // `pending` (the next attempt finds our snapshot if it was taken); after it, a `deadline` failure.
  if (isCutOff(attempt.error) && inStartWindow(ctx)) return { ...base, outcome: 'pending', attempts };
  if (!(attempt.error instanceof ClusterBusyError))
    return { ...base, outcome: 'failed', attempts, error: describeFailure(attempt.error) };
  if (attempts >= ctx.retry.maxAttempts)
    return stillBusy(ctx, task, attempts, `the policy allows ${ctx.retry.maxAttempts}`);
  return undefined;
}

/**
 * A cluster still busy when this run gives up on it: `pending` while its start window is open (the
 * reconciler tries again), a `cluster-busy` failure after.
 */
/** Whether the slot's start window is still open (never, without one). */
function inStartWindow(ctx: TakeContext): boolean {
  return ctx.startWindowEndsAt !== undefined && ctx.clock.now() < ctx.startWindowEndsAt;
}

function stillBusy(ctx: TakeContext, task: SnapshotTask, attempts: number, why: string): Result {
  const windowEnds = ctx.startWindowEndsAt;
  if (windowEnds !== undefined && inStartWindow(ctx)) {
    ctx.log.info('cluster still busy; pending until its start window closes', {
      region: describeLocation(task.at),
      cluster: task.cluster.id,
      attempts,
      startWindowEndsAt: new Date(windowEnds).toISOString(),
    });
    return { ...baseOf(task), outcome: 'pending', attempts };
  }
  const message = `the cluster was still busy after ${attempts} attempt(s); ${why}`;
  return { ...baseOf(task), outcome: 'failed', attempts, error: { code: 'cluster-busy', message } };
}

function unavailable(task: SnapshotTask): Result {
  const message = `the cluster is "${task.cluster.status}", which waiting does not fix`;
  return { ...baseOf(task), outcome: 'failed', attempts: 0, error: { code: 'cluster-unavailable', message } };
}

/** Attempts until the task settles, waiting out a busy cluster with backoff within the cutoff. */
async function attemptAll(ctx: TakeContext, task: SnapshotTask): Promise<Result> {
  if (STATES_WAITING_CANNOT_FIX.has(task.cluster.status)) return unavailable(task);
  const attempts = { count: 0 };
  for (;;) {
    const attempt = await attemptOnce(ctx, task, attempts);
    const result = settled(ctx, task, attempt, attempts.count);
    if (result) return result;
    const delayMs = backoffMs(ctx.retry, attempts.count, ctx.random);
    if (ctx.clock.now() + delayMs >= ctx.cutoff)
      return stillBusy(ctx, task, attempts.count, 'the next attempt would pass the run deadline');
    const notice = { region: task.at.region, clusterId: task.cluster.id, attempt: attempts.count, delayMs };
    ctx.log.info('cluster busy, waiting to retry', {
      region: describeLocation(task.at),
      cluster: task.cluster.id,
      attempt: attempts.count,
      delayMs,
    });
    ctx.onRetry?.(notice);
    try {
      await ctx.clock.sleep(delayMs, ctx.signal);
    } catch {
      return stillBusy(ctx, task, attempts.count, 'the run was stopped while waiting');
    }
  }
}

/**
 * Runs one snapshot task to its outcome. Never throws.
 * @example await takeSnapshot(ctx, task) // { outcome: 'created', attempts: 1, ... }
 */
export async function takeSnapshot(ctx: TakeContext, task: SnapshotTask): Promise<ClusterResult> {
  const started = ctx.clock.now();
  const result = await attemptAll(ctx, task);
  const full = { ...result, durationMs: Math.max(0, ctx.clock.now() - started) };
  const fields = {
    region: describeLocation(task.at),
    cluster: task.cluster.id,
    snapshotId: task.snapshotId,
    attempts: full.attempts,
  };
  if (full.outcome === 'failed') ctx.log.error('snapshot failed', { ...fields, error: full.error });
  else if (full.outcome !== 'pending')
    ctx.log.info(full.outcome === 'created' ? 'snapshot created' : 'snapshot already exists', fields);
  return full;
}

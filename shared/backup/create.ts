/**
 * Takes one cluster's snapshot: retries a busy cluster with backoff while the deadline allows, treats our
 * own existing snapshot as success (a retried delivery of the same slot), and reports every other fault.
 */
import { ownershipOf } from '../planning/ownership.js';
import type { RetrySettings } from '../policy/schema.js';
import { ClusterBusyError, SnapshotAlreadyExistsError, SnapshotQuotaExceededError } from './errors.js';
import { describeFailure } from './failures.js';
import type { Limiter } from './pool.js';
import type { Clock, ClusterResult, DocdbPort, RunLog } from './ports.js';
import { backoffMs, STATES_WAITING_CANNOT_FIX } from './retry.js';
import type { SnapshotTask } from './select.js';

export interface RetryNotice {
  region: string;
  clusterId: string;
  attempt: number;
  delayMs: number;
}

export interface CreateContext {
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
  /** Regions whose snapshot quota this run has already hit: no more attempts there. */
  quotaHit: Set<string>;
  /** The Region's limit of DocumentDB requests in flight; a cluster waiting out a busy state holds no slot. */
  limiterFor: (region: string) => Limiter;
  signal?: AbortSignal;
  onRetry?: (notice: RetryNotice) => void;
}

type Result = Omit<ClusterResult, 'durationMs'>;

/** The call was aborted by the run's signal (its cutoff or deadline). */
function isCutOff(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

/** States of our own slot snapshot that make it a backup (or one on its way). */
const USABLE_STATES: ReadonlySet<string> = new Set(['creating', 'available']);

/**
 * AWS says the slot's snapshot id is taken: success only when it is ours (the exact ownership rule) and
 * `creating` or `available`; ours but `failed` or `deleting` is a failure of its own.
 */
async function confirmOwnSnapshot(ctx: CreateContext, task: SnapshotTask, attempts: number): Promise<Result> {
  const base = { region: task.region, clusterId: task.cluster.id, snapshotId: task.snapshotId, attempts };
  try {
    const existing = await ctx.docdb.findSnapshot(task.region, task.snapshotId, ctx.signal);
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

async function attemptAll(ctx: CreateContext, task: SnapshotTask): Promise<Result> {
  const { region, cluster, snapshotId } = task;
  const base = { region, clusterId: cluster.id, snapshotId };
  if (STATES_WAITING_CANNOT_FIX.has(cluster.status)) {
    return {
      ...base,
      outcome: 'failed',
      attempts: 0,
      error: {
        code: 'cluster-unavailable',
        message: `the cluster is "${cluster.status}", which waiting does not fix`,
      },
    };
  }
  let attempts = 0;
  const limiter = ctx.limiterFor(region);
  for (;;) {
    const outcome = await limiter.run(async () => {
      // Checked once the slot is ours: a quota hit or the deadline may have come while this cluster waited.
      if (ctx.quotaHit.has(region)) return 'quota' as const;
      if (attempts === 0 && ctx.clock.now() >= ctx.cutoff) return 'deadline' as const;
      attempts++;
      try {
        await ctx.docdb.createSnapshot(
          region,
          { clusterId: cluster.id, snapshotId, tags: task.tags },
          ctx.signal,
        );
        return 'created' as const;
      } catch (error) {
        if (error instanceof SnapshotAlreadyExistsError) {
          return { kind: 'existing' as const, result: await confirmOwnSnapshot(ctx, task, attempts) };
        }
        if (error instanceof SnapshotQuotaExceededError) ctx.quotaHit.add(region);
        return { kind: 'error' as const, error };
      }
    });
    if (outcome === 'quota') {
      return {
        ...base,
        outcome: 'failed',
        attempts,
        error: {
          code: 'quota-exceeded',
          message: `not attempted: the snapshot quota of ${region} is used up`,
        },
      };
    }
    if (outcome === 'deadline') {
      return {
        ...base,
        outcome: 'skipped',
        attempts: 0,
        error: { code: 'deadline', message: 'not attempted: the run reached its deadline first' },
      };
    }
    if (outcome === 'created') return { ...base, outcome: 'created', attempts };
    if (outcome.kind === 'existing') return outcome.result;
    const { error } = outcome;
    const busy = (why: string): Result => ({
      ...base,
      outcome: 'failed',
      attempts,
      error: {
        code: 'cluster-busy',
        message: `the cluster was still busy after ${attempts} attempt(s); ${why}`,
      },
    });
    // A retry of a busy cluster cut off at the run's cutoff: the cluster was busy to the end.
    if (attempts > 1 && isCutOff(error)) return busy('the run reached its cutoff during the last one');
    if (!(error instanceof ClusterBusyError))
      return { ...base, outcome: 'failed', attempts, error: describeFailure(error) };
    if (attempts >= ctx.retry.maxAttempts) return busy(`the policy allows ${ctx.retry.maxAttempts}`);
    const delayMs = backoffMs(ctx.retry, attempts, ctx.random);
    if (ctx.clock.now() + delayMs >= ctx.cutoff) return busy('the next attempt would pass the run deadline');
    ctx.log.info('cluster busy, waiting to retry', {
      region,
      cluster: cluster.id,
      attempt: attempts,
      delayMs,
    });
    ctx.onRetry?.({ region, clusterId: cluster.id, attempt: attempts, delayMs });
    try {
      await ctx.clock.sleep(delayMs, ctx.signal);
    } catch {
      return busy('the run was stopped while waiting');
    }
  }
}

/**
 * Runs one snapshot task to its outcome. Never throws.
 * @example await createSnapshot(ctx, task) // { outcome: 'created', attempts: 1, ... }
 */
export async function createSnapshot(ctx: CreateContext, task: SnapshotTask): Promise<ClusterResult> {
  const started = ctx.clock.now();
  const result = await attemptAll(ctx, task);
  const full = { ...result, durationMs: Math.max(0, ctx.clock.now() - started) };
  const fields = {
    region: task.region,
    cluster: task.cluster.id,
    snapshotId: task.snapshotId,
    attempts: full.attempts,
  };
  if (full.outcome === 'failed') ctx.log.error('snapshot failed', { ...fields, error: full.error });
  else ctx.log.info(full.outcome === 'created' ? 'snapshot created' : 'snapshot already exists', fields);
  return full;
}

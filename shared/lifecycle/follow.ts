/**
 * One policy in a reconcile pass: read the jobs still followed, try the pending ones again, read the
 * creating ones' snapshots, write each move (conditional on the state read: a job another pass moved first
 * is left to it), prune a cluster whose new snapshot became available, then page the failures once.
 */
import { describeFailure } from '../backup/failures.js';
import { locationKey, locationOf } from '../backup/location.js';
import { inPool } from '../backup/pool.js';
import type { EngineDeps } from '../backup/ports.js';
import { pruneCluster } from '../backup/prune.js';
import type { DeletionResult } from '../backup/results.js';
import { openCopySources, pruneContextFor } from '../backup/retain.js';
import { openScope, type RunScope } from '../backup/scope.js';
import {
  type BackupJob,
  type JobTransition,
  moved,
  OPEN_JOB_STATES,
  transitionOf,
} from '../planning/jobs.js';
import type { ResolvedPolicy } from '../policy/schema.js';
import { checkCreating } from './check.js';
import { openCopies } from './copy-open.js';
import { type JobsPage, pageFailedJobs } from './page.js';
import { type Move, startPending } from './start.js';

export interface FollowRequest {
  /** When the pass must be done, paging included (epoch ms). */
  deadline: number;
  /** Time kept back for paging and events. Default 15 s. */
  reserveMs?: number;
  /** DocumentDB requests in flight per location. Default 10. */
  concurrency?: number;
  signal?: AbortSignal;
}

/** What one policy's part of a pass did. */
export interface PolicyPass {
  policy: string;
  transitions: JobTransition[];
  /** Jobs still open after the pass. */
  open: BackupJob[];
  /** Snapshots retention deleted after a job completed, by the slot of that job. */
  deletions: SlotDeletions[];
  page?: JobsPage;
}

/** A job's identity within a policy: its location and snapshot. */
function jobKey(job: BackupJob): string {
  return `${locationKey(locationOf(job))}#${job.snapshotId}`;
}

/** Writes the moves; returns those this pass made (another pass may have made some first). */
async function apply(deps: EngineDeps, moves: readonly Move[], signal?: AbortSignal): Promise<Move[]> {
  const made = await inPool(moves, 8, async (move) => {
    try {
      return (await deps.jobs.transition(move.job, move.change, signal)) ? move : undefined;
    } catch (error) {
      deps.log.error('could not record a job transition; the next pass decides again', {
        snapshotId: move.job.snapshotId,
        error: describeFailure(error),
      });
      return undefined;
    }
  });
  return made.filter((move): move is Move => move !== undefined);
}

/** What retention deleted after the job of one slot completed. */
export interface SlotDeletions {
  scheduledAt: string;
  deletions: DeletionResult[];
}

/** Retention for the clusters whose new snapshot became available in this pass. */
async function pruneCompleted(scope: RunScope, completed: readonly BackupJob[]): Promise<SlotDeletions[]> {
  if (completed.length === 0 || !scope.request.policy.retention) return [];
  const keep = await openCopySources(scope.deps, scope.request.policy, scope.workSignal);
  if (!keep) return [];
  const found = await Promise.all(
    completed.map(async (job) => {
      const base = pruneContextFor(scope, new Date(job.scheduledAt));
      if (!base) return { scheduledAt: job.scheduledAt, deletions: [] };
      const ctx = { ...base, keep };
      const at = locationOf(job);
      const outcomes = await scope
        .limiterFor(at)
        .run(() => pruneCluster(ctx, at, job.clusterId, job.snapshotId));
      return { scheduledAt: job.scheduledAt, deletions: outcomes.map((outcome) => outcome.deletion) };
    }),
  );
  return found.filter((slot) => slot.deletions.length > 0);
}

/** The jobs as they are after this pass's moves. */
function afterMoves(followed: readonly BackupJob[], made: readonly Move[]): BackupJob[] {
  const after = new Map(followed.map((job) => [jobKey(job), job]));
  for (const { job, change } of made) after.set(jobKey(job), moved(job, change));
  return [...after.values()];
}

/** Pages the failures and says what the pass did for the policy. */
async function conclude(
  deps: EngineDeps,
  policy: string,
  request: FollowRequest,
  followed: { jobs: readonly BackupJob[]; made: readonly Move[]; deletions: SlotDeletions[] },
): Promise<PolicyPass> {
  const now = afterMoves(followed.jobs, followed.made);
  const page = await pageFailedJobs(
    deps,
    policy,
    now.filter((job) => job.state === 'failed'),
    { deadline: request.deadline, signal: request.signal },
  );
  return {
    policy,
    transitions: followed.made.map((m) => transitionOf(m.job, m.change)),
    open: now.filter((job) => OPEN_JOB_STATES.includes(job.state)),
    deletions: followed.deletions,
    page,
  };
}

/**
 * Follows one policy's jobs through one pass. Throws only when its jobs cannot be read.
 * @example await followPolicy(deps, policy, { deadline: Date.now() + 240_000 }) // { transitions: [...], open: [...] }
 */
export async function followPolicy(
  deps: EngineDeps,
  policy: ResolvedPolicy,
  request: FollowRequest,
): Promise<PolicyPass> {
  const jobs = await deps.jobs.listFollowed(policy.name, request.signal);
  if (jobs.length === 0) return { policy: policy.name, transitions: [], open: [], deletions: [] };
  const scope = openScope(deps, { ...request, policy, slot: new Date(deps.clock.now()) });
  const [started, checked] = await Promise.all([
    startPending(
      scope,
      policy,
      jobs.filter((job) => job.state === 'pending'),
    ),
    checkCreating(
      scope,
      policy.windows,
      jobs.filter((job) => job.state === 'creating'),
    ),
  ]);
  const moves = await openCopies(deps, policy, [...started, ...checked], request.signal);
  const made = await apply(deps, moves, request.signal);
  const completed = made.filter((m) => m.change.state === 'available').map((m) => moved(m.job, m.change));
  const deletions = await pruneCompleted(scope, completed);
  return conclude(deps, policy.name, request, { jobs, made, deletions });
}

/**
 * The jobs of a policy no longer in the file (removed or renamed): nobody can follow them by its rules any
 * more, so each open one fails (`policy-removed`) and pages once, naming its snapshot; the policy's note is
 * dropped once nothing of it is followed.
 * @example await followRemovedPolicy(deps, 'nightly-old', { deadline }) // { transitions: [{ to: 'failed', … }] }
 */
export async function followRemovedPolicy(
  deps: EngineDeps,
  policy: string,
  request: FollowRequest,
): Promise<PolicyPass> {
  const jobs = await deps.jobs.listFollowed(policy, request.signal);
  // The note is what finds the policy's copies too: kept while any of them is followed.
  if (jobs.length === 0 && (await deps.copies.listFollowed(policy, request.signal)).length === 0) {
    await deps.jobs.forget(policy, request.signal);
    return { policy, transitions: [], open: [], deletions: [] };
  }
  const completedAt = new Date(deps.clock.now()).toISOString();
  const moves = jobs
    .filter((job) => OPEN_JOB_STATES.includes(job.state))
    .map((job) => {
      const message = `policy "${policy}" is no longer in the policy file, so snapshot "${job.snapshotId}" of ${job.clusterId} (slot ${job.scheduledAt}, ${job.state}) is not followed any more`;
      return {
        job,
        change: { state: 'failed', completedAt, error: { code: 'policy-removed', message } },
      } as Move;
    });
  const made = await apply(deps, moves, request.signal);
  return conclude(deps, policy, request, { jobs, made, deletions: [] });
}

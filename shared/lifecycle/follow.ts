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
import { pruneContextFor } from '../backup/retain.js';
import { openScope, type RunScope } from '../backup/scope.js';
import { type BackupJob, type JobTransition, moved, transitionOf } from '../planning/jobs.js';
import type { ResolvedPolicy } from '../policy/schema.js';
import { checkCreating } from './check.js';
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
  const found = await Promise.all(
    completed.map(async (job) => {
      const ctx = pruneContextFor(scope, new Date(job.scheduledAt));
      if (!ctx) return { scheduledAt: job.scheduledAt, deletions: [] };
      const at = locationOf(job);
      const outcomes = await scope
        .limiterFor(at)
        .run(() => pruneCluster(ctx, at, job.clusterId, job.snapshotId));
      return { scheduledAt: job.scheduledAt, deletions: outcomes.map((outcome) => outcome.deletion) };
    }),
  );
  return found.filter((slot) => slot.deletions.length > 0);
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
  const followed = await deps.jobs.listFollowed(policy.name, request.signal);
  if (followed.length === 0) return { policy: policy.name, transitions: [], open: [], deletions: [] };
  const scope = openScope(deps, { ...request, policy, slot: new Date(deps.clock.now()) });
  const [started, checked] = await Promise.all([
    startPending(
      scope,
      policy,
      followed.filter((job) => job.state === 'pending'),
    ),
    checkCreating(
      scope,
      policy.windows,
      followed.filter((job) => job.state === 'creating'),
    ),
  ]);
  const made = await apply(deps, [...started, ...checked], request.signal);
  const after = new Map(followed.map((job) => [jobKey(job), job]));
  for (const { job, change } of made) after.set(jobKey(job), moved(job, change));
  const now = [...after.values()];
  const completed = made.filter((m) => m.change.state === 'available').map((m) => moved(m.job, m.change));
  const deletions = await pruneCompleted(scope, completed);
  const page = await pageFailedJobs(
    deps,
    policy.name,
    now.filter((job) => job.state === 'failed'),
    { deadline: request.deadline, signal: request.signal },
  );
  return {
    policy: policy.name,
    transitions: made.map((m) => transitionOf(m.job, m.change)),
    open: now.filter((job) => job.state === 'pending' || job.state === 'creating'),
    deletions,
    page,
  };
}

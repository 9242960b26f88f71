/**
 * Pending jobs: clusters that were busy through their backup run. Each pass tries each one once more with
 * its slot's own snapshot id and tags (planned again, exactly as the run plans them), until its start
 * window closes: then it fails, `start-window-missed`.
 */
import { locationOf } from '../backup/location.js';
import { planRegion, type RegionPlan } from '../backup/plan-region.js';
import type { RunScope } from '../backup/scope.js';
import { takeSnapshot } from '../backup/take-snapshot.js';
import { type BackupJob, type JobChange, pendingExpired, startWindowEndsAt } from '../planning/jobs.js';
import type { ResolvedPolicy } from '../policy/schema.js';
import { bySlotAndLocation, groupJobs } from './group.js';

/** A job and what this pass does to it. */
export interface Move {
  job: BackupJob;
  change: JobChange;
}

/** One more attempt for a pending job whose cluster the plan found. */
async function attempt(
  scope: RunScope,
  policy: ResolvedPolicy,
  job: BackupJob,
  plan: RegionPlan,
): Promise<JobChange | undefined> {
  const { deps } = scope;
  const now = () => new Date(deps.clock.now()).toISOString();
  const planned = plan.tasks.find((task) => task.cluster.id === job.clusterId);
  // Its tags could not be read now: tried again next pass.
  if (!planned && plan.failures.some((failure) => failure.clusterId === job.clusterId)) return undefined;
  if (!planned) {
    const message = `cluster "${job.clusterId}" is no longer a DocumentDB cluster the policy selects in ${job.region}`;
    return { state: 'failed', completedAt: now(), error: { code: 'cluster-not-found', message } };
  }
  const result = await takeSnapshot(
    {
      docdb: deps.docdb,
      clock: deps.clock,
      log: deps.log,
      random: deps.random ?? Math.random,
      policyName: policy.name,
      prefix: policy.snapshot.prefix,
      // One attempt per pass: the next pass is the next attempt.
      retry: { ...policy.retry, maxAttempts: 1 },
      cutoff: scope.cutoff,
      startWindowEndsAt: startWindowEndsAt(job, policy.windows),
      quota: scope.quota,
      limiterFor: scope.limiterFor,
      signal: scope.workSignal,
    },
    { ...planned, snapshotId: job.snapshotId },
  );
  if (result.outcome === 'created' || result.outcome === 'already-exists')
    return { state: 'creating', startedAt: now() };
  if (result.outcome === 'failed' && result.error)
    return { state: 'failed', completedAt: now(), error: result.error };
  return undefined; // still busy inside the window, or no time left in this pass
}

/**
 * Tries the pending jobs of a policy once each; returns the moves to make (the caller writes them).
 * @example await startPending(scope, policy, pendingJobs) // [{ job, change: { state: 'creating', … } }]
 */
export async function startPending(
  scope: RunScope,
  policy: ResolvedPolicy,
  jobs: readonly BackupJob[],
): Promise<Move[]> {
  const { deps } = scope;
  const moves: Move[] = [];
  const live: BackupJob[] = [];
  for (const job of jobs) {
    const expired = pendingExpired(job, policy.windows, new Date(deps.clock.now()));
    if (expired) moves.push({ job, change: expired });
    else live.push(job);
  }
  const groups = await Promise.all(
    groupJobs(live, bySlotAndLocation).map(async (group) => {
      const first = group[0] as BackupJob;
      const context = { docdb: deps.docdb, log: deps.log, concurrency: 10, signal: scope.workSignal };
      const plan = await planRegion(context, policy, locationOf(first), new Date(first.scheduledAt));
      // A location that could not be read now is tried again next pass (the window still bounds it).
      if (plan.missing === undefined) return [];
      const changes = await Promise.all(group.map((job) => attempt(scope, policy, job, plan)));
      return group.flatMap((job, i) => (changes[i] ? [{ job, change: changes[i] as JobChange }] : []));
    }),
  );
  return [...moves, ...groups.flat()];
}

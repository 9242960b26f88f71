/**
 * Pending jobs: clusters that were busy through their backup run. Each pass tries each one once more with
 * its slot's own snapshot id and tags (planned again, exactly as the run plans them), until its start
 * window closes: then it fails, `start-window-missed`, unless the slot's snapshot turns out to exist (a
 * pass that took it could not record it). Only a definitive answer fails a job inside its window; a
 * transient fault, a throttle storm or a call cut off at the pass's end is "not yet".
 */
import { describeFailure } from '../backup/failures.js';
import { locationOf } from '../backup/location.js';
import { planRegion, type RegionPlan } from '../backup/plan-region.js';
import type { RunScope } from '../backup/scope.js';
import { takeSnapshot } from '../backup/take-snapshot.js';
import type { FailureCode } from '../planning/failure.js';
import { type BackupJob, type JobChange, pendingExpired, startWindowEndsAt } from '../planning/jobs.js';
import { ownershipOf } from '../planning/ownership.js';
import type { ResolvedPolicy } from '../policy/schema.js';
import { bySlotAndLocation, groupJobs } from './group.js';

/** A job and what this pass does to it. */
export interface Move {
  job: BackupJob;
  change: JobChange;
}

/** Answers that another attempt would not change: the job fails at once. */
const DEFINITIVE: ReadonlySet<FailureCode> = new Set<FailureCode>([
  'quota-exceeded',
  'cluster-not-found',
  'cluster-unavailable',
  'name-conflict',
  'snapshot-failed',
  'access-denied',
]);

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
  if (result.outcome === 'failed' && result.error && DEFINITIVE.has(result.error.code))
    return { state: 'failed', completedAt: now(), error: result.error };
  if (result.outcome === 'failed')
    deps.log.warn('pending job not started in this pass; the next pass tries again', {
      snapshotId: job.snapshotId,
      error: result.error,
    });
  return undefined; // still busy, a transient fault, or no time left in this pass
}

/**
 * A pending job whose start window has closed: `creating` when the slot's snapshot exists and is this
 * policy's (a pass took it but could not record it), else the window's failure. Undefined when the
 * snapshot could not be looked up now (the next pass decides).
 */
async function expire(scope: RunScope, policy: ResolvedPolicy, job: BackupJob, expired: JobChange) {
  try {
    const found = await scope.deps.docdb.findSnapshot(locationOf(job), job.snapshotId, scope.workSignal);
    const owner = { policyName: policy.name, prefix: policy.snapshot.prefix };
    if (!found || !ownershipOf(found, owner, job.clusterId).ours) return expired;
    const started = found.createdAt?.toISOString() ?? new Date(scope.deps.clock.now()).toISOString();
    return { state: 'creating', startedAt: started } satisfies JobChange;
  } catch (error) {
    scope.deps.log.warn('could not look up the snapshot of an expired pending job; trying again next pass', {
      snapshotId: job.snapshotId,
      error: describeFailure(error),
    });
    return undefined;
  }
}

/** The pending jobs of a disabled policy: no new snapshot is taken for it; each fails, and pages once. */
function cancelled(job: BackupJob, now: Date): JobChange {
  const message = `policy "${job.policy}" was disabled before the busy cluster could be backed up: no snapshot was taken for this slot`;
  return { state: 'failed', completedAt: now.toISOString(), error: { code: 'policy-disabled', message } };
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
  const now = new Date(deps.clock.now());
  if (!policy.enabled) return jobs.map((job) => ({ job, change: cancelled(job, now) }));
  const live: BackupJob[] = [];
  const expiring: Promise<Move | undefined>[] = [];
  for (const job of jobs) {
    const expired = pendingExpired(job, policy.windows, now);
    if (!expired) live.push(job);
    else expiring.push(expire(scope, policy, job, expired).then((change) => change && { job, change }));
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
  const expired = (await Promise.all(expiring)).filter((move): move is Move => move !== undefined);
  return [...expired, ...groups.flat()];
}

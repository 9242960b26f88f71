/**
 * Retention across a run: prune every cluster whose slot snapshot exists, and when the quota was hit in a
 * Region where retention then freed slots, give each cluster that missed it one more attempt.
 */
import { OPEN_COPY_STATES } from '../planning/copies.js';
import type { ResolvedPolicy } from '../policy/schema.js';
import { describeFailure } from './failures.js';
import { type Location, locationKey, locationOf } from './location.js';
import type { SnapshotTask } from './plan-region.js';
import type { EngineDeps } from './ports.js';
import { type PruneContext, pruneCluster } from './prune.js';
import { type ClusterResult, type DeletionResult, isSnapshotTaken } from './results.js';
import { type RunScope, take } from './scope.js';

export interface Retained {
  /** The cluster results, with the second attempt's result where there was one. */
  results: ClusterResult[];
  deletions: DeletionResult[];
  /** Deletions that could not be recorded as they happened: the report writes them again. */
  unrecorded: DeletionResult[];
}

const succeeded = (r: ClusterResult) => isSnapshotTaken(r) && r.snapshotId !== undefined;
const keyOf = (at: Location, clusterId: string) => `${locationKey(at)}#${clusterId}`;

/**
 * Retention's context for a slot's snapshots within the scope (the run's slot, or a job's when the
 * reconciler prunes after a snapshot became available); undefined when the policy has no retention.
 * @example const ctx = pruneContextFor(scope, new Date('2026-11-28T03:00:00Z'))
 */
export function pruneContextFor(scope: RunScope, slot: Date): PruneContext | undefined {
  const { deps, request } = scope;
  const rules = request.policy.retention;
  if (!rules) return undefined;
  const run = { policy: request.policy.name, scheduledAt: slot.toISOString() };
  return {
    docdb: deps.docdb,
    clock: deps.clock,
    log: deps.log,
    policyName: request.policy.name,
    prefix: request.policy.snapshot.prefix,
    rules,
    slot,
    cutoff: scope.cutoff,
    signal: scope.workSignal,
    deleteSignal: request.signal ?? new AbortController().signal,
    // Recording has the run's whole time, not just the work phase's.
    recordDeletion: (deletion) =>
      deps.results.recordDeletion(run, deletion, request.signal).then(
        () => true,
        (error: unknown) => {
          deps.log.warn('could not record a deletion as it happened; recording it with the run', {
            snapshotId: deletion.snapshotId,
            error: error instanceof Error ? error.name : String(error),
          });
          return false;
        },
      ),
  };
}

/**
 * The sources of a policy's open copies: retention keeps them until their copies are done (deleting a
 * snapshot being copied stops its copy). Empty for a policy without copies; undefined when they cannot be
 * read now (retention then waits: nothing is deleted that an open copy may need).
 * @example await openCopySources(deps, policy, signal) // Set { 'nightly-orders-20261128-0300' }
 */
export async function openCopySources(
  deps: Pick<EngineDeps, 'copies' | 'log'>,
  policy: Pick<ResolvedPolicy, 'name' | 'copies'>,
  signal?: AbortSignal,
): Promise<Set<string> | undefined> {
  if (policy.copies.length === 0) return new Set();
  try {
    const open = await deps.copies.listFollowed(policy.name, signal);
    return new Set(open.filter((job) => OPEN_COPY_STATES.includes(job.state)).map((job) => job.snapshotId));
  } catch (error) {
    deps.log.warn('retention skipped: the open copies, whose sources it must keep, could not be read', {
      policy: policy.name,
      error: describeFailure(error),
    });
    return undefined;
  }
}

async function prune(
  scope: RunScope,
  ctx: PruneContext,
  done: ClusterResult[],
  into: Retained,
): Promise<void> {
  if (done.length === 0) return;
  if (scope.deps.clock.now() >= scope.cutoff) {
    scope.deps.log.warn('no time left for retention; it runs again next slot', { clusters: done.length });
    return;
  }
  const found = await Promise.all(
    done.map((r) =>
      scope
        .limiterFor(locationOf(r))
        .run(() => pruneCluster(ctx, locationOf(r), r.clusterId, r.snapshotId as string)),
    ),
  );
  for (const { deletion, recorded } of found.flat()) {
    into.deletions.push(deletion);
    if (!recorded) into.unrecorded.push(deletion);
  }
}

/**
 * Applies the policy's retention after the snapshots were taken (nothing when it has none).
 * @example const { results, deletions } = await applyRetention(scope, tasks, created)
 */
export async function applyRetention(
  scope: RunScope,
  tasks: SnapshotTask[],
  created: ClusterResult[],
): Promise<Retained> {
  const retained: Retained = { results: created, deletions: [], unrecorded: [] };
  const base = pruneContextFor(scope, scope.request.slot);
  if (!base) return retained;
  const keep = await openCopySources(scope.deps, scope.request.policy, scope.workSignal);
  if (!keep) return retained;
  const ctx = { ...base, keep };
  await prune(scope, ctx, created.filter(succeeded), retained);

  const freed = new Set(
    retained.deletions.filter((d) => d.outcome === 'deleted').map((d) => locationKey(locationOf(d))),
  );
  const missed = created.filter(
    (r) => r.error?.code === 'quota-exceeded' && freed.has(locationKey(locationOf(r))),
  );
  if (missed.length === 0) return retained;
  for (const r of missed) scope.quota.markFreed(locationOf(r));
  scope.deps.log.info('retention freed snapshot slots; retrying clusters that hit the quota', {
    clusters: missed.length,
  });
  const byKey = new Map(tasks.map((t) => [keyOf(t.at, t.cluster.id), t]));
  const again = await Promise.all(
    missed.map((r) => take(scope, byKey.get(keyOf(locationOf(r), r.clusterId)) as SnapshotTask, r.attempts)),
  );
  const replaced = new Map(again.map((r) => [keyOf(locationOf(r), r.clusterId), r]));
  retained.results = created.map((r) => replaced.get(keyOf(locationOf(r), r.clusterId)) ?? r);
  await prune(scope, ctx, again.filter(succeeded), retained);
  return retained;
}

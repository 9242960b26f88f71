/**
 * Retention across a run: prune every cluster whose slot snapshot exists, and when the quota was hit in a
 * Region where retention then freed slots, give each cluster that missed it one more attempt.
 */
import type { ClusterResult, DeletionResult } from './ports.js';
import { type PruneContext, pruneCluster } from './prune.js';
import { type RunScope, take } from './scope.js';
import type { SnapshotTask } from './select.js';

export interface Retained {
  /** The cluster results, with the second attempt's result where there was one. */
  results: ClusterResult[];
  deletions: DeletionResult[];
  /** Deletions that could not be recorded as they happened: the report writes them again. */
  unrecorded: DeletionResult[];
}

const succeeded = (r: ClusterResult) =>
  (r.outcome === 'created' || r.outcome === 'already-exists') && r.snapshotId !== undefined;
const keyOf = (region: string, clusterId: string) => `${region}#${clusterId}`;

function pruneContext(scope: RunScope): PruneContext | undefined {
  const { deps, request } = scope;
  const rules = request.policy.retention;
  if (!rules) return undefined;
  const run = { policy: request.policy.name, scheduledAt: request.slot.toISOString() };
  return {
    docdb: deps.docdb,
    clock: deps.clock,
    log: deps.log,
    policyName: request.policy.name,
    prefix: request.policy.snapshot.prefix,
    rules,
    slot: request.slot,
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
      scope.limiterFor(r.region).run(() => pruneCluster(ctx, r.region, r.clusterId, r.snapshotId as string)),
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
  const ctx = pruneContext(scope);
  if (!ctx) return retained;
  await prune(scope, ctx, created.filter(succeeded), retained);

  const freed = new Set(retained.deletions.filter((d) => d.outcome === 'deleted').map((d) => d.region));
  const missed = created.filter((r) => r.error?.code === 'quota-exceeded' && freed.has(r.region));
  if (missed.length === 0) return retained;
  for (const region of freed) scope.quotaHit.delete(region);
  scope.deps.log.info('retention freed snapshot slots; retrying clusters that hit the quota', {
    clusters: missed.length,
  });
  const byKey = new Map(tasks.map((t) => [keyOf(t.region, t.cluster.id), t]));
  const again = await Promise.all(
    missed.map((r) => take(scope, byKey.get(keyOf(r.region, r.clusterId)) as SnapshotTask, r.attempts)),
  );
  const replaced = new Map(again.map((r) => [keyOf(r.region, r.clusterId), r]));
  retained.results = created.map((r) => replaced.get(keyOf(r.region, r.clusterId)) ?? r);
  await prune(scope, ctx, again.filter(succeeded), retained);
  return retained;
}

/**
 * Retention in a run: after a cluster's snapshot for the slot exists, delete what the policy no longer
 * keeps. Deciding is pure (planning/retention.ts); here the candidates are read and their ownership is
 * proven from tags before anything is deleted.
 */
import { hasSnapshotIdShape } from '../planning/naming.js';
import { planRetention, type RetentionCandidate, slotFromSnapshotId } from '../planning/retention.js';
import { isOwnedBy } from '../planning/tags.js';
import type { RetentionRules } from '../policy/schema.js';
import { describeFailure } from './failures.js';
import type { Clock, DeletionResult, DocdbPort, ManualSnapshot, RunLog } from './ports.js';

export interface PruneContext {
  docdb: DocdbPort;
  clock: Clock;
  log: RunLog;
  policyName: string;
  prefix: string;
  rules: RetentionRules;
  /** The run's slot: ages and tiers are measured from it. */
  slot: Date;
  signal?: AbortSignal;
}

/**
 * Reads tags of the snapshots the plan would delete or treat as the newest available one, until every
 * such snapshot is proven ours; one found not to be ours is dropped and the plan is made again.
 */
async function provenPlan(
  ctx: PruneContext,
  region: string,
  listed: ManualSnapshot[],
  owned: Map<string, boolean>,
) {
  const byId = new Map(listed.map((s) => [s.snapshotId, s]));
  for (;;) {
    const candidates: RetentionCandidate[] = listed.map((s) => ({
      snapshotId: s.snapshotId,
      status: s.status,
      takenAt: slotFromSnapshotId(s.snapshotId) as Date,
      owned: owned.get(s.snapshotId),
    }));
    const plan = planRetention(candidates, ctx.rules, ctx.slot);
    const unproven = [...plan.delete.map((d) => d.snapshotId), plan.newestAvailable]
      .filter((id): id is string => id !== undefined)
      .filter((id) => !owned.has(id));
    if (unproven.length === 0) return plan;
    for (const id of unproven) {
      const tags = await ctx.docdb.listTags(region, byId.get(id)?.arn ?? '', ctx.signal);
      owned.set(id, isOwnedBy(tags, ctx.policyName));
    }
  }
}

/** A deletion retention would make, with its reason; ownership already proven from tags. */
export interface PlannedDeletion {
  snapshotId: string;
  reason: string;
}

/**
 * What retention would delete for one cluster once `current` (this slot's snapshot) exists: read-only.
 * When `current` does not exist yet (a dry run), it is counted as a new snapshot in `creating`.
 * Throws on AWS errors.
 * @example await retentionPreview(ctx, 'us-east-1', 'orders', 'nightly-orders-20261128-0300')
 */
export async function retentionPreview(
  ctx: PruneContext,
  region: string,
  clusterId: string,
  current: string,
): Promise<PlannedDeletion[]> {
  const listed = (await ctx.docdb.listClusterSnapshots(region, clusterId, ctx.signal)).filter(
    (s) =>
      s.clusterId.toLowerCase() === clusterId &&
      hasSnapshotIdShape(ctx.prefix, s.snapshotId) &&
      slotFromSnapshotId(s.snapshotId) !== undefined,
  );
  if (!listed.some((s) => s.snapshotId === current)) {
    listed.push({ snapshotId: current, clusterId, arn: '', status: 'creating', createdAt: ctx.slot });
  }
  const owned = new Map<string, boolean>([[current, true]]);
  const plan = await provenPlan(ctx, region, listed, owned);
  return plan.delete.filter((d) => owned.get(d.snapshotId) === true);
}

/**
 * Applies the policy's retention to one cluster whose snapshot for this slot exists (`current`).
 * Never throws: a failure to read or delete becomes a failed deletion result.
 * @example await pruneCluster(ctx, 'us-east-1', 'orders', 'nightly-orders-20261128-0300')
 */
export async function pruneCluster(
  ctx: PruneContext,
  region: string,
  clusterId: string,
  current: string,
): Promise<DeletionResult[]> {
  let planned: PlannedDeletion[];
  try {
    planned = await retentionPreview(ctx, region, clusterId, current);
  } catch (error) {
    const failure = describeFailure(error);
    ctx.log.error('could not plan retention', { region, cluster: clusterId, error: failure });
    return [
      { region, clusterId, snapshotId: '*', outcome: 'failed', reason: 'reading snapshots', error: failure },
    ];
  }
  const results: DeletionResult[] = [];
  for (const { snapshotId, reason } of planned) {
    try {
      await ctx.docdb.deleteSnapshot(region, snapshotId, ctx.signal);
      ctx.log.info('snapshot deleted', { region, cluster: clusterId, snapshotId, reason });
      results.push({ region, clusterId, snapshotId, outcome: 'deleted', reason });
    } catch (error) {
      const failure = describeFailure(error);
      ctx.log.warn('could not delete snapshot', { region, cluster: clusterId, snapshotId, error: failure });
      results.push({ region, clusterId, snapshotId, outcome: 'failed', reason, error: failure });
    }
  }
  return results;
}

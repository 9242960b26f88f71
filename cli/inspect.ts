/**
 * What the next run of a policy would do, read-only: the engine's own planning (`planRegion`, so the
 * selection, names and tags are exactly the run's) plus what it leaves out and why: excluded clusters,
 * clusters in a state the run fails without trying, explicit identifiers found nowhere, and clusters of
 * other engines that carry the policy's tags or a listed identifier. Used by `plan` and `run --dry-run`.
 */
import { describeFailure } from '../shared/backup/failures.js';
import { inOwnAccount, type Location, locationKey } from '../shared/backup/location.js';
import { type PlanContext, planRegion, type RegionPlan, selectionOf } from '../shared/backup/plan-region.js';
import { inPool } from '../shared/backup/pool.js';
import type { AnyEngineCluster, ClusterInventory, DocdbPort, RunLog } from '../shared/backup/ports.js';
import { type PlannedDeletion, retentionPreview } from '../shared/backup/prune.js';
import { NO_REGION } from '../shared/backup/results.js';
import { STATES_WAITING_CANNOT_FIX } from '../shared/backup/retry.js';
import { missingEverywhere, notFoundMessage } from '../shared/planning/missing.js';
import { needsTagsForSelection } from '../shared/planning/selection.js';
import type { ResolvedPolicy } from '../shared/policy/index.js';

export type PlanAction = 'snapshot' | 'skip' | 'fail';

/** One line of a plan: a cluster (or a whole Region, `*`) and what the run would do with it. */
export interface PlannedCluster {
  /** The Region, or `*` for an explicit identifier found in none of the policy's Regions. */
  region: string;
  /** The cluster id, or `*` for a Region that could not be read. */
  clusterId: string;
  /** `snapshot`: taken; `skip`: left out on purpose; `fail`: the run would record a failure. */
  action: PlanAction;
  /**
   * Why it is skipped or fails: `excluded`, `other-engine`, `cluster-unavailable`, `cluster-not-found`,
   * `region-unavailable` or another failure code; null for `snapshot`.
   */
  reason: string | null;
  /** The cluster's status now, when known. */
  status: string | null;
  /** The engine, for clusters that are not DocumentDB. */
  engine: string | null;
  /** The snapshot id the run would ask for. */
  snapshotId: string | null;
  /** One sentence for people. */
  detail: string;
  /** Snapshots the policy's retention would delete once this one exists (ownership proven); [] without retention. */
  wouldDelete: PlannedDeletion[];
}

export interface InspectContext {
  docdb: DocdbPort & ClusterInventory;
  log: RunLog;
  concurrency: number;
  signal?: AbortSignal;
}

/** What `planRows` needs from one Region: the engine's plan and the clusters of other engines. */
export interface RegionInspection {
  plan: RegionPlan;
  /** Clusters of other engines the policy would pick (by identifier or tags); tags already applied. */
  otherEngines: { cluster: AnyEngineCluster; byIdentifier: boolean }[];
}

const ACTION_ORDER: Record<PlanAction, number> = { snapshot: 0, fail: 1, skip: 2 };

function byRegionActionCluster(a: PlannedCluster, b: PlannedCluster): number {
  const region = (r: string) => (r === '*' ? '\uffff' : r);
  return (
    region(a.region).localeCompare(region(b.region)) ||
    ACTION_ORDER[a.action] - ACTION_ORDER[b.action] ||
    a.clusterId.localeCompare(b.clusterId)
  );
}

/** A plan line with every key present, in the documented order (stable JSON). */
function row(
  fields: Partial<PlannedCluster> & Pick<PlannedCluster, 'region' | 'clusterId' | 'action' | 'detail'>,
): PlannedCluster {
  return {
    region: fields.region,
    clusterId: fields.clusterId,
    action: fields.action,
    reason: fields.reason ?? null,
    status: fields.status ?? null,
    engine: fields.engine ?? null,
    snapshotId: fields.snapshotId ?? null,
    detail: fields.detail,
    wouldDelete: fields.wouldDelete ?? [],
  };
}

/**
 * Turns the Regions' plans into plan lines, sorted by Region (`*` last), action and cluster. Pure.
 * An explicit identifier counts as not found only when every Region was read and none has it, as in a run.
 * Example: `planRows([{ plan, otherEngines: [] }])` → `[{ action: 'snapshot', snapshotId: 'nightly-orders-20261128-0300', … }]`
 */
export function planRows(regions: readonly RegionInspection[]): PlannedCluster[] {
  const rows: PlannedCluster[] = [];
  for (const { plan, otherEngines } of regions) {
    for (const task of plan.tasks) {
      const status = task.cluster.status;
      if (STATES_WAITING_CANNOT_FIX.has(status)) {
        rows.push(
          row({
            region: plan.at.region,
            clusterId: task.cluster.id,
            action: 'fail',
            reason: 'cluster-unavailable',
            status,
            snapshotId: task.snapshotId,
            detail: `"${status}": the run records a failure at once (waiting does not fix it)`,
          }),
        );
        continue;
      }
      const busy = status === 'available' ? '' : ` (now "${status}": the run retries while it is busy)`;
      rows.push(
        row({
          region: plan.at.region,
          clusterId: task.cluster.id,
          action: 'snapshot',
          status,
          snapshotId: task.snapshotId,
          detail: `${task.snapshotId}${busy}`,
        }),
      );
    }
    for (const failure of plan.failures) {
      rows.push(
        row({
          region: plan.at.region,
          clusterId: failure.clusterId,
          action: 'fail',
          reason: failure.error?.code ?? 'aws-error',
          detail: failure.error?.message ?? 'failed',
        }),
      );
    }
    for (const id of plan.excluded ?? []) {
      rows.push(
        row({
          region: plan.at.region,
          clusterId: id,
          action: 'skip',
          reason: 'excluded',
          detail: 'named in clusters.exclude',
        }),
      );
    }
    for (const { cluster, byIdentifier } of otherEngines) {
      if (byIdentifier) continue; // reported with the identifier that is not found, below
      rows.push(
        row({
          region: plan.at.region,
          clusterId: cluster.id,
          action: 'skip',
          reason: 'other-engine',
          status: cluster.status,
          engine: cluster.engine,
          detail: `other engine (${cluster.engine}) with matching tags: not backed up`,
        }),
      );
    }
  }
  rows.push(...notFoundEverywhere(regions));
  return rows.sort(byRegionActionCluster);
}

function notFoundEverywhere(regions: readonly RegionInspection[]): PlannedCluster[] {
  const ids = missingEverywhere(regions.map((r) => selectionOf(r.plan)));
  return ids.map((id) => {
    const other = regions.flatMap((r) =>
      r.otherEngines
        .filter((o) => o.cluster.id === id)
        .map((o) => `${o.cluster.engine} in ${r.plan.at.region}`),
    );
    const hint = other.length
      ? `; it is a cluster of another engine (${other.join(', ')}): not backed up`
      : '';
    return row({
      region: NO_REGION,
      clusterId: id,
      action: 'fail',
      reason: 'cluster-not-found',
      detail: `${notFoundMessage(
        id,
        regions.map((r) => r.plan.at.region),
      )}${hint}`,
    });
  });
}

/**
 * A DocumentDB port whose `listClusters` is answered from one unfiltered DescribeDBClusters listing per
 * Region, kept for the other engines: one listing serves both views.
 */
function sharedListing(docdb: DocdbPort & ClusterInventory, signal?: AbortSignal) {
  const listings = new Map<string, Promise<AnyEngineCluster[]>>();
  const all = (at: Location) => {
    let listing = listings.get(locationKey(at));
    if (!listing) {
      listing = docdb.listClustersOfAnyEngine(at, signal);
      listings.set(locationKey(at), listing);
    }
    return listing;
  };
  const port: PlanContext['docdb'] = {
    listClusters: async (at) =>
      (await all(at)).filter((c) => c.engine === 'docdb').map(({ id, arn, status }) => ({ id, arn, status })),
    listTags: (at, arn, tagSignal) => docdb.listTags(at, arn, tagSignal),
  };
  return { port, all };
}

async function otherEnginesPicked(
  ctx: InspectContext,
  policy: ResolvedPolicy,
  at: Location,
  clusters: readonly AnyEngineCluster[],
): Promise<RegionInspection['otherEngines']> {
  const identifiers = new Set(policy.clusters.identifiers);
  const excluded = new Set(policy.clusters.exclude);
  const candidates = clusters.filter((c) => c.engine !== 'docdb' && !excluded.has(c.id));
  const byTags = needsTagsForSelection(policy.clusters);
  const picked = await inPool(candidates, ctx.concurrency, async (cluster) => {
    if (identifiers.has(cluster.id)) return { cluster, byIdentifier: true };
    if (!byTags) return undefined;
    try {
      const tags = await ctx.docdb.listTags(at, cluster.arn, ctx.signal);
      const matches = Object.entries(policy.clusters.tags).every(([key, value]) => tags[key] === value);
      return matches ? { cluster, byIdentifier: false } : undefined;
    } catch (error) {
      ctx.log.warn('could not read the tags of a cluster of another engine', {
        region: at.region,
        cluster: cluster.id,
        error,
      });
      return undefined;
    }
  });
  return picked.filter((p): p is NonNullable<typeof p> => p !== undefined);
}

/**
 * The port as retention's preview should see it: the slot's snapshot `available` (listed as if taken at the
 * slot when it does not exist yet, or while it is `creating`). The run itself counts it only once it is
 * available, and the reconciler prunes again then; the preview shows what goes for the slot in the end.
 * A slot snapshot that ended `failed` is left as it is (retention then deletes nothing).
 * Example: `retentionPreview({ ...ctx, docdb: slotSnapshotAvailable(docdb, 'nightly-orders-20261128-0300', slot) }, …)`
 */
export function slotSnapshotAvailable(docdb: DocdbPort, snapshotId: string, slot: Date): DocdbPort {
  return {
    listClusters: (at, signal) => docdb.listClusters(at, signal),
    listTags: (at, arn, signal) => docdb.listTags(at, arn, signal),
    createSnapshot: (at, request, signal) => docdb.createSnapshot(at, request, signal),
    findSnapshot: (at, id, signal) => docdb.findSnapshot(at, id, signal),
    snapshotState: (at, id, signal) => docdb.snapshotState(at, id, signal),
    listManualSnapshots: (at, signal) => docdb.listManualSnapshots(at, signal),
    deleteSnapshot: (at, id, signal) => docdb.deleteSnapshot(at, id, signal),
    copySnapshot: (at, request, signal) => docdb.copySnapshot(at, request, signal),
    shareSnapshot: (at, id, account, signal) => docdb.shareSnapshot(at, id, account, signal),
    unshareSnapshot: (at, id, account, signal) => docdb.unshareSnapshot(at, id, account, signal),
    copyState: (at, id, signal) => docdb.copyState(at, id, signal),
    listCopies: (at, signal) => docdb.listCopies(at, signal),
    copyTags: (at, arn, signal) => docdb.copyTags(at, arn, signal),
    deleteCopy: (at, id, signal) => docdb.deleteCopy(at, id, signal),
    async listClusterSnapshots(at, clusterId, signal) {
      const listed = await docdb.listClusterSnapshots(at, clusterId, signal);
      const current = listed.find((s) => s.snapshotId === snapshotId);
      if (current && current.status !== 'creating') return listed;
      const others = listed.filter((s) => s.snapshotId !== snapshotId);
      return [
        ...others,
        {
          snapshotId,
          clusterId,
          arn: current?.arn ?? '',
          status: 'available',
          createdAt: current?.createdAt ?? slot,
        },
      ];
    },
  };
}

/**
 * Plans a policy's run for `slot` in every Region, read-only, and explains every cluster it touches or
 * leaves out. Never throws for AWS errors: an unreadable Region is a `fail` line.
 * Example: `await inspectPolicy(ctx, policy, new Date('2026-11-28T03:00Z'))`
 */
export async function inspectPolicy(
  ctx: InspectContext,
  policy: ResolvedPolicy,
  slot: Date,
): Promise<PlannedCluster[]> {
  const { port, all } = sharedListing(ctx.docdb, ctx.signal);
  const planContext = { docdb: port, log: ctx.log, concurrency: ctx.concurrency, signal: ctx.signal };
  const regions = await inPool(policy.regions, ctx.concurrency, async (region): Promise<RegionInspection> => {
    const at = inOwnAccount(region);
    const plan = await planRegion(planContext, policy, at, slot);
    const listing = await all(at).catch(() => undefined);
    const otherEngines = listing ? await otherEnginesPicked(ctx, policy, at, listing) : [];
    return { plan, otherEngines };
  });
  const rows = planRows(regions);
  const retention = policy.retention;
  if (!retention) return rows;
  const pruneContext = {
    docdb: ctx.docdb,
    clock: { now: () => Date.now(), sleep: async () => undefined },
    log: ctx.log,
    policyName: policy.name,
    prefix: policy.snapshot.prefix,
    rules: retention,
    slot,
    signal: ctx.signal,
  };
  await inPool(
    rows.filter((r) => r.action === 'snapshot' && r.snapshotId),
    ctx.concurrency,
    async (r) => {
      try {
        r.wouldDelete = await retentionPreview(
          { ...pruneContext, docdb: slotSnapshotAvailable(ctx.docdb, r.snapshotId!, slot) },
          inOwnAccount(r.region),
          r.clusterId,
          r.snapshotId!,
        );
      } catch (error) {
        ctx.log.warn('could not preview retention', {
          region: r.region,
          cluster: r.clusterId,
          error: describeFailure(error),
        });
        r.detail = `${r.detail} (retention preview unavailable: ${describeFailure(error).message})`;
      }
    },
  );
  return rows;
}

/** Counts of a plan's lines by action. */
export function countActions(rows: readonly PlannedCluster[]): Record<PlanAction, number> {
  const counts: Record<PlanAction, number> = { snapshot: 0, skip: 0, fail: 0 };
  for (const r of rows) counts[r.action]++;
  return counts;
}

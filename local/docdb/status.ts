/** Statuses as DocumentDB would show them now: time-based `creating` plus injected cluster faults. */
import type { CallContext } from '../context.js';
import type { FaultEngine } from '../faults.js';
import { type ClusterRecord, type SnapshotRecord, timedStatus } from '../world.js';

/** The cluster status DescribeDBClusters shows now. */
export function clusterStatus(
  faults: FaultEngine,
  accountId: string,
  region: string,
  cluster: ClusterRecord,
  nowMs: number,
): string {
  return faults.clusterOverride(accountId, region, cluster.id, nowMs)?.status ?? timedStatus(cluster, nowMs);
}

/** Shorthand for `clusterStatus` within one call. */
export function clusterStatusIn(ctx: CallContext, cluster: ClusterRecord): string {
  return clusterStatus(ctx.faults, ctx.accountId, ctx.region, cluster, ctx.nowMs);
}

/** The snapshot status now: `creating` until its creation time is over, then `available` or `failed`. */
export function snapshotStatus(snapshot: SnapshotRecord, nowMs: number): string {
  return timedStatus(snapshot, nowMs);
}

/**
 * PercentProgress ("the percentage of the estimated data that has been transferred", DBClusterSnapshot
 * in the DocumentDB API reference): grows with the emulator's clock over the snapshot's own creation
 * time while `creating`, 100 once `available`. A `failed` snapshot (and a seeded `creating` one, which
 * never ends) shows 0: the API documents no value for it, and nothing usable was transferred.
 */
export function snapshotProgress(snapshot: SnapshotRecord, nowMs: number): number {
  if (snapshot.availableAtMs === undefined || nowMs >= snapshot.availableAtMs) {
    return snapshot.status === 'creating' || snapshot.status === 'failed' ? 0 : 100;
  }
  const total = snapshot.availableAtMs - snapshot.createdAtMs;
  return total <= 0 ? 0 : Math.min(99, Math.floor(((nowMs - snapshot.createdAtMs) / total) * 100));
}

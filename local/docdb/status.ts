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
  return faults.clusterOverride(accountId, region, cluster.id)?.status ?? timedStatus(cluster, nowMs);
}

/** Shorthand for `clusterStatus` within one call. */
export function clusterStatusIn(ctx: CallContext, cluster: ClusterRecord): string {
  return clusterStatus(ctx.faults, ctx.accountId, ctx.region, cluster, ctx.nowMs);
}

/** The snapshot status now. */
export function snapshotStatus(snapshot: SnapshotRecord, nowMs: number): string {
  return timedStatus(snapshot, nowMs);
}

/** PercentProgress: grows while `creating`, 100 once done. */
export function snapshotProgress(snapshot: SnapshotRecord, nowMs: number): number {
  if (snapshot.availableAtMs === undefined || nowMs >= snapshot.availableAtMs) {
    return snapshot.status === 'creating' ? 0 : 100;
  }
  const total = snapshot.availableAtMs - snapshot.createdAtMs;
  return total <= 0 ? 0 : Math.min(99, Math.floor(((nowMs - snapshot.createdAtMs) / total) * 100));
}

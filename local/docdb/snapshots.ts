/** CreateDBClusterSnapshot and DeleteDBClusterSnapshot (DescribeDBClusterSnapshots: snapshot-listing.ts). */
import { parseArn } from '../aws-ids.js';
import type { CallContext } from '../context.js';
import { type QueryParams, readTags } from '../query.js';
import { timedStatus } from '../world.js';
import { wrap } from '../xml.js';
import { failCopiesOf } from './copies.js';
import {
  clusterNotFound,
  invalidClusterState,
  invalidSnapshotState,
  snapshotAlreadyExists,
  snapshotNotFound,
  snapshotQuotaExceeded,
} from './errors.js';
import { buildSnapshot } from './records.js';
import { renderSnapshot } from './render.js';
import { checkIdentifier, checkResourceTags } from './rules.js';
import { snapshotStatus } from './status.js';

/**
 * A manual snapshot, checked as AWS does: identifier rules, tags, cluster exists, identifier unused in
 * the account and Region (any engine), cluster `available`, manual snapshots below the Region's quota.
 * It is `creating` for its cluster fault's `snapshotAvailableAfterMs`, else the cluster's, else the
 * emulator's, then ends as the cluster fault's `snapshotOutcome` says: `available`, `failed`, or gone.
 */
export function createDBClusterSnapshot(ctx: CallContext, params: QueryParams): string {
  const id = checkIdentifier('DBClusterSnapshotIdentifier', params.required('DBClusterSnapshotIdentifier'));
  const clusterParam = params.required('DBClusterIdentifier');
  const tags = readTags(params, 'Tag');
  checkResourceTags(tags);
  const cluster = ctx.store.clusters.get(clusterParam.toLowerCase());
  if (!cluster) throw clusterNotFound(clusterParam);
  if (ctx.store.snapshots.has(id)) throw snapshotAlreadyExists(id);

  const override = ctx.faults.clusterOverride(ctx.accountId, ctx.region, cluster.id, ctx.nowMs);
  if (override?.busy) {
    ctx.faults.consumeBusyAttempt(override.key);
    throw invalidClusterState(cluster.id, override.status);
  }
  const status = override?.status ?? timedStatus(cluster, ctx.nowMs);
  if (status !== 'available') throw invalidClusterState(cluster.id, status);

  const quota = ctx.world.quotaOf(ctx.store);
  if (ctx.store.manualSnapshotCount() >= quota) throw snapshotQuotaExceeded(quota);

  const plan = ctx.faults.snapshotPlan(ctx.accountId, ctx.region, cluster.id);
  const durationMs =
    plan.availableAfterMs ?? cluster.snapshotAvailableAfterMs ?? ctx.world.settings.snapshotAvailableAfterMs;
  const availableAtMs = ctx.nowMs + durationMs;
  const snapshot = buildSnapshot(ctx.store, {
    id,
    clusterId: cluster.id,
    type: 'manual',
    status: plan.outcome === 'failed' ? 'failed' : 'available',
    availableAtMs,
    ...(plan.outcome === 'vanished' ? { vanishAtMs: availableAtMs } : {}),
    createdAtMs: ctx.nowMs,
    tags,
    cluster,
  });
  ctx.store.putSnapshot(snapshot);
  return wrap('DBClusterSnapshot', renderSnapshot(snapshot, ctx.region, ctx.accountId, 'creating', 0));
}

/** An identifier or snapshot ARN, as the identifier lowercase. */
function snapshotIdOf(value: string): string {
  const arn = parseArn(value);
  const id = arn?.resource.startsWith('cluster-snapshot:')
    ? arn.resource.slice('cluster-snapshot:'.length)
    : value;
  return id.toLowerCase();
}

/**
 * Deletes an `available` manual snapshot; automated and AWS Backup ones are refused, and so is any other
 * state (`creating`, `failed`): "The cluster snapshot must be in the available state to be deleted"
 * (DeleteDBClusterSnapshot, DocumentDB API reference) — except a copy still `copying`, which deleting
 * cancels ("To cancel the copy operation after it is in progress, delete the target cluster snapshot …
 * while that cluster snapshot is in the copying status", CopyDBClusterSnapshot, same reference). Copies
 * still `copying` from the deleted snapshot fail (copies.ts `failCopiesOf`).
 */
export function deleteDBClusterSnapshot(ctx: CallContext, params: QueryParams): string {
  const requested = params.required('DBClusterSnapshotIdentifier');
  const snapshot = ctx.store.snapshots.get(snapshotIdOf(requested));
  if (!snapshot) throw snapshotNotFound(requested);
  if (snapshot.type === 'automated') {
    throw invalidSnapshotState(
      'Only manual snapshots may be deleted. Automated snapshots are deleted by the service.',
    );
  }
  if (snapshot.type === 'awsbackup') {
    throw invalidSnapshotState(
      'This snapshot is managed by AWS Backup and can only be deleted through AWS Backup.',
    );
  }
  const status = snapshotStatus(snapshot, ctx.nowMs);
  if (status !== 'available' && status !== 'copying') {
    throw invalidSnapshotState(
      `Cannot delete the snapshot ${snapshot.id} because it is in state ${status}, not available.`,
    );
  }
  ctx.store.removeSnapshot(snapshot.id);
  failCopiesOf(ctx.world, snapshot.arn, ctx.nowMs);
  return wrap('DBClusterSnapshot', renderSnapshot(snapshot, ctx.region, ctx.accountId, status, 100));
}

/**
 * DescribeDBClusterSnapshots: the caller's snapshots, and the manual snapshots other accounts share with it
 * (DocumentDB API reference, API_DescribeDBClusterSnapshots.html): SnapshotType `shared` or `public` lists
 * only those; no SnapshotType lists the caller's own plus, with `IncludeShared` / `IncludePublic`, the shared
 * and public ones ("The IncludeShared and IncludePublic parameters don't apply for SnapshotType values of
 * manual or automated"). A shared snapshot is also found by its ARN.
 */
import { parseArn } from '../aws-ids.js';
import type { CallContext } from '../context.js';
import { AwsApiError, invalidParameterValue } from '../errors.js';
import { maxRecords, paginate } from '../paging.js';
import type { QueryParams } from '../query.js';
import type { RegionStore, SnapshotRecord } from '../world.js';
import { list } from '../xml.js';
import { mayRestore, ownSnapshotId, snapshotsSharedWith } from './attributes.js';
import { snapshotNotFound } from './errors.js';
import { renderSnapshot, type SharedView } from './render.js';
import { snapshotProgress, snapshotStatus } from './status.js';

const SNAPSHOT_TYPES = ['automated', 'manual', 'shared', 'public', 'awsbackup'];

/** A snapshot as the caller sees it: its own, or another account's shared with it. */
interface Listed {
  snapshot: SnapshotRecord;
  owner: RegionStore;
  shared?: SharedView;
}

/** Sort key: creation time, then identifier (the ARN for a shared one, as shown). */
function listedKey(item: Listed): string {
  const shown = item.shared ? item.snapshot.arn : item.snapshot.id;
  return `${String(item.snapshot.createdAtMs).padStart(16, '0')}|${shown}`;
}

/** The one snapshot an identifier or ARN names: the caller's own, or one shared with it (by ARN). */
function byIdentifier(ctx: CallContext, value: string): Listed {
  const arn = parseArn(value);
  if (arn && arn.accountId !== ctx.accountId) {
    const prefix = 'cluster-snapshot:';
    const owner = arn.region === ctx.region ? ctx.world.findStore(arn.accountId, arn.region) : undefined;
    const id = arn.resource.startsWith(prefix) ? arn.resource.slice(prefix.length).toLowerCase() : '';
    const snapshot = owner?.snapshots.get(id);
    if (
      !owner ||
      !snapshot ||
      snapshot.type !== 'manual' ||
      !mayRestore(snapshot, owner.accountId, ctx.accountId)
    )
      throw snapshotNotFound(value);
    return {
      snapshot,
      owner,
      shared: { type: snapshot.sharedWith.has(ctx.accountId) ? 'shared' : 'public' },
    };
  }
  const id = ownSnapshotId(ctx, value);
  const snapshot = id === undefined ? undefined : ctx.store.snapshots.get(id);
  if (!snapshot) throw snapshotNotFound(value);
  return { snapshot, owner: ctx.store };
}

function sharedOnes(ctx: CallContext, kind: 'shared' | 'public'): Listed[] {
  return snapshotsSharedWith(ctx.world, ctx.accountId, ctx.region, kind).map(({ snapshot, owner }) => ({
    snapshot,
    owner,
    shared: { type: kind },
  }));
}

/** Everything the call may list before its filters: see the module comment. */
function candidates(ctx: CallContext, type: string | undefined, params: QueryParams): Listed[] {
  for (const store of ctx.world.allStores()) if (store.region === ctx.region) store.settle(ctx.nowMs);
  if (type === 'shared' || type === 'public') return sharedOnes(ctx, type);
  const own: Listed[] = [...ctx.store.snapshots.values()].map((snapshot) => ({ snapshot, owner: ctx.store }));
  if (type !== undefined) return own;
  const shared = params.bool('IncludeShared') ? sharedOnes(ctx, 'shared') : [];
  const seen = new Set(shared.map((item) => item.snapshot));
  const visible = params.bool('IncludePublic')
    ? sharedOnes(ctx, 'public').filter((item) => !seen.has(item.snapshot))
    : [];
  return [...own, ...shared, ...visible];
}

/**
 * Snapshots by cluster, by identifier or ARN (unknown → DBClusterSnapshotNotFoundFault) or by SnapshotType,
 * paged by Marker/MaxRecords (20–100). `Filters` are ignored, like the real service.
 */
export function describeDBClusterSnapshots(ctx: CallContext, params: QueryParams): string {
  const size = maxRecords(params.int('MaxRecords'));
  const clusterParam = params.string('DBClusterIdentifier');
  const snapshotParam = params.string('DBClusterSnapshotIdentifier');
  const type = params.string('SnapshotType');
  if (clusterParam && snapshotParam) {
    throw new AwsApiError(
      'InvalidParameterCombination',
      'DBClusterIdentifier cannot be used together with DBClusterSnapshotIdentifier.',
      400,
    );
  }
  if (type !== undefined && !SNAPSHOT_TYPES.includes(type)) {
    throw invalidParameterValue(
      `Invalid value ${type} for SnapshotType. Valid values: ${SNAPSHOT_TYPES.join(', ')}`,
    );
  }
  let items = snapshotParam ? [byIdentifier(ctx, snapshotParam)] : candidates(ctx, type, params);
  if (clusterParam) {
    const clusterId = clusterParam.toLowerCase();
    items = items.filter((item) => item.snapshot.clusterId === clusterId);
  }
  if (type !== undefined) items = items.filter((item) => (item.shared?.type ?? item.snapshot.type) === type);
  items.sort((a, b) => (listedKey(a) < listedKey(b) ? -1 : 1));
  const page = paginate(items, listedKey, size, params.string('Marker'));
  const marker = page.marker === undefined ? '' : `<Marker>${page.marker}</Marker>`;
  return (
    marker +
    list('DBClusterSnapshots', 'DBClusterSnapshot', page.items, ({ snapshot, owner, shared }) =>
      renderSnapshot(
        snapshot,
        owner.region,
        owner.accountId,
        snapshotStatus(snapshot, ctx.nowMs),
        snapshotProgress(snapshot, ctx.nowMs),
        shared,
      ),
    )
  );
}

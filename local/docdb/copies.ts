/**
 * CopyDBClusterSnapshot (DocumentDB API reference, API_CopyDBClusterSnapshot.html): a manual snapshot in the
 * caller's account and Region made from a snapshot of the same Region, another Region (with a pre-signed URL)
 * or another account (shared with the caller). The copy is `copying` ("delete the target cluster snapshot …
 * while that cluster snapshot is in the copying status", the same reference; DescribeDBClusterSnapshots shows
 * that status, not `creating`) for the emulator's `copyAvailableAfterMs` or its source cluster fault's, then
 * `available` or, by fault, `failed`. At most `maxConcurrentCopies` copies are `copying` at once per account
 * and Region.
 */
import { clusterSnapshotArn } from '../aws-ids.js';
import type { CallContext } from '../context.js';
import { type QueryParams, readTags } from '../query.js';
import { type CopyOrigin, type RegionStore, type SnapshotRecord, timedStatus, type World } from '../world.js';
import { wrap } from '../xml.js';
import {
  type CopySource,
  checkPreSignedUrl,
  checkSourceUsable,
  copyKeyArn,
  findCopySource,
} from './copy-checks.js';
import {
  copyLimitExceeded,
  invalidParameterCombination,
  snapshotAlreadyExists,
  snapshotQuotaExceeded,
} from './errors.js';
import { renderSnapshot } from './render.js';
import { checkIdentifier, checkResourceTags, checkTags } from './rules.js';

const COPY_PARAMETERS = new Set([
  'Action',
  'Version',
  'SourceDBClusterSnapshotIdentifier',
  'TargetDBClusterSnapshotIdentifier',
  'KmsKeyId',
  'PreSignedUrl',
  'CopyTags',
]);

/** Copies in `store` still `copying` at `nowMs`. */
export function copiesInFlight(store: RegionStore, nowMs: number): number {
  let count = 0;
  for (const snapshot of store.snapshots.values())
    if (snapshot.copy && timedStatus(snapshot, nowMs) === 'copying') count++;
  return count;
}

/**
 * The copy's tags: `Tags`, plus the source's with `CopyTags` (the request's value wins for a key in both;
 * the API reference says only that CopyTags copies "all tags from the source"). A snapshot shared by another
 * account does not lend its tags: CopyTags with such a source is refused (InvalidParameterCombination; the
 * reference is silent, and copy tools note that "CopyTags parameter cannot be used on shared snapshots",
 * github.com/FINRAOS/maskopy lambda code). At most 50 tags in all.
 */
function copyTagsOf(
  source: CopySource,
  requested: Array<[string, string]>,
  copyTags: boolean,
): Map<string, string> {
  if (copyTags && source.crossAccount) {
    throw invalidParameterCombination(
      'CopyTags cannot be used to copy a cluster snapshot shared from another account: give the tags with Tags.',
    );
  }
  const inherited = copyTags ? [...source.snapshot.tags] : [];
  checkResourceTags(requested, inherited);
  return new Map([...inherited, ...requested]);
}

/** Refuses a copy the destination has no room for: its manual snapshot quota, then the in-flight limit. */
function checkRoom(ctx: CallContext): void {
  const quota = ctx.world.quotaOf(ctx.store);
  if (ctx.store.manualSnapshotCount() >= quota) throw snapshotQuotaExceeded(quota);
  const limit = ctx.world.settings.maxConcurrentCopies;
  if (copiesInFlight(ctx.store, ctx.nowMs) >= limit) throw copyLimitExceeded(limit);
}

function buildCopy(
  ctx: CallContext,
  source: CopySource,
  id: string,
  tags: Map<string, string>,
  origin: CopyOrigin,
): SnapshotRecord {
  const from = source.snapshot;
  const plan = ctx.faults.copyPlan(source.owner.accountId, source.owner.region, from.clusterId);
  return {
    id,
    arn: clusterSnapshotArn(ctx.region, ctx.accountId, id),
    clusterId: from.clusterId,
    type: 'manual',
    engine: from.engine,
    engineVersion: from.engineVersion,
    status: plan.outcome,
    availableAtMs: ctx.nowMs + (plan.availableAfterMs ?? ctx.world.settings.copyAvailableAfterMs),
    pendingStatus: 'copying',
    // The copy's own creation time, as RDS's OriginalSnapshotCreateTime "doesn't change when the snapshot is
    // copied" implies SnapshotCreateTime does (RDS API reference, DBSnapshot).
    createdAtMs: ctx.nowMs,
    clusterCreatedAtMs: from.clusterCreatedAtMs,
    encrypted: from.encrypted,
    port: from.port,
    tags,
    sharedWith: new Set(),
    copy: origin,
  };
}

/** Records the request as it arrived: what a test asserts about the wire (PreSignedUrl, no SourceRegion). */
function recordRequest(ctx: CallContext, params: QueryParams, copyTags: boolean): void {
  const preSignedUrl = params.string('PreSignedUrl');
  const kmsKeyId = params.string('KmsKeyId');
  ctx.world.copyRequests.push({
    accountId: ctx.accountId,
    region: ctx.region,
    source: params.required('SourceDBClusterSnapshotIdentifier'),
    target: params.required('TargetDBClusterSnapshotIdentifier'),
    ...(kmsKeyId ? { kmsKeyId } : {}),
    copyTags,
    ...(preSignedUrl ? { preSignedUrl } : {}),
    otherParameters: params.names().filter((name) => !COPY_PARAMETERS.has(name) && !name.startsWith('Tags.')),
    time: new Date(ctx.nowMs).toISOString(),
  });
}

/** CopyDBClusterSnapshot: checks as AWS does, then a `copying` manual snapshot in the caller's store. */
export function copyDBClusterSnapshot(ctx: CallContext, params: QueryParams): string {
  const requested = params.required('SourceDBClusterSnapshotIdentifier');
  const id = checkIdentifier(
    'TargetDBClusterSnapshotIdentifier',
    params.required('TargetDBClusterSnapshotIdentifier'),
  );
  const copyTags = params.bool('CopyTags') ?? false;
  const tags = readTags(params, 'Tag');
  checkTags(tags);
  recordRequest(ctx, params, copyTags);
  const source = findCopySource(ctx, requested);
  checkSourceUsable(ctx, source);
  const preSignedUrl = params.string('PreSignedUrl') || undefined;
  checkPreSignedUrl(ctx, source, preSignedUrl, requested);
  const kmsKeyArn = copyKeyArn(ctx, source, params.string('KmsKeyId') || undefined);
  const allTags = copyTagsOf(source, tags, copyTags);
  if (ctx.store.snapshots.has(id)) throw snapshotAlreadyExists(id);
  checkRoom(ctx);
  const origin: CopyOrigin = {
    sourceArn: source.snapshot.arn,
    sourceAccountId: source.owner.accountId,
    sourceRegion: source.owner.region,
    ...(source.crossRegion && preSignedUrl ? { preSignedUrl } : {}),
  };
  const copy = buildCopy(ctx, source, id, allTags, origin);
  if (kmsKeyArn !== undefined) copy.kmsKeyId = kmsKeyArn;
  ctx.store.putSnapshot(copy);
  ctx.store.copiesInFlightPeak = Math.max(ctx.store.copiesInFlightPeak, copiesInFlight(ctx.store, ctx.nowMs));
  return wrap('DBClusterSnapshot', renderSnapshot(copy, ctx.region, ctx.accountId, 'copying', 0));
}

/**
 * Fails the copies still `copying` from `sourceArn`, whose source was just deleted: "If you delete a source
 * snapshot before the target snapshot becomes available, the snapshot copy might fail" (Aurora user guide,
 * USER_CopySnapshot.html); in the emulator it does.
 */
export function failCopiesOf(world: World, sourceArn: string, nowMs: number): void {
  for (const store of world.allStores()) {
    for (const snapshot of store.snapshots.values()) {
      if (snapshot.copy?.sourceArn !== sourceArn || timedStatus(snapshot, nowMs) !== 'copying') continue;
      snapshot.status = 'failed';
      snapshot.availableAtMs = nowMs;
    }
  }
}

/**
 * Sharing manual snapshots: ModifyDBClusterSnapshotAttribute and DescribeDBClusterSnapshotAttributes on the
 * `restore` attribute (account ids, or `all` for public), and who may then see and copy a snapshot
 * (DocumentDB API reference, API_ModifyDBClusterSnapshotAttribute.html; Aurora user guide,
 * aurora-share-snapshot.html and share-encrypted-snapshot.html).
 */
import { parseArn } from '../aws-ids.js';
import type { CallContext } from '../context.js';
import { invalidParameterValue } from '../errors.js';
import { keyOfArn } from '../kms.js';
import type { QueryParams } from '../query.js';
import type { RegionStore, SnapshotRecord, World } from '../world.js';
import { el, escapeXml, list, wrap } from '../xml.js';
import { invalidSnapshotState, sharedSnapshotQuotaExceeded, snapshotNotFound } from './errors.js';
import { snapshotStatus } from './status.js';

export const RESTORE_ATTRIBUTE = 'restore';
const PUBLIC = 'all';
/** "You can share a manual snapshot with up to 20 other AWS accounts" (Aurora user guide). */
export const MAX_SHARED_ACCOUNTS = 20;
const ACCOUNT_ID = /^\d{12}$/;

/** An identifier or snapshot ARN of the caller's own account and Region, as the identifier lowercase. */
export function ownSnapshotId(ctx: CallContext, value: string): string | undefined {
  const arn = parseArn(value);
  if (!arn) return value.toLowerCase();
  if (arn.accountId !== ctx.accountId || arn.region !== ctx.region) return undefined;
  return arn.resource.startsWith('cluster-snapshot:')
    ? arn.resource.slice('cluster-snapshot:'.length).toLowerCase()
    : undefined;
}

function ownSnapshot(ctx: CallContext, requested: string): SnapshotRecord {
  const id = ownSnapshotId(ctx, requested);
  const snapshot = id === undefined ? undefined : ctx.store.snapshots.get(id);
  if (!snapshot) throw snapshotNotFound(requested);
  return snapshot;
}

/** Whether `accountId` may copy or restore `snapshot` of `owner`: its own, shared with it, or public. */
export function mayRestore(snapshot: SnapshotRecord, owner: string, accountId: string): boolean {
  return owner === accountId || snapshot.sharedWith.has(accountId) || snapshot.sharedWith.has(PUBLIC);
}

/**
 * Manual snapshots of other accounts in `region` that `accountId` may copy: `shared` ones name it in their
 * `restore` attribute, `public` ones hold `all`. Example: `snapshotsSharedWith(world, '444455556666', 'us-east-1', 'shared')`
 */
export function snapshotsSharedWith(
  world: World,
  accountId: string,
  region: string,
  kind: 'shared' | 'public',
): Array<{ snapshot: SnapshotRecord; owner: RegionStore }> {
  const found: Array<{ snapshot: SnapshotRecord; owner: RegionStore }> = [];
  for (const owner of world.allStores()) {
    if (owner.region !== region || owner.accountId === accountId) continue;
    for (const snapshot of owner.snapshots.values()) {
      const shared = kind === 'shared' ? snapshot.sharedWith.has(accountId) : snapshot.sharedWith.has(PUBLIC);
      if (shared && snapshot.type === 'manual') found.push({ snapshot, owner });
    }
  }
  return found;
}

/**
 * Refuses what AWS does not share: snapshots other than manual ones ("To share an automated DB cluster
 * snapshot, create a manual DB cluster snapshot by copying the automated snapshot"), snapshots not yet
 * `available` (the emulator's choice, under the documented InvalidDBClusterSnapshotStateFault), encrypted
 * snapshots as public, and snapshots encrypted with the AWS managed key: "You can't share a snapshot that
 * has been encrypted using the default KMS key of the AWS account that shared the snapshot" (Aurora user
 * guide, share-encrypted-snapshot.html). The API reference names no error code for the last two:
 * InvalidParameterValue, RDS's common error for a value it refuses, as EC2 refuses the same share with
 * `InvalidParameter` (github.com/hashicorp/packer/issues/7410).
 */
function checkShareable(ctx: CallContext, snapshot: SnapshotRecord, adding: string[]): void {
  if (snapshot.type !== 'manual') {
    throw invalidSnapshotState(
      `Only manual snapshots can be shared: copy the ${snapshot.type} snapshot ${snapshot.id} to a manual snapshot and share the copy.`,
    );
  }
  const status = snapshotStatus(snapshot, ctx.nowMs);
  if (status !== 'available') {
    throw invalidSnapshotState(
      `Cannot share the snapshot ${snapshot.id} because it is in state ${status}, not available.`,
    );
  }
  if (!snapshot.encrypted) return;
  if (adding.includes(PUBLIC))
    throw invalidParameterValue(
      "You can't share encrypted snapshots as public: give account IDs instead of all.",
    );
  const key = snapshot.kmsKeyId === undefined ? undefined : keyOfArn(ctx.world, snapshot.kmsKeyId);
  if (key?.manager === 'AWS') {
    throw invalidParameterValue(
      "You can't share a snapshot that has been encrypted using the default KMS key of the AWS account that shared the snapshot.",
    );
  }
}

function checkValues(name: string, values: string[]): void {
  for (const value of values) {
    if (value !== PUBLIC && !ACCOUNT_ID.test(value))
      throw invalidParameterValue(`Invalid value ${value} for ${name}: expected an AWS account ID or all.`);
  }
}

/** The `<DBClusterSnapshotAttributesResult>` fields: the snapshot's id and its `restore` attribute. */
function renderAttributes(snapshot: SnapshotRecord): string {
  const values = [...snapshot.sharedWith].sort();
  return (
    el('DBClusterSnapshotIdentifier', snapshot.id) +
    list(
      'DBClusterSnapshotAttributes',
      'DBClusterSnapshotAttribute',
      [values],
      (attribute) =>
        el('AttributeName', RESTORE_ATTRIBUTE) +
        list('AttributeValues', 'AttributeValue', attribute, escapeXml),
    )
  );
}

/**
 * Adds and removes accounts (or `all`) in a manual snapshot's `restore` attribute. At most 20 accounts
 * (`all` aside): SharedSnapshotQuotaExceeded beyond. Removing an account that was not there is no error.
 */
export function modifyDBClusterSnapshotAttribute(ctx: CallContext, params: QueryParams): string {
  const requested = params.required('DBClusterSnapshotIdentifier');
  const name = params.required('AttributeName');
  const snapshot = ownSnapshot(ctx, requested);
  if (name !== RESTORE_ATTRIBUTE) {
    throw invalidParameterValue(`Invalid value ${name} for AttributeName: the only attribute is restore.`);
  }
  const adding = params.list('ValuesToAdd', 'AttributeValue');
  const removing = params.list('ValuesToRemove', 'AttributeValue');
  checkValues('ValuesToAdd', adding);
  checkValues('ValuesToRemove', removing);
  if (adding.length > 0) checkShareable(ctx, snapshot, adding);
  const next = new Set(snapshot.sharedWith);
  for (const value of adding) next.add(value);
  for (const value of removing) next.delete(value);
  if ([...next].filter((value) => value !== PUBLIC).length > MAX_SHARED_ACCOUNTS)
    throw sharedSnapshotQuotaExceeded();
  snapshot.sharedWith = next;
  return wrap('DBClusterSnapshotAttributesResult', renderAttributes(snapshot));
}

/** The `restore` attribute of one of the caller's snapshots (an empty list when it is not shared). */
export function describeDBClusterSnapshotAttributes(ctx: CallContext, params: QueryParams): string {
  const snapshot = ownSnapshot(ctx, params.required('DBClusterSnapshotIdentifier'));
  return wrap('DBClusterSnapshotAttributesResult', renderAttributes(snapshot));
}

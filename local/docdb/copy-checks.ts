/**
 * What CopyDBClusterSnapshot checks before it starts a copy: where the source is and whether the caller
 * may copy it, the pre-signed URL of a cross-Region copy, and the KMS key the copy is encrypted with.
 * Rules from the DocumentDB API reference (API_CopyDBClusterSnapshot.html) unless a comment says otherwise.
 */
import { parseArn } from '../aws-ids.js';
import type { CallContext } from '../context.js';
import { invalidParameterValue } from '../errors.js';
import { findKey, keyOfArn } from '../kms.js';
import type { RegionStore, SnapshotRecord } from '../world.js';
import { mayRestore } from './attributes.js';
import {
  invalidParameterCombination,
  invalidSnapshotState,
  kmsKeyNotAccessible,
  snapshotNotFound,
} from './errors.js';
import { snapshotStatus } from './status.js';

/** The snapshot a copy reads, in its owner's account and Region. */
export interface CopySource {
  snapshot: SnapshotRecord;
  owner: RegionStore;
  /** The source is in another Region than the copy (the call's Region). */
  crossRegion: boolean;
  /** The source belongs to another account: it is copied because it is shared with the caller. */
  crossAccount: boolean;
}

/**
 * Finds the source: an identifier in the caller's account and Region, or an ARN ("If the source cluster
 * snapshot is in a different AWS Region or owned by another AWS account, specify the snapshot ARN").
 * A snapshot of another account that is not shared with the caller is not found, as AWS does not reveal it.
 */
export function findCopySource(ctx: CallContext, requested: string): CopySource {
  const arn = parseArn(requested);
  let owner: RegionStore | undefined = ctx.store;
  let id = requested.toLowerCase();
  if (arn) {
    const prefix = 'cluster-snapshot:';
    if (arn.service !== 'rds' || !arn.resource.startsWith(prefix)) throw snapshotNotFound(requested);
    owner = ctx.world.findStore(arn.accountId, arn.region);
    id = arn.resource.slice(prefix.length).toLowerCase();
  }
  owner?.settle(ctx.nowMs);
  const snapshot = owner?.snapshots.get(id);
  if (!owner || !snapshot || !mayRestore(snapshot, owner.accountId, ctx.accountId))
    throw snapshotNotFound(requested);
  return {
    snapshot,
    owner,
    crossRegion: owner.region !== ctx.region,
    crossAccount: owner.accountId !== ctx.accountId,
  };
}

/**
 * The source must be `available` ("Must specify a valid cluster snapshot in the available state"), and a
 * shared snapshot is copied only in its own Region ("You can only copy a shared DB cluster snapshot, whether
 * encrypted or not, in the same AWS Region"; no error code documented: InvalidParameterValue).
 */
export function checkSourceUsable(ctx: CallContext, source: CopySource): void {
  const status = snapshotStatus(source.snapshot, ctx.nowMs);
  if (status !== 'available') {
    throw invalidSnapshotState(
      `Cannot copy the snapshot ${source.snapshot.arn} because it is in state ${status}, not available.`,
    );
  }
  if (source.crossAccount && source.crossRegion) {
    throw invalidParameterValue(
      `You can only copy a shared DB cluster snapshot, whether encrypted or not, in the same AWS Region: ${source.snapshot.arn} is in ${source.owner.region}.`,
    );
  }
}

/**
 * A cross-Region copy needs a PreSignedUrl ("You must use the PreSignedUrl parameter when copying a cluster
 * snapshot from another AWS Region"; the SDKs make it from `SourceRegion`). It must be a CopyDBClusterSnapshot
 * request signed for the source Region, naming the same source (and destination Region, when it says one);
 * signatures are not verified. A wrong one answers InvalidParameterValue `PreSignedUrl could not be
 * authenticated.` as RDS does (github.com/aws/aws-sdk-js-v3/issues/2269); a missing one the same code.
 */
export function checkPreSignedUrl(
  ctx: CallContext,
  source: CopySource,
  url: string | undefined,
  requested: string,
): void {
  if (!source.crossRegion) return;
  if (!url) {
    throw invalidParameterValue(
      'PreSignedUrl is required to copy a cluster snapshot from another AWS Region (SourceRegion in the SDKs and CLI).',
    );
  }
  let query: URLSearchParams;
  try {
    query = new URL(url).searchParams;
  } catch {
    throw invalidParameterValue('PreSignedUrl could not be authenticated.');
  }
  const scopeRegion = query.get('X-Amz-Credential')?.split('/')[2];
  const valid =
    query.get('Action') === 'CopyDBClusterSnapshot' &&
    query.has('X-Amz-Signature') &&
    scopeRegion === source.owner.region &&
    (query.get('SourceDBClusterSnapshotIdentifier') ?? requested) === requested &&
    (query.get('DestinationRegion') ?? ctx.region) === ctx.region;
  if (!valid) throw invalidParameterValue('PreSignedUrl could not be authenticated.');
}

/**
 * The key ARN the copy is encrypted with (undefined: unencrypted):
 * - unencrypted source: no KmsKeyId ("If you copy an unencrypted cluster snapshot and specify a value for the
 *   KmsKeyId parameter, an error is returned"; no code documented: InvalidParameterCombination);
 * - encrypted source in another Region: KmsKeyId required, InvalidParameterValue `Must specify new KMS key for
 *   cross region encrypted snapshot copy.` (RDS's words: github.com/pbudzon/aws-maintenance/issues/5);
 * - encrypted source shared by another account: KmsKeyId required ("you must specify a value for KmsKeyId"),
 *   the same code; a source encrypted with its account's AWS managed key cannot be read from another account:
 *   KMSKeyNotAccessibleFault for the source key (github.com/awslabs/aurora-snapshot-tool/issues/26);
 * - otherwise the source's key unless KmsKeyId names another.
 * KmsKeyId must name an enabled key of the destination Region ("you can't use encryption keys from one AWS
 * Region in another"), the caller's or another account's (key policies are not modelled), never another
 * account's AWS managed key: KMSKeyNotAccessibleFault otherwise.
 */
export function copyKeyArn(
  ctx: CallContext,
  source: CopySource,
  kmsKeyId: string | undefined,
): string | undefined {
  const { snapshot } = source;
  if (!snapshot.encrypted) {
    if (kmsKeyId)
      throw invalidParameterCombination('KmsKeyId can only be given to copy an encrypted cluster snapshot.');
    return undefined;
  }
  if (!kmsKeyId) {
    if (source.crossRegion)
      throw invalidParameterValue('Must specify new KMS key for cross region encrypted snapshot copy.');
    if (source.crossAccount)
      throw invalidParameterValue(
        'Must specify new KMS key to copy an encrypted snapshot shared from another account.',
      );
    return snapshot.kmsKeyId;
  }
  if (source.crossAccount && snapshot.kmsKeyId && keyOfArn(ctx.world, snapshot.kmsKeyId)?.manager === 'AWS')
    throw kmsKeyNotAccessible('source', snapshot.kmsKeyId);
  const key = findKey(ctx.world, kmsKeyId, ctx.accountId, ctx.region);
  const arn = key ? parseArn(key.arn) : undefined;
  const usable =
    key?.enabled === true &&
    arn?.region === ctx.region &&
    (key.manager === 'CUSTOMER' || arn.accountId === ctx.accountId);
  if (!key || !usable) throw kmsKeyNotAccessible('target', kmsKeyId);
  return key.arn;
}

/** DocumentDB faults with the wire codes and HTTP statuses the SDK maps to its exported classes. */
import { AwsApiError } from '../errors.js';

/** → `DBClusterNotFoundFault` */
export function clusterNotFound(id: string): AwsApiError {
  return new AwsApiError('DBClusterNotFoundFault', `DBCluster ${id} not found.`, 404);
}

/** → `DBClusterAlreadyExistsFault` */
export function clusterAlreadyExists(id: string): AwsApiError {
  return new AwsApiError('DBClusterAlreadyExistsFault', `DB Cluster ${id} already exists`, 400);
}

/**
 * → `DBClusterSnapshotNotFoundFault` (HTTP 404, as the API reference lists it for Describe- and
 * DeleteDBClusterSnapshot(s)), with the message the service answers: `DBClusterSnapshot not found: <id>`
 * (as quoted from real responses, e.g. github.com/aws-cloudformation/aws-cloudformation-templates/issues/226).
 */
export function snapshotNotFound(id: string): AwsApiError {
  return new AwsApiError('DBClusterSnapshotNotFoundFault', `DBClusterSnapshot not found: ${id}`, 404);
}

/** → `DBClusterSnapshotAlreadyExistsFault` */
export function snapshotAlreadyExists(id: string): AwsApiError {
  return new AwsApiError(
    'DBClusterSnapshotAlreadyExistsFault',
    `Cannot create the snapshot because a snapshot with the identifier ${id} already exists.`,
    400,
  );
}

/** → `InvalidDBClusterStateFault` */
export function invalidClusterState(id: string, status: string): AwsApiError {
  return new AwsApiError(
    'InvalidDBClusterStateFault',
    `Cannot create a snapshot because the cluster ${id} is in state ${status}, not available.`,
    400,
  );
}

/** → `InvalidDBClusterSnapshotStateFault` */
export function invalidSnapshotState(message: string): AwsApiError {
  return new AwsApiError('InvalidDBClusterSnapshotStateFault', message, 400);
}

/** Wire code `SnapshotQuotaExceeded` → the SDK's `SnapshotQuotaExceededFault`. */
export function snapshotQuotaExceeded(quota: number): AwsApiError {
  return new AwsApiError(
    'SnapshotQuotaExceeded',
    `Cannot create more than ${quota} manual snapshots in this Region for this account.`,
    400,
  );
}

/**
 * → `KMSKeyNotAccessibleFault` (400): a key that does not exist, is disabled, is in another Region or may
 * not be used. Worded as the service words it for CopyDBClusterSnapshot: `Specified KMS key [<KmsKeyId>]
 * does not exist, is not enabled or you do not have permissions to access it.` for the target key, and
 * `The source snapshot KMS key [<arn>] …` for the source's (github.com/awslabs/aurora-snapshot-tool
 * issues 25 and 26).
 */
export function kmsKeyNotAccessible(which: 'target' | 'source', keyId: string): AwsApiError {
  const subject = which === 'target' ? 'Specified KMS key' : 'The source snapshot KMS key';
  return new AwsApiError(
    'KMSKeyNotAccessibleFault',
    `${subject} [${keyId}] does not exist, is not enabled or you do not have permissions to access it.`,
    400,
  );
}

/**
 * Wire code `SharedSnapshotQuotaExceeded` → the SDK's `SharedSnapshotQuotaExceededFault`: more than 20
 * accounts ("You can share a manual snapshot with up to 20 other AWS accounts", Aurora user guide,
 * aurora-share-snapshot.html); the message is the error's description in the DocumentDB API reference
 * (API_ModifyDBClusterSnapshotAttribute.html).
 */
export function sharedSnapshotQuotaExceeded(): AwsApiError {
  return new AwsApiError(
    'SharedSnapshotQuotaExceeded',
    'You have exceeded the maximum number of accounts that you can share a manual DB snapshot with.',
    400,
  );
}

/**
 * Wire code `SnapshotQuotaExceeded` for too many copies in progress into one account and Region: "You can
 * have up to five snapshot copy requests in progress to a single destination Region per account" (Aurora
 * user guide, USER_CopySnapshot.html), answered as RDS answers it: `Cannot copy more than 5 snapshots across
 * regions` (github.com/pbudzon/aws-maintenance/issues/19).
 */
export function copyLimitExceeded(limit: number): AwsApiError {
  return new AwsApiError(
    'SnapshotQuotaExceeded',
    `Cannot copy more than ${limit} snapshots across regions`,
    400,
  );
}

/** → `InvalidParameterCombination` (400), the common error for parameters that must not go together. */
export function invalidParameterCombination(message: string): AwsApiError {
  return new AwsApiError('InvalidParameterCombination', message, 400);
}

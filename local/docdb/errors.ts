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

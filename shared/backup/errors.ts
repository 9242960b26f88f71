/**
 * The faults the engine reacts to, in the engine's own words. Adapters translate AWS SDK exceptions into
 * these (matching the SDK's exported classes, never message text); anything else passes through as is.
 */

/** The cluster cannot be snapshotted in its current state (`InvalidDBClusterStateFault`). Waiting may help. */
export class ClusterBusyError extends Error {
  override readonly name = 'ClusterBusyError';
}

/** A snapshot with this id already exists in the account and Region (`DBClusterSnapshotAlreadyExistsFault`). */
export class SnapshotAlreadyExistsError extends Error {
  override readonly name = 'SnapshotAlreadyExistsError';
}

/** The Region's manual cluster snapshot quota is used up (`SnapshotQuotaExceeded`). */
export class SnapshotQuotaExceededError extends Error {
  override readonly name = 'SnapshotQuotaExceededError';
}

/** The cluster does not exist (`DBClusterNotFoundFault`). */
export class ClusterNotFoundError extends Error {
  override readonly name = 'ClusterNotFoundError';
}

/** The run itself could not happen (no Region could be read, nothing could be recorded). */
export class RunFailedError extends Error {
  override readonly name = 'RunFailedError';
}

/**
 * The snapshot to delete is already gone or being deleted (`DBClusterSnapshotNotFoundFault`, or
 * `InvalidDBClusterSnapshotStateFault` for one in `deleting`): another run deleted it first.
 */
export class SnapshotGoneError extends Error {
  override readonly name = 'SnapshotGoneError';
}

/**
 * AWS kept throttling a call until the run had to stop: the engine waited at the rate AWS granted
 * (paced.ts) and the run's cutoff came first. Says how long and how often.
 */
export class ThrottledError extends Error {
  override readonly name = 'ThrottledError';
}

/**
 * AWS refused a copy, a share or the way into another account for a reason retrying will not fix (a KMS
 * key, a snapshot that cannot be shared, a role that cannot be assumed): carries the failure code to record.
 */
export class CopyRefusedError extends Error {
  override readonly name = 'CopyRefusedError';
  constructor(
    readonly code: 'kms-misconfigured' | 'share-refused' | 'destination-unreachable' | 'copy-failed',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The destination has as many copies in flight as AWS allows: the copy waits its turn. */
export class CopyLimitError extends Error {
  override readonly name = 'CopyLimitError';
}

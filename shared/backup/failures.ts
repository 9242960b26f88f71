/**
 * Failure codes, what they mean to a person on call, and how an unexpected error becomes one without
 * leaking endpoints, credentials or request details into logs and alerts.
 */
import {
  ClusterBusyError,
  ClusterNotFoundError,
  SnapshotAlreadyExistsError,
  SnapshotQuotaExceededError,
  ThrottledError,
} from './errors.js';
import { redact } from './redact.js';
import type { Failure, FailureCode } from './results.js';

/** Redaction lives in redact.ts; re-exported so callers keep importing it from here. */
export { redact };

/** Longest error name a failure message echoes: AWS fault names are far shorter. */
const MAX_ERROR_NAME_LENGTH = 64;

/** The next step on-call should take for each kind of failure. */
export const NEXT_STEP: Record<FailureCode, string> = {
  'cluster-busy':
    'The cluster stayed busy (maintenance, another backup, a modification) for the whole retry window. Check its status; run the policy again once it is available.',
  'cluster-unavailable':
    'The cluster is in a state that waiting does not fix (stopped, encryption key inaccessible, ...). Start or repair it, or exclude it from the policy.',
  'cluster-not-found':
    "A cluster named in clusters.identifiers exists in none of the policy's Regions (or was deleted during the run). Fix or remove the identifier in config/policies.yml, then redeploy.",
  'quota-exceeded':
    'The Region has no free manual cluster snapshot slots (shared with RDS and Neptune). Delete snapshots that are no longer needed or raise the quota in Service Quotas, then run the policy again.',
  'name-conflict':
    'A snapshot with the id this run needed already exists and was not created by this policy for this cluster. Rename or delete that snapshot, or change the policy prefix.',
  throttled:
    "AWS throttled the calls until the run's cutoff: the run waited at the rate AWS granted and ran out of time. Check for other tools calling the RDS/DocumentDB API heavily, or split the policy.",
  'access-denied':
    "The service's role is not allowed to make a call. Redeploy so the IAM role matches the code, and check SCPs and permission boundaries.",
  deadline:
    'The run reached its time limit before this cluster was done. Raise the function timeout or split the policy.',
  'region-unavailable':
    'The Region could not be read. Check the error, the Region name and service availability.',
  'snapshot-failed':
    "This policy's snapshot for the slot exists but ended failed (or is being deleted), or vanished, so the slot has no backup. Its id stays taken while a failed snapshot exists (DocumentDB deletes only available snapshots; ask AWS support to remove one it refuses), so take a new backup now instead of re-running the slot: npx docdb-backup run --policy <policy> (without --at).",
  'start-window-missed':
    "The cluster stayed busy (maintenance, a modification, another backup) for the policy's whole start window, so this slot has no backup. Check the cluster's status and maintenance window; take the slot now with the command below, or widen startWindowMinutes.",
  'completion-window-missed':
    "The snapshot was still creating when the policy's completion window closed: it may yet finish, but it cannot be relied on. Check the snapshot's status (aws docdb describe-db-cluster-snapshots --db-cluster-snapshot-identifier <id>); if it stays creating, open an AWS support case, or widen completionWindowMinutes.",
  'policy-disabled':
    'The policy was disabled while a busy cluster still waited for its snapshot, so that slot has no backup. Enable the policy again if the cluster still needs backups, or take one now with npx docdb-backup run --policy <policy>.',
  'policy-removed':
    'The policy was removed from (or renamed in) config/policies.yml while this job was open, so nobody follows it any more: a pending cluster was not backed up. Take a backup under the current policy (npx docdb-backup run --policy <policy>), and check the snapshot named here.',
  'copy-failed':
    'A disaster-recovery copy ended failed, vanished, or did not become available within the completion window, so this slot has no copy in that destination. Check the copy (aws docdb describe-db-cluster-snapshots in the destination Region and account) and the source snapshot; the next slot copies again.',
  'kms-misconfigured':
    "AWS refused the copy's KMS key: an encrypted snapshot copied to another Region or account needs a key of the destination (copies[].kmsKeyId, and transitKmsKeyId for another account's other Region) that the copying role may use (kms:CreateGrant, kms:DescribeKey; the key policy must allow it). Fix the key or its policy, run npx docdb-backup validate, and redeploy.",
  'share-refused':
    'AWS refused to share the snapshot with the destination account. A snapshot encrypted with the AWS managed key (aws/rds) cannot be shared: set copies[].shareKmsKeyId to a customer managed key the destination account may use (the snapshot is re-encrypted with it before sharing), then redeploy.',
  'destination-unreachable':
    "The destination account could not be reached: assuming copies[].roleArn failed (missing role, trust policy not naming this stack's role, or a wrong externalId). Deploy the target role (npx docdb-backup target-role) in that account and check roleArn and externalId.",
  'internal-error':
    'docdb-backup met an unexpected error for this Region or cluster (a bug, or data it did not expect); the other clusters went on. Check the logs and report it; run the policy again for this slot.',
  'aws-error': 'An unexpected AWS error. Check the logs for this cluster and run the policy again.',
};

/** Error names AWS services use for throttling; the engine waits these out (paced.ts). */
export const THROTTLING_ERRORS: ReadonlySet<string> = new Set([
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
]);
const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'ExpiredToken',
  'ExpiredTokenException',
  'CredentialsProviderError',
]);

/**
 * Turns any error thrown while creating a snapshot into a failure code and a message a person can act on.
 * @example describeFailure(new SnapshotQuotaExceededError('...')).code // 'quota-exceeded'
 */
export function describeFailure(error: unknown): Failure {
  if (error instanceof SnapshotQuotaExceededError)
    return { code: 'quota-exceeded', message: 'the manual cluster snapshot quota of the Region is used up' };
  if (error instanceof ClusterNotFoundError)
    return { code: 'cluster-not-found', message: 'the cluster does not exist (it may have been deleted)' };
  if (error instanceof ClusterBusyError) return { code: 'cluster-busy', message: 'the cluster is busy' };
  if (error instanceof ThrottledError) return { code: 'throttled', message: error.message };
  if (error instanceof SnapshotAlreadyExistsError)
    return { code: 'name-conflict', message: 'a snapshot with this id already exists' };
  const name = error instanceof Error ? error.name : 'Error';
  // The name is echoed too: an error class can be named anything, so it is capped and redacted like text.
  const shownName = redact(String(name), MAX_ERROR_NAME_LENGTH);
  const detail = error instanceof Error ? redact(error.message) : redact(String(error));
  if (name === 'AbortError' || name === 'TimeoutError')
    return { code: 'deadline', message: 'the call was cut off at the run deadline' };
  if (THROTTLING_ERRORS.has(name))
    return { code: 'throttled', message: `throttled by AWS after retries (${shownName})` };
  if (ACCESS_DENIED.has(name)) return { code: 'access-denied', message: `${shownName}: ${detail}` };
  return { code: 'aws-error', message: `${shownName}: ${detail}` };
}

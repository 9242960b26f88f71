/**
 * Why a backup failed, as a stable machine code and a sentence a person can act on; shared/backup/failures.ts
 * says what each code means to on-call and what to do next.
 */

/** A stable machine code for a failure. */
export type FailureCode =
  | 'cluster-busy'
  | 'cluster-unavailable'
  | 'cluster-not-found'
  | 'quota-exceeded'
  | 'name-conflict'
  | 'throttled'
  | 'access-denied'
  | 'deadline'
  | 'region-unavailable'
  | 'snapshot-failed'
  | 'start-window-missed'
  | 'completion-window-missed'
  | 'policy-disabled'
  | 'policy-removed'
  | 'copy-failed'
  | 'kms-misconfigured'
  | 'share-refused'
  | 'destination-unreachable'
  | 'internal-error'
  | 'aws-error';

/** A failure: its code and a sentence a person can act on. */
export interface Failure {
  code: FailureCode;
  message: string;
}

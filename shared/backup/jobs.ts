/**
 * A backup job: one per policy, slot and cluster, followed from the request until the snapshot is
 * restorable (`available`) or will not be (`failed`). The backup run writes the jobs it starts; the
 * results table keeps them (JobStore); AWS stays the source of truth for the snapshot's state.
 */
import type { Failure } from './results.js';

/** `pending`: not started yet (busy cluster, start window open); `creating`: AWS is taking it. */
export type JobState = 'pending' | 'creating' | 'available' | 'failed';

/** The states a job is still followed in. */
export const OPEN_JOB_STATES: readonly JobState[] = ['pending', 'creating'];

export interface BackupJob {
  policy: string;
  /** The slot, ISO 8601 UTC. */
  scheduledAt: string;
  region: string;
  /** The account, when it is not the service's own (see location.ts). */
  account?: string;
  clusterId: string;
  snapshotId: string;
  state: JobState;
  /** When the backup run asked for the snapshot (or first found the cluster busy), ISO 8601. */
  requestedAt: string;
  /** When AWS accepted the snapshot request. */
  startedAt?: string;
  /** When the job reached `available` or `failed`. */
  completedAt?: string;
  /** Why a `failed` job failed. */
  error?: Failure;
}

/** What a transition writes besides the new state. */
export interface JobChange {
  state: JobState;
  startedAt?: string;
  completedAt?: string;
  error?: Failure;
}

/**
 * Whether a job may move from one state to another: forward only, and never out of `available` or
 * `failed` (a finished job is never reopened, so never paged again).
 * @example canMove('creating', 'available') // true
 * @example canMove('failed', 'creating') // false
 */
export function canMove(from: JobState, to: JobState): boolean {
  if (!OPEN_JOB_STATES.includes(from)) return false;
  if (from === 'creating') return to === 'available' || to === 'failed';
  return to !== 'pending';
}

/**
 * A backup job: one per policy, slot and cluster, followed from the request until the snapshot is
 * restorable (`available`) or will not be (`failed`). The backup run writes the jobs it starts; the
 * results table keeps them (JobStore); AWS stays the source of truth for the snapshot's state.
 */
import type { Failure } from './failure.js';

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

/** A policy's windows, in minutes: how long a slot may wait to start, and a snapshot to complete. */
export interface JobWindows {
  startMinutes: number;
  completionMinutes: number;
}

/**
 * When a job's start window closes (epoch ms): counted from its slot.
 * @example startWindowEndsAt({ scheduledAt: '2026-11-28T03:00:00.000Z' }, { startMinutes: 480, completionMinutes: 1440 })
 *   // Date.parse('2026-11-28T11:00:00.000Z')
 */
export function startWindowEndsAt(job: Pick<BackupJob, 'scheduledAt'>, windows: JobWindows): number {
  return Date.parse(job.scheduledAt) + windows.startMinutes * 60_000;
}

/**
 * When a job's completion window closes (epoch ms): counted from when AWS accepted the snapshot (its
 * request when that is unknown).
 * @example completionWindowEndsAt({ startedAt: '2026-11-28T03:00:10.000Z', … }, windows) // +1440 min
 */
export function completionWindowEndsAt(
  job: Pick<BackupJob, 'startedAt' | 'requestedAt'>,
  windows: JobWindows,
): number {
  return Date.parse(job.startedAt ?? job.requestedAt) + windows.completionMinutes * 60_000;
}

/** Snapshot statuses on the way to `available`. */
const IN_PROGRESS: ReadonlySet<string> = new Set(['creating']);

/**
 * What becomes of a `creating` job, given its snapshot as AWS shows it now (undefined: there is no such
 * snapshot any more). `available` completes it, `failed`, `deleting` or a vanished snapshot fail it,
 * still `creating` after the completion window fails it; otherwise it stays as it is (undefined).
 * @example decideCreating(job, { status: 'available' }, windows, now) // { state: 'available', completedAt: now }
 */
export function decideCreating(
  job: BackupJob,
  snapshot: { status: string } | undefined,
  windows: JobWindows,
  now: Date,
): JobChange | undefined {
  const completedAt = now.toISOString();
  if (snapshot?.status === 'available') return { state: 'available', completedAt };
  if (!snapshot) {
    const message = `snapshot "${job.snapshotId}" no longer exists (deleted before it became available)`;
    return { state: 'failed', completedAt, error: { code: 'snapshot-failed', message } };
  }
  if (!IN_PROGRESS.has(snapshot.status)) {
    const message = `snapshot "${job.snapshotId}" ended "${snapshot.status}" instead of becoming available`;
    return { state: 'failed', completedAt, error: { code: 'snapshot-failed', message } };
  }
  const ends = completionWindowEndsAt(job, windows);
  if (now.getTime() < ends) return undefined;
  const message = `snapshot "${job.snapshotId}" was still creating when the completion window (${windows.completionMinutes} min) closed at ${new Date(ends).toISOString()}`;
  return { state: 'failed', completedAt, error: { code: 'completion-window-missed', message } };
}

/**
 * The failure of a `pending` job whose start window has closed; undefined while it is open.
 * @example pendingExpired(job, { startMinutes: 60, completionMinutes: 1440 }, twoHoursAfterSlot) // { state: 'failed', … }
 */
export function pendingExpired(job: BackupJob, windows: JobWindows, now: Date): JobChange | undefined {
  const ends = startWindowEndsAt(job, windows);
  if (now.getTime() < ends) return undefined;
  const message = `the cluster stayed busy until the start window (${windows.startMinutes} min) closed at ${new Date(ends).toISOString()}: no snapshot was taken for this slot`;
  return { state: 'failed', completedAt: now.toISOString(), error: { code: 'start-window-missed', message } };
}

/** A job's move, as the reconciler returns, records and publishes it. */
export interface JobTransition
  extends Pick<BackupJob, 'policy' | 'scheduledAt' | 'region' | 'account' | 'clusterId' | 'snapshotId'> {
  from: JobState;
  to: JobState;
  error?: Failure;
  /** From AWS accepting the snapshot to it being available, for `available`. */
  durationMs?: number;
}

/**
 * The transition record of a job moved by `change`.
 * @example transitionOf(job, { state: 'available', completedAt }) // { from: 'creating', to: 'available', durationMs: … }
 */
export function transitionOf(job: BackupJob, change: JobChange): JobTransition {
  const transition: JobTransition = {
    policy: job.policy,
    scheduledAt: job.scheduledAt,
    region: job.region,
    clusterId: job.clusterId,
    snapshotId: job.snapshotId,
    from: job.state,
    to: change.state,
  };
  if (job.account !== undefined) transition.account = job.account;
  if (change.error) transition.error = change.error;
  const started = change.startedAt ?? job.startedAt;
  if (change.state === 'available' && started && change.completedAt)
    transition.durationMs = Math.max(0, Date.parse(change.completedAt) - Date.parse(started));
  return transition;
}

/**
 * The job as it is after `change`.
 * @example moved(job, { state: 'available', completedAt }) // { …job, state: 'available', completedAt }
 */
export function moved(job: BackupJob, change: JobChange): BackupJob {
  const next: BackupJob = { ...job, state: change.state };
  if (change.startedAt) next.startedAt = change.startedAt;
  if (change.completedAt) next.completedAt = change.completedAt;
  if (change.error) next.error = change.error;
  return next;
}

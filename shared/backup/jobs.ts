/**
 * The jobs a backup run starts (the job model and its rules: shared/planning/jobs.ts).
 */
import type { BackupJob } from '../planning/jobs.js';
import { locationFields, locationOf } from './location.js';
import { type ClusterResult, isSnapshotTaken } from './results.js';

/**
 * The job a run's result starts: `creating` for a snapshot AWS accepted (or this policy's own that was
 * already there), `pending` for a cluster still busy inside its start window; none for a failure.
 * @example jobOf({ outcome: 'created', region: 'us-east-1', clusterId: 'orders', snapshotId: 'n-orders-…', … }, run, now)
 *   // { state: 'creating', startedAt: now, … }
 */
export function jobOf(
  result: ClusterResult,
  run: { policy: string; scheduledAt: string; requestedAt: string },
  now: Date,
): BackupJob | undefined {
  if (result.snapshotId === undefined) return undefined;
  if (result.outcome !== 'pending' && !isSnapshotTaken(result)) return undefined;
  const job: BackupJob = {
    policy: run.policy,
    scheduledAt: run.scheduledAt,
    ...locationFields(locationOf(result)),
    clusterId: result.clusterId,
    snapshotId: result.snapshotId,
    state: result.outcome === 'pending' ? 'pending' : 'creating',
    requestedAt: run.requestedAt,
  };
  if (job.state === 'creating') job.startedAt = now.toISOString();
  return job;
}

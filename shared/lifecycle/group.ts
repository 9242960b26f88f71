/** Jobs grouped by what they share (a location, a slot): the calls a pass makes are per group. */
import { locationKey, locationOf } from '../backup/location.js';
import type { BackupJob } from '../planning/jobs.js';

/**
 * The jobs grouped by `key`, in first-seen order.
 * @example groupJobs(jobs, byLocation) // [[jobs in us-east-1], [jobs in eu-west-1]]
 */
export function groupJobs(jobs: readonly BackupJob[], key: (job: BackupJob) => string): BackupJob[][] {
  const groups = new Map<string, BackupJob[]>();
  for (const job of jobs) {
    const k = key(job);
    groups.set(k, [...(groups.get(k) ?? []), job]);
  }
  return [...groups.values()];
}

/** A job's location, as a key. */
export const byLocation = (job: BackupJob): string => locationKey(locationOf(job));

/** A job's slot and location, as a key: the jobs a pass plans together. */
export const bySlotAndLocation = (job: BackupJob): string => `${job.scheduledAt}|${byLocation(job)}`;

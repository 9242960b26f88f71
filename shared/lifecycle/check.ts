/**
 * Creating jobs: asks AWS for each snapshot's state, batched per location (one listing of the location's
 * manual snapshots when it has many jobs, one lookup per job when it has few), and decides each job's move
 * (planning/jobs.ts: available, failed, or the completion window closed).
 */
import { describeFailure } from '../backup/failures.js';
import { describeLocation, type Location, locationOf } from '../backup/location.js';
import { inPool } from '../backup/pool.js';
import type { ManualSnapshot } from '../backup/ports.js';
import type { RunScope } from '../backup/scope.js';
import { type BackupJob, decideCreating, type JobWindows } from '../planning/jobs.js';
import { byLocation, groupJobs } from './group.js';
import type { Move } from './start.js';

/**
 * Above this many creating jobs in one location, one listing of its manual snapshots (100 a page) costs
 * fewer calls than a lookup per job.
 */
export const LISTING_THRESHOLD = 10;

/** The snapshots of `jobs` as AWS shows them now; a snapshot the listing lacks is looked up by id. */
async function statesIn(scope: RunScope, at: Location, jobs: readonly BackupJob[]) {
  const { docdb } = scope.deps;
  const states = new Map<string, ManualSnapshot | undefined>();
  if (jobs.length > LISTING_THRESHOLD) {
    for (const snapshot of await docdb.listManualSnapshots(at, scope.workSignal))
      states.set(snapshot.snapshotId, snapshot);
  }
  const unseen = jobs.filter((job) => !states.has(job.snapshotId));
  // A snapshot missing from a listing is looked up before it is called gone (listings can lag).
  await inPool(unseen, 10, async (job) => {
    states.set(job.snapshotId, await docdb.snapshotState(at, job.snapshotId, scope.workSignal));
  });
  return states;
}

/**
 * Decides the move of every creating job of a policy; a location that cannot be read is left for the
 * next pass.
 * @example await checkCreating(scope, windows, creatingJobs) // [{ job, change: { state: 'available', … } }]
 */
export async function checkCreating(
  scope: RunScope,
  windows: JobWindows,
  jobs: readonly BackupJob[],
): Promise<Move[]> {
  const { deps } = scope;
  const moves = await Promise.all(
    groupJobs(jobs, byLocation).map(async (group) => {
      const at = locationOf(group[0] as BackupJob);
      try {
        const states = await statesIn(scope, at, group);
        const now = new Date(deps.clock.now());
        return group.flatMap((job) => {
          const change = decideCreating(job, states.get(job.snapshotId), windows, now);
          return change ? [{ job, change }] : [];
        });
      } catch (error) {
        deps.log.warn('could not read the snapshots of open jobs; trying again next pass', {
          region: describeLocation(at),
          jobs: group.length,
          error: describeFailure(error),
        });
        return [];
      }
    }),
  );
  return moves.flat();
}

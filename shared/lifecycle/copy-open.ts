/**
 * A backup whose snapshot became available opens its copy jobs, one per destination of its policy,
 * before the backup job itself is marked available: if they cannot be written, the backup job stays open
 * and the next pass, seeing the snapshot available again, opens them then. No copy is ever forgotten
 * between the two writes.
 */
import { describeFailure } from '../backup/failures.js';
import { inPool } from '../backup/pool.js';
import type { EngineDeps } from '../backup/ports.js';
import { copyJobsFor } from '../planning/copies.js';
import type { ResolvedPolicy } from '../policy/schema.js';
import type { Move } from './start.js';

/**
 * The moves to write: every move but a completion whose copy jobs could not be opened.
 * @example await openCopies(deps, policy, moves) // moves, the copies of each completed job opened
 */
export async function openCopies(
  deps: EngineDeps,
  policy: ResolvedPolicy,
  moves: readonly Move[],
  signal?: AbortSignal,
): Promise<Move[]> {
  if (policy.copies.length === 0) return [...moves];
  const now = new Date(deps.clock.now());
  const kept = await inPool(moves, 8, async (move) => {
    if (move.change.state !== 'available') return move;
    try {
      await deps.copies.open(copyJobsFor(move.job, policy.copies, now), signal);
      return move;
    } catch (error) {
      deps.log.error('could not open the copies of a completed backup; the next pass tries again', {
        snapshotId: move.job.snapshotId,
        error: describeFailure(error),
      });
      return undefined;
    }
  });
  return kept.filter((move): move is Move => move !== undefined);
}

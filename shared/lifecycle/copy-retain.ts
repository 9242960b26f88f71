/**
 * Retention in a copy's destination, once a new copy there is available: the destination's own rules
 * (`copies[].retention`, the policy's by default), with every rule of the source's retention (prune.ts):
 * only snapshots whose tags, read in the destination (its account's role for another account), prove them
 * this policy's copies of this cluster count, and the new copy is always kept. Copies keep their source
 * cluster's id, a cluster that does not exist in the destination, so they are found by listing the
 * destination's manual snapshots.
 */
import { type Location, locationKey } from '../backup/location.js';
import type { DocdbPort, ManualSnapshot } from '../backup/ports.js';
import { pruneCluster, type RetentionPort } from '../backup/prune.js';
import { pruneContextFor } from '../backup/retain.js';
import type { RunScope } from '../backup/scope.js';
import { type CopyJob, settingFor } from '../planning/copies.js';
import { COPY_OF_TAG } from '../planning/tags.js';
import type { SlotDeletions } from './follow.js';

/**
 * Retention's calls made in a destination: its copies listed, tagged and deleted through the copy calls.
 * Each destination is listed once per pass, whatever the number of its clusters whose copies completed
 * (each cluster's retention takes only its own snapshots from the listing).
 */
function destinationView(docdb: DocdbPort): RetentionPort {
  const listings = new Map<string, Promise<ManualSnapshot[]>>();
  return {
    listTags: (at, arn, signal) => docdb.copyTags(at, arn, signal),
    deleteSnapshot: (at, id, signal) => docdb.deleteCopy(at, id, signal),
    async listClusterSnapshots(at: Location, clusterId: string, signal?: AbortSignal) {
      const key = locationKey(at);
      let listing = listings.get(key);
      if (!listing) {
        listing = docdb.listCopies(at, signal);
        listings.set(key, listing);
        // A listing that failed is asked for again by the next cluster, not remembered.
        listing.catch(() => listings.delete(key));
      }
      const all = await listing;
      return all.filter((snapshot) => snapshot.clusterId.toLowerCase() === clusterId);
    },
  };
}

/**
 * Applies each destination's retention for the copies that became available in this pass.
 * @example await pruneDestinations(scope, [copiedJob]) // [{ scheduledAt, deletions: [...] }]
 */
export async function pruneDestinations(
  scope: RunScope,
  copied: readonly CopyJob[],
): Promise<SlotDeletions[]> {
  const { policy } = scope.request;
  const view = destinationView(scope.deps.docdb);
  const found = await Promise.all(
    copied.map(async (job) => {
      const rules = settingFor(policy.copies, job.source.region, job.destination)?.retention;
      // The destination's rules, even when the policy keeps its own snapshots for ever.
      const withRules = { ...scope, request: { ...scope.request, policy: { ...policy, retention: rules } } };
      const base = rules && pruneContextFor(withRules, new Date(job.scheduledAt));
      if (!rules || !base) return { scheduledAt: job.scheduledAt, deletions: [] };
      const ctx = { ...base, rules, docdb: view, mustCarry: COPY_OF_TAG };
      const outcomes = await scope
        .limiterFor(job.destination)
        .run(() => pruneCluster(ctx, job.destination, job.clusterId, job.snapshotId));
      return { scheduledAt: job.scheduledAt, deletions: outcomes.map((outcome) => outcome.deletion) };
    }),
  );
  return found.filter((slot) => slot.deletions.length > 0);
}

/**
 * The one rule that says a snapshot is ours, for every caller (the run, retention, the CLI). A snapshot is
 * ours for a policy and a cluster only when all of this holds, as read from AWS:
 * - `docdb-backup:managed-by` is `docdb-backup` and `docdb-backup:policy` is the policy's name;
 * - `docdb-backup:scheduled-at` is a whole-minute instant, and the snapshot's id is exactly the id the
 *   policy gives that cluster for that slot (so a copy named `nightly-orders-legalhold-…` with copied tags
 *   is not ours);
 * - the snapshot's own cluster is that cluster.
 * Pure: the caller reads the tags.
 */
import { snapshotIdFor } from './naming.js';
import { parseInstant } from './slot.js';
import { MANAGED_BY_TAG, MANAGED_BY_VALUE, POLICY_TAG, SCHEDULED_AT_TAG } from './tags.js';

/** A snapshot as AWS describes it, with the tags read from AWS. */
export interface SnapshotEvidence {
  snapshotId: string;
  /** The snapshot's own DBClusterIdentifier. */
  clusterId: string;
  tags: Readonly<Record<string, string>>;
}

/** Who would own it: the policy's name and snapshot prefix. */
export interface SnapshotOwner {
  policyName: string;
  prefix: string;
}

export type Ownership = { ours: true; slot: Date } | { ours: false; reason: string };

/**
 * Decides whether `snapshot` is the policy's snapshot of `clusterId`, and for which slot.
 * @example ownershipOf({ snapshotId: 'nightly-orders-20261128-0300', clusterId: 'orders', tags }, { policyName: 'nightly', prefix: 'nightly' }, 'orders')
 *   // { ours: true, slot: 2026-11-28T03:00:00.000Z }
 */
export function ownershipOf(snapshot: SnapshotEvidence, owner: SnapshotOwner, clusterId: string): Ownership {
  const { tags } = snapshot;
  if (tags[MANAGED_BY_TAG] !== MANAGED_BY_VALUE)
    return { ours: false, reason: `its ${MANAGED_BY_TAG} tag is not "${MANAGED_BY_VALUE}"` };
  if (tags[POLICY_TAG] !== owner.policyName)
    return { ours: false, reason: `its ${POLICY_TAG} tag is not "${owner.policyName}"` };
  if (snapshot.clusterId.toLowerCase() !== clusterId.toLowerCase())
    return { ours: false, reason: `it is a snapshot of cluster "${snapshot.clusterId}"` };
  const slot = parseInstant(tags[SCHEDULED_AT_TAG] ?? '');
  if (!slot || slot.getTime() % 60_000 !== 0)
    return { ours: false, reason: `its ${SCHEDULED_AT_TAG} tag is not a whole-minute time` };
  let expected: string;
  try {
    expected = snapshotIdFor(owner.prefix, clusterId, slot);
  } catch {
    return { ours: false, reason: `"${clusterId}" is not a cluster id this policy can name` };
  }
  if (snapshot.snapshotId.toLowerCase() !== expected)
    return { ours: false, reason: `its id is not "${expected}", the id for its ${SCHEDULED_AT_TAG} slot` };
  return { ours: true, slot };
}

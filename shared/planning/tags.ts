/**
 * The tags a snapshot carries: the service's own ownership tags first, then the policy's, then (when the
 * policy asks for it) the cluster's own tags, within AWS's limit of 50 tags per resource.
 */

import { MAX_TAGS_PER_RESOURCE, OWN_TAG_KEYS, RESERVED_TAG_PREFIX } from '../policy/limits.js';

export const MANAGED_BY_TAG = OWN_TAG_KEYS.managedBy;
export const POLICY_TAG = OWN_TAG_KEYS.policy;
export const SCHEDULED_AT_TAG = OWN_TAG_KEYS.scheduledAt;
/** On a disaster-recovery copy: the ARN of the snapshot it is a copy of (never on a source snapshot). */
export const COPY_OF_TAG = 'docdb-backup:copy-of';
/** The value of the ownership tag. Deletes are conditioned on it, in code and in IAM. */
export const MANAGED_BY_VALUE = 'docdb-backup';

export interface Tag {
  Key: string;
  Value: string;
}

export interface SnapshotTagInput {
  policyName: string;
  /** Already merged defaults + policy snapshot tags. */
  policyTags: Record<string, string>;
  /** The cluster's tags when the policy copies them, else undefined. */
  clusterTags?: Record<string, string>;
  slot: Date;
}

export interface SnapshotTags {
  tags: Tag[];
  /** Cluster tag keys that were not copied, with the reason. */
  notCopied: { key: string; reason: string }[];
}

const RESERVED_PREFIXES = ['aws:', 'rds:', RESERVED_TAG_PREFIX];

function isReserved(key: string): boolean {
  const lower = key.toLowerCase();
  return RESERVED_PREFIXES.some((prefix) => lower.startsWith(prefix));
}

/**
 * Builds the snapshot's tag list.
 * @example buildSnapshotTags({ policyName: 'nightly', policyTags: { tier: 'gold' }, slot })
 *   // tags: managed-by, policy, scheduled-at, tier
 */
export function buildSnapshotTags(input: SnapshotTagInput): SnapshotTags {
  const tags = new Map<string, string>([
    [MANAGED_BY_TAG, MANAGED_BY_VALUE],
    [POLICY_TAG, input.policyName],
    [SCHEDULED_AT_TAG, input.slot.toISOString()],
  ]);
  for (const [key, value] of Object.entries(input.policyTags)) tags.set(key, value);
  const notCopied: { key: string; reason: string }[] = [];
  for (const [key, value] of Object.entries(input.clusterTags ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    if (isReserved(key)) notCopied.push({ key, reason: 'reserved prefix' });
    else if (tags.has(key)) notCopied.push({ key, reason: 'set by the policy' });
    else if (tags.size >= MAX_TAGS_PER_RESOURCE)
      notCopied.push({ key, reason: `snapshot already has ${MAX_TAGS_PER_RESOURCE} tags` });
    else tags.set(key, value);
  }
  return { tags: [...tags].map(([Key, Value]) => ({ Key, Value })), notCopied };
}

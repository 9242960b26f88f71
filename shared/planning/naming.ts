/**
 * Snapshot naming: a pure, deterministic function of (prefix, cluster, scheduled slot), so a retried or
 * duplicated delivery of the same slot asks for the same snapshot id and AWS answers "already exists".
 */
import { createHash } from 'node:crypto';
import { CLUSTER_ID_PATTERN, MAX_PREFIX_LENGTH } from '../policy/limits.js';

export { MAX_PREFIX_LENGTH };

/** The longest snapshot identifier AWS accepts. */
export const MAX_SNAPSHOT_ID_LENGTH = 63;
/** `-yyyymmdd-hhmm` */
const SLOT_SUFFIX_LENGTH = 14;
const HASH_LENGTH = 8;

/**
 * True when `id` is a valid cluster or snapshot identifier (AWS's rule: letters, digits and single
 * hyphens, a letter first, no trailing hyphen) of at most 63 characters.
 */
export function isValidIdentifier(id: string): boolean {
  return id.length <= MAX_SNAPSHOT_ID_LENGTH && CLUSTER_ID_PATTERN.test(id);
}

/**
 * The slot part of a snapshot id: the scheduled time in UTC, to the minute.
 * @example formatSlot(new Date('2026-11-28T03:00:41Z')) // '20261128-0300'
 */
export function formatSlot(slot: Date): string {
  const iso = slot.toISOString(); // 2026-11-28T03:00:41.000Z
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}`;
}

/**
 * The scheduled slot a time belongs to: the same instant truncated to the whole minute (UTC).
 * @example slotOf(new Date('2026-11-28T03:00:41.5Z')).toISOString() // '2026-11-28T03:00:00.000Z'
 */
export function slotOf(time: Date): Date {
  return new Date(Math.floor(time.getTime() / 60_000) * 60_000);
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, HASH_LENGTH);
}

/**
 * The cluster part of a snapshot id, at most `room` characters. A cluster id that fits with two characters
 * to spare is used as it is; a longer one becomes its head plus an 8-character hash of the whole id. Both
 * shortened shapes are at least `room - 1` long and end in the hash, so a shortened part never equals an
 * unshortened one, and two shortened parts are equal only if their hashes are.
 */
function clusterPart(clusterId: string, room: number): string {
  if (clusterId.length <= room - 2) return clusterId;
  const hash = shortHash(clusterId);
  const head = clusterId.slice(0, room - HASH_LENGTH - 1);
  // A head ending in '-' is joined without a second hyphen (ids never contain '--').
  return head.endsWith('-') ? `${head}${hash}` : `${head}-${hash}`;
}

/**
 * The snapshot id for one cluster and slot: `<prefix>-<cluster>-<yyyymmdd>-<hhmm>`, lowercase, at most
 * 63 characters; long cluster ids are shortened with a stable hash so different clusters never share an id.
 * @example snapshotIdFor('nightly', 'orders-prod', new Date('2026-11-28T03:00:00Z')) // 'nightly-orders-prod-20261128-0300'
 */
export function snapshotIdFor(prefix: string, clusterId: string, slot: Date): string {
  const cleanPrefix = prefix.toLowerCase();
  if (!isValidIdentifier(cleanPrefix) || cleanPrefix.length > MAX_PREFIX_LENGTH) {
    throw new RangeError(
      `snapshot prefix "${prefix}" is not a valid prefix of at most ${MAX_PREFIX_LENGTH} characters`,
    );
  }
  const cluster = clusterId.toLowerCase();
  if (!isValidIdentifier(cluster))
    throw new RangeError(`cluster id "${clusterId}" is not a valid DocumentDB identifier`);
  const room = MAX_SNAPSHOT_ID_LENGTH - cleanPrefix.length - 1 - SLOT_SUFFIX_LENGTH;
  return `${cleanPrefix}-${clusterPart(cluster, room)}-${formatSlot(slot)}`;
}

/**
 * True when `snapshotId` has the shape this prefix produces (`<prefix>-<something>-<yyyymmdd>-<hhmm>`).
 * @example hasSnapshotIdShape('nightly', 'nightly-orders-prod-20261128-0300') // true
 */
export function hasSnapshotIdShape(prefix: string, snapshotId: string): boolean {
  const p = prefix.toLowerCase();
  if (!snapshotId.startsWith(`${p}-`)) return false;
  return (
    /^[a-z0-9-]*[a-z0-9]-\d{8}-\d{4}$/.test(snapshotId.slice(p.length + 1)) && isValidIdentifier(snapshotId)
  );
}

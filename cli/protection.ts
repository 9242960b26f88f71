/**
 * The status command's words for a cluster's protection (the rule itself: shared/planning/protection.ts).
 */
import type { Protection } from '../shared/planning/protection.js';
import { formatSpan } from './time.js';

/**
 * Why a cluster is overdue, or why it is ok without a snapshot, for people; undefined when a snapshot is
 * young enough.
 * Example: `protectionReason({ state: 'overdue', ageSeconds: 111_600, overdueAfterSeconds: 108_000 })`
 *   → `'newest snapshot is 1d 7h old; expected one within 1d 6h'`
 */
export function protectionReason(protection: Protection): string | undefined {
  const { ageSeconds, overdueAfterSeconds: limit } = protection;
  if (ageSeconds === undefined) {
    return protection.state === 'overdue'
      ? 'no available snapshot from this policy'
      : 'no snapshot yet; the schedule fires fewer than twice from now on';
  }
  if (protection.state === 'ok') return undefined;
  return `newest snapshot is ${formatSpan(ageSeconds)} old; expected one within ${formatSpan(limit)}`;
}

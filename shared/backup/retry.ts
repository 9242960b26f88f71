/** Backoff for a busy cluster: exponential with full jitter, capped, and never past the run's deadline. */
import type { RetrySettings } from '../policy/schema.js';

/**
 * The wait before attempt `failedAttempts + 1`: a uniformly random time between 0 and
 * min(maxDelay, baseDelay * 2^(failedAttempts - 1)), in milliseconds.
 * @example backoffMs({ maxAttempts: 8, baseDelaySeconds: 30, maxDelaySeconds: 300 }, 3, () => 0.5) // 60000
 */
export function backoffMs(retry: RetrySettings, failedAttempts: number, random: () => number): number {
  const ceilingSeconds = Math.min(retry.maxDelaySeconds, retry.baseDelaySeconds * 2 ** (failedAttempts - 1));
  return Math.floor(random() * ceilingSeconds * 1000);
}

/** Cluster states that waiting does not clear: snapshots fail fast instead of retrying. */
export const STATES_WAITING_CANNOT_FIX: ReadonlySet<string> = new Set([
  'stopped',
  'stopping',
  'deleting',
  'failed',
  'inaccessible-encryption-credentials',
  'inaccessible-encryption-credentials-recoverable',
  'incompatible-network',
  'incompatible-parameters',
  'incompatible-restore',
]);

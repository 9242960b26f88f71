/**
 * The policy rules and defaults that code running in the backup function needs at run time. Plain
 * values, no zod and no YAML: the function reads policies compiled at build time (compiled.ts) and must
 * not pay for the validator in its cold start. schema.ts and tags.ts re-export these. Its only import is
 * of types from resolved.ts (erased at build), which imports none of the policy modules back: no cycle.
 */
import type { QuotaSettings, ReconcileSettings, RetrySettings, WindowSettings } from './resolved.js';

/** Lowercase letters, digits and single hyphens, a letter first, no trailing hyphen: policy names, prefixes. */
export const LOWERCASE_NAME_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
/** DocumentDB cluster identifier: letters, digits and single hyphens, a letter first, no trailing hyphen. */
export const CLUSTER_ID_PATTERN = /^[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*$/;

export const MAX_POLICY_NAME_LENGTH = 40;
export const MAX_PREFIX_LENGTH = 32;
export const MAX_CLUSTER_ID_LENGTH = 63;

/** Prefix of the tags this service writes on every snapshot it creates. */
export const RESERVED_TAG_PREFIX = 'docdb-backup:';

/** The tags the service sets itself: ownership, the policy, and the schedule slot of the run. */
export const OWN_TAG_KEYS = {
  managedBy: `${RESERVED_TAG_PREFIX}managed-by`,
  policy: `${RESERVED_TAG_PREFIX}policy`,
  scheduledAt: `${RESERVED_TAG_PREFIX}scheduled-at`,
} as const;

/** AWS limit of tags on one resource, the service's own tags included. */
export const MAX_TAGS_PER_RESOURCE = 50;

/** Built-in retry settings, used for any field neither the policy nor `defaults.retry` sets. */
export const DEFAULT_RETRY: Readonly<RetrySettings> = {
  maxAttempts: 8,
  baseDelaySeconds: 30,
  maxDelaySeconds: 300,
};

export const DEFAULT_QUOTA: Readonly<QuotaSettings> = { default: 100, regions: {}, warnAtPercent: 80 };

/** Longest start or completion window a policy may set, in minutes: 7 days. */
export const MAX_WINDOW_MINUTES = 10_080;

/**
 * Built-in windows, used for any window neither the policy nor `defaults` sets. The start window's
 * built-in value is this or the shortest interval between the policy's runs, whichever is shorter (see
 * `defaultStartWindowMinutes`).
 */
export const DEFAULT_WINDOWS: Readonly<WindowSettings> = { startMinutes: 480, completionMinutes: 1440 };

/** Built-in reconcile settings, used when the file has no `reconcile` block (or no `reconcile.schedule`). */
export const DEFAULT_RECONCILE: Readonly<ReconcileSettings> = {
  schedule: 'rate(10 minutes)',
  maxCopiesInFlight: 5,
};

/**
 * The built-in start window of a policy whose runs are at least `shortestIntervalSeconds` apart: 480
 * minutes, or that interval in whole minutes (at least 1) when it is shorter. `Infinity` (a schedule
 * that fires fewer than twice from now on) gives 480.
 * @example defaultStartWindowMinutes(3600) // 60
 */
export function defaultStartWindowMinutes(shortestIntervalSeconds: number): number {
  const minutes = Math.max(1, Math.floor(shortestIntervalSeconds / 60));
  return Number.isFinite(minutes)
    ? Math.min(DEFAULT_WINDOWS.startMinutes, minutes)
    : DEFAULT_WINDOWS.startMinutes;
}

/**
 * The quota of one Region.
 * @example quotaOf({ default: 100, regions: { 'eu-west-1': 200 }, warnAtPercent: 80 }, 'eu-west-1') // 200
 */
export function quotaOf(settings: QuotaSettings, region: string): number {
  return settings.regions[region] ?? settings.default;
}

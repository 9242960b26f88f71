/**
 * The policy rules and defaults that code running in the backup function needs at run time. Plain
 * values, no zod and no YAML: the function reads policies compiled at build time (compiled.ts) and must
 * not pay for the validator in its cold start. schema.ts and tags.ts re-export these. Its only import is
 * of types from resolved.ts (erased at build), which imports none of the policy modules back: no cycle.
 */
import type { QuotaSettings, RetrySettings } from './resolved.js';

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

/**
 * The quota of one Region.
 * @example quotaOf({ default: 100, regions: { 'eu-west-1': 200 }, warnAtPercent: 80 }, 'eu-west-1') // 200
 */
export function quotaOf(settings: QuotaSettings, region: string): number {
  return settings.regions[region] ?? settings.default;
}

/**
 * Resolution: applies the file's defaults and the built-in defaults to each policy of a valid file.
 */
import {
  DEFAULT_QUOTA,
  DEFAULT_RECONCILE,
  DEFAULT_RETRY,
  DEFAULT_WINDOWS,
  defaultStartWindowMinutes,
} from './limits.js';
import {
  type CopySettings,
  type QuotaSettings,
  type ReconcileSettings,
  type ResolvedPolicies,
  type ResolvedPolicy,
  type RetentionRules,
  withReconcile,
} from './resolved.js';
import { parseSchedule, shortestIntervalSeconds } from './schedule.js';
import type { CopyInput, PolicyFile } from './schema.js';

export interface ResolveOptions {
  /**
   * Reference time for the shortest interval between a policy's runs (the built-in start window).
   * Default: now.
   */
  now?: Date;
}

function lowercaseUnique(ids: readonly string[] | undefined): string[] {
  return [...new Set((ids ?? []).map((id) => id.toLowerCase()))];
}

/**
 * The file's reconcile settings: `reconcile.schedule` and `reconcile.maxCopiesInFlight`, each else its
 * `DEFAULT_RECONCILE` value.
 * Example: `resolveReconcile({ version: 1, policies: [...] })` → `{ schedule: 'rate(10 minutes)', maxCopiesInFlight: 5 }`
 */
export function resolveReconcile(file: Pick<PolicyFile, 'reconcile'>): ReconcileSettings {
  return {
    schedule: file.reconcile?.schedule ?? DEFAULT_RECONCILE.schedule,
    maxCopiesInFlight: file.reconcile?.maxCopiesInFlight ?? DEFAULT_RECONCILE.maxCopiesInFlight,
  };
}

/** The order of a resolved copy's keys (all optional), `retention` last. */
const COPY_KEYS = [
  'region',
  'account',
  'roleArn',
  'externalId',
  'kmsKeyId',
  'transitKmsKeyId',
  'shareKmsKeyId',
] as const;

/**
 * A policy's copies as the engine reads them: the keys the file sets, in a fixed order, and `retention`
 * from the copy, else the policy's resolved retention (absent when neither has one: never deleted).
 * Example: `resolveCopies([{ region: 'us-west-2' }], { keepLast: 7 })` → `[{ region: 'us-west-2', retention: { keepLast: 7 } }]`
 */
export function resolveCopies(
  copies: readonly CopyInput[] | undefined,
  retention: RetentionRules | undefined,
): CopySettings[] {
  return (copies ?? []).map((copy) => {
    const kept = copy.retention ?? retention;
    const resolved: CopySettings = {};
    for (const key of COPY_KEYS) {
      const value = copy[key];
      if (value !== undefined) resolved[key] = value;
    }
    return kept ? { ...resolved, retention: { ...kept } } : resolved;
  });
}

/**
 * The built-in start window of a schedule (in its zone): `defaultStartWindowMinutes` of its shortest
 * interval from `now`, memoised per expression and zone for one resolution.
 */
function startWindowOf(
  cache: Map<string, number>,
  expression: string,
  zone: string | undefined,
  now: Date,
): number {
  const key = `${zone ?? ''}\n${expression}`;
  let minutes = cache.get(key);
  if (minutes === undefined) {
    let shortest = Number.POSITIVE_INFINITY;
    try {
      shortest = shortestIntervalSeconds(parseSchedule(expression, zone), now);
    } catch {
      // Not reached for a validated file; an unparsable schedule keeps the plain built-in window.
    }
    minutes = defaultStartWindowMinutes(shortest);
    cache.set(key, minutes);
  }
  return minutes;
}

/**
 * Turns a structurally valid file into resolved policies: `description` '' and `enabled` true by default;
 * `timezone` from the policy, else `defaults.timezone`, else absent (UTC);
 * `allowEmpty` from the policy, else `defaults.allowEmpty`, else false; cluster ids lowercase; Regions from
 * the policy, else `defaults.regions`; snapshot tags are
 * `defaults.snapshot.tags` overridden per key by the policy's; prefix defaults to the name; retry per field
 * from the policy, then `defaults.retry`, then `DEFAULT_RETRY`; `windows.startMinutes` from the policy's
 * `startWindowMinutes`, then `defaults.startWindowMinutes`, then 480 or the shortest interval between the
 * policy's runs (whole minutes, at least 1) when that is shorter; `windows.completionMinutes` likewise,
 * built-in 1440; `copies` as `resolveCopies` gives them (retention defaulting to the policy's). The list
 * carries the file's reconcile settings as `.reconcile` (see `ResolvedPolicies`).
 * Run the semantic checks first: this function does not validate.
 * Example: `resolvePolicies({ version: 1, policies: [{ name: 'a', schedule: 'rate(1 day)', regions: ['us-east-1'], clusters: { identifiers: ['Db1'] } }] })[0].clusters.identifiers` → `['db1']`
 */
export function resolvePolicies(file: PolicyFile, options: ResolveOptions = {}): ResolvedPolicies {
  const defaults = file.defaults ?? {};
  const now = options.now ?? new Date();
  const startWindows = new Map<string, number>();
  const quota: QuotaSettings = {
    default: file.quota?.default ?? DEFAULT_QUOTA.default,
    regions: { ...file.quota?.regions },
    warnAtPercent: file.quota?.warnAtPercent ?? DEFAULT_QUOTA.warnAtPercent,
  };
  const policies = file.policies.map((policy): ResolvedPolicy => {
    const timezone = policy.timezone ?? defaults.timezone;
    const retention = policy.retention ?? defaults.retention;
    return {
      name: policy.name,
      description: policy.description ?? '',
      enabled: policy.enabled ?? true,
      schedule: policy.schedule,
      ...(timezone ? { timezone } : {}),
      regions: [...(policy.regions ?? defaults.regions ?? [])],
      clusters: {
        identifiers: lowercaseUnique(policy.clusters.identifiers),
        tags: { ...policy.clusters.tags },
        exclude: lowercaseUnique(policy.clusters.exclude),
      },
      allowEmpty: policy.allowEmpty ?? defaults.allowEmpty ?? false,
      snapshot: {
        prefix: policy.snapshot?.prefix ?? policy.name,
        tags: { ...defaults.snapshot?.tags, ...policy.snapshot?.tags },
        copyClusterTags: policy.snapshot?.copyClusterTags ?? false,
      },
      retry: {
        maxAttempts: policy.retry?.maxAttempts ?? defaults.retry?.maxAttempts ?? DEFAULT_RETRY.maxAttempts,
        baseDelaySeconds:
          policy.retry?.baseDelaySeconds ??
          defaults.retry?.baseDelaySeconds ??
          DEFAULT_RETRY.baseDelaySeconds,
        maxDelaySeconds:
          policy.retry?.maxDelaySeconds ?? defaults.retry?.maxDelaySeconds ?? DEFAULT_RETRY.maxDelaySeconds,
      },
      windows: {
        startMinutes:
          policy.startWindowMinutes ??
          defaults.startWindowMinutes ??
          startWindowOf(startWindows, policy.schedule, timezone, now),
        completionMinutes:
          policy.completionWindowMinutes ??
          defaults.completionWindowMinutes ??
          DEFAULT_WINDOWS.completionMinutes,
      },
      ...(retention ? { retention: { ...retention } } : {}),
      quota: { ...quota, regions: { ...quota.regions } },
      copies: resolveCopies(policy.copies, retention),
    };
  });
  return withReconcile(policies, resolveReconcile(file));
}

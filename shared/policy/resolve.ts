/**
 * Resolution: applies the file's defaults and the built-in defaults to each policy of a valid file.
 */
import { DEFAULT_QUOTA, DEFAULT_RETRY } from './limits.js';
import type { QuotaSettings, ResolvedPolicy } from './resolved.js';
import type { PolicyFile } from './schema.js';

function lowercaseUnique(ids: readonly string[] | undefined): string[] {
  return [...new Set((ids ?? []).map((id) => id.toLowerCase()))];
}

/**
 * Turns a structurally valid file into resolved policies: `description` '' and `enabled` true by default;
 * `timezone` from the policy, else `defaults.timezone`, else absent (UTC);
 * `allowEmpty` from the policy, else `defaults.allowEmpty`, else false; cluster ids lowercase; Regions from
 * the policy, else `defaults.regions`; snapshot tags are
 * `defaults.snapshot.tags` overridden per key by the policy's; prefix defaults to the name; retry per field
 * from the policy, then `defaults.retry`, then `DEFAULT_RETRY`. Run the semantic checks first: this
 * function does not validate.
 * Example: `resolvePolicies({ version: 1, policies: [{ name: 'a', schedule: 'rate(1 day)', regions: ['us-east-1'], clusters: { identifiers: ['Db1'] } }] })[0].clusters.identifiers` → `['db1']`
 */
export function resolvePolicies(file: PolicyFile): ResolvedPolicy[] {
  const defaults = file.defaults ?? {};
  const quota: QuotaSettings = {
    default: file.quota?.default ?? DEFAULT_QUOTA.default,
    regions: { ...file.quota?.regions },
    warnAtPercent: file.quota?.warnAtPercent ?? DEFAULT_QUOTA.warnAtPercent,
  };
  return file.policies.map((policy) => ({
    name: policy.name,
    description: policy.description ?? '',
    enabled: policy.enabled ?? true,
    schedule: policy.schedule,
    ...((policy.timezone ?? defaults.timezone) ? { timezone: policy.timezone ?? defaults.timezone } : {}),
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
        policy.retry?.baseDelaySeconds ?? defaults.retry?.baseDelaySeconds ?? DEFAULT_RETRY.baseDelaySeconds,
      maxDelaySeconds:
        policy.retry?.maxDelaySeconds ?? defaults.retry?.maxDelaySeconds ?? DEFAULT_RETRY.maxDelaySeconds,
    },
    ...((policy.retention ?? defaults.retention)
      ? { retention: { ...(policy.retention ?? defaults.retention) } }
      : {}),
    quota: { ...quota, regions: { ...quota.regions } },
  }));
}

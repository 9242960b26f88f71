/**
 * The shape of a resolved policy: a policy with the file's defaults and the built-in defaults applied, as
 * resolve.ts produces it and as the engine, the CLI, the deploy and the compiled policy file carry it.
 * Every field the resolver always sets is required, every object is strict, so a resolver that drops,
 * renames or adds a key fails `checkResolvedPolicies` when policies are compiled. Types are inferred from
 * this schema; schema.ts re-exports them under the names the rest of the code imports.
 *
 * Values were checked by the policy file schema (schema.ts, validate.ts) before resolution; this schema
 * checks the shape (keys and value types), not the rules again.
 * It imports only zod and errors.ts (which imports nothing), so limits.ts and shared/planning can import
 * its types without closing an import cycle.
 */
import { z } from 'zod';
import { ResolvedPolicyError } from './errors.js';

const count = z.number().int().min(1);
const tagMap = z.record(z.string(), z.string());

/** Retry settings once defaults are applied: every field set. */
export const ResolvedRetrySchema = z
  .object({
    /** Attempts per cluster while it is busy, the first included. */
    maxAttempts: count,
    /** First backoff delay in seconds; doubles per attempt, with jitter. */
    baseDelaySeconds: z.number().positive(),
    /** Longest backoff delay in seconds. */
    maxDelaySeconds: z.number().positive(),
  })
  .strict();

/** The policy's `retention` block (its own, else `defaults.retention`), once validated: at least one rule is set. */
export const ResolvedRetentionSchema = z
  .object({
    /** Keep the newest N snapshots. */
    keepLast: count.optional(),
    /** Keep every snapshot younger than N days. */
    maxAgeDays: count.optional(),
    /** Keep the newest snapshot of each of the last N UTC days (today included). */
    daily: count.optional(),
    /** Keep the newest snapshot of each of the last N ISO weeks (Monday to Sunday, UTC; this week included). */
    weekly: count.optional(),
    /** Keep the newest snapshot of each of the last N calendar months (UTC; this month included). */
    monthly: count.optional(),
  })
  .strict();

/** The file's quota settings, resolved (the same for every policy of the file). */
export const ResolvedQuotaSchema = z
  .object({
    /** Quota per Region for Regions not listed in `regions`. */
    default: count,
    /** The quota of Regions where it was raised. */
    regions: z.record(z.string(), count),
    /** Share of the quota (percent) at or above which a run pages a warning. */
    warnAtPercent: z.number().positive(),
  })
  .strict();

/** What a policy's `clusters` block asks for: identifiers and excludes lowercase and unique. */
export const ResolvedClusterSelectionSchema = z
  .object({
    identifiers: z.array(z.string()),
    /** A cluster matches when it carries every one of these tags; empty: no selection by tag. */
    tags: tagMap,
    exclude: z.array(z.string()),
  })
  .strict();

/** How snapshots are named and tagged: `tags` are the user's (defaults merged, the policy wins per key). */
export const ResolvedSnapshotSchema = z
  .object({
    /** Start of every snapshot id; the policy name unless `snapshot.prefix` is set. */
    prefix: z.string().min(1),
    tags: tagMap,
    copyClusterTags: z.boolean(),
  })
  .strict();

/**
 * How long the reconciler follows a backup job, in minutes from the job's slot: a `pending` job (the
 * cluster was busy all through the backup invocation) is retried until the start window closes; a
 * `creating` snapshot that is not `available` when the completion window closes fails.
 */
export const ResolvedWindowsSchema = z
  .object({
    /** Minutes after the slot during which a `pending` job is still retried. */
    startMinutes: count,
    /** Minutes after the slot by which the snapshot must be `available`, else it fails. */
    completionMinutes: count,
  })
  .strict();

/**
 * The file's reconcile settings, resolved: file-level, not per policy (the compiled file carries them
 * beside the policies).
 */
export const ResolvedReconcileSchema = z
  .object({
    /** EventBridge rate() or cron() expression of the reconciler's passes, in UTC. */
    schedule: z.string().min(1),
    /** Copies in flight at once per destination (account and Region); the rest wait their turn. Default 5. */
    maxCopiesInFlight: count,
  })
  .strict();

/**
 * One disaster-recovery destination of a policy's snapshots (`copies[]`), as validated: every ARN's
 * account and Region agree with the destination. A copy lands in `region` of `account`; `region` absent:
 * the source snapshot's own Region (only with `account`); `account` absent: the service's own account.
 */
export const ResolvedCopySchema = z
  .object({
    /** The destination Region; absent: each source snapshot's own Region (another account only). */
    region: z.string().min(1).optional(),
    /** The destination account (12 digits); absent: the service's own account. */
    account: z
      .string()
      .regex(/^\d{12}$/)
      .optional(),
    /** The role assumed in `account` (set exactly when `account` is). */
    roleArn: z.string().min(1).optional(),
    /** The external id that role's trust policy requires (set exactly when `account` is). */
    externalId: z.string().min(1).optional(),
    /** The KMS key ARN the copy is encrypted with in the destination; required for encrypted sources. */
    kmsKeyId: z.string().min(1).optional(),
    /**
     * Another account in another Region: the key (of `account`, in the source's Region) of the first,
     * same-Region copy there, before it is copied on to `region`.
     */
    transitKmsKeyId: z.string().min(1).optional(),
    /**
     * Another account: a customer managed key of the service's own account (source Region) that the
     * snapshot is re-encrypted with before it is shared (needed when the source uses the AWS managed key).
     */
    shareKmsKeyId: z.string().min(1).optional(),
    /** Retention in the destination; absent: the copies are never deleted. Defaults to the policy's. */
    retention: ResolvedRetentionSchema.optional(),
  })
  .strict();

/**
 * A resolved policy. `snapshot.tags` are the user's tags; the service adds its own `docdb-backup:*` tags
 * when it creates a snapshot. Only `timezone` (absent: UTC) and `retention` (absent: never delete) may be
 * missing.
 * Example: `ResolvedPolicySchema.parse(resolvePolicies(file)[0])`
 */
export const ResolvedPolicySchema = z
  .object({
    name: z.string().min(1),
    description: z.string(),
    enabled: z.boolean(),
    schedule: z.string().min(1),
    /** IANA zone the schedule is read in (EventBridge Scheduler); absent: UTC (an EventBridge rule). */
    timezone: z.string().min(1).optional(),
    regions: z.array(z.string()),
    clusters: ResolvedClusterSelectionSchema,
    /** True: a run whose selection matches no cluster (in a Region, or at all) does not page a warning. */
    allowEmpty: z.boolean(),
    snapshot: ResolvedSnapshotSchema,
    retry: ResolvedRetrySchema,
    /** The start and completion windows the reconciler applies to the policy's jobs. */
    windows: ResolvedWindowsSchema,
    /** Absent: the policy never deletes anything. */
    retention: ResolvedRetentionSchema.optional(),
    /** The file's quota settings (the same for every policy of the file). */
    quota: ResolvedQuotaSchema,
    /** Where each snapshot is copied once it is available (disaster recovery); empty: nowhere. */
    copies: z.array(ResolvedCopySchema),
  })
  .strict();

/**
 * A policy with the file's defaults merged in: what the engine, the CLI and the deploy read.
 * Example: `{ name: 'nightly-prod', schedule: 'cron(0 3 * * ? *)', regions: ['us-east-1'], ... }`
 */
export type ResolvedPolicy = z.output<typeof ResolvedPolicySchema>;
/** Retry settings once defaults are applied. */
export type RetrySettings = z.output<typeof ResolvedRetrySchema>;
/** Retention rules once validated: at least one is set. */
export type RetentionRules = z.output<typeof ResolvedRetentionSchema>;
/** The file's quota settings, resolved. */
export type QuotaSettings = z.output<typeof ResolvedQuotaSchema>;
/** What a policy's `clusters` block asks for (already lowercased and merged). */
export type ClusterSelection = z.output<typeof ResolvedClusterSelectionSchema>;
/** How a policy's snapshots are named and tagged, resolved. */
export type SnapshotSettings = z.output<typeof ResolvedSnapshotSchema>;
/** A policy's start and completion windows, in minutes. */
export type WindowSettings = z.output<typeof ResolvedWindowsSchema>;
/** One copy destination of a policy, resolved. */
export type CopySettings = z.output<typeof ResolvedCopySchema>;
/** The file's reconcile settings, resolved. */
export type ReconcileSettings = z.output<typeof ResolvedReconcileSchema>;

/**
 * Resolved policies as the loader and the compiler return them: a plain list, carrying the file's
 * reconcile settings as a non-enumerable `reconcile` property (so JSON, spreading and equality see only
 * the policies, and callers that want a list need no change). `.filter()`, `.map()` and copies drop it.
 * Example: `(await loadPolicyFile('config/policies.yml')).reconcile.schedule` → `'rate(10 minutes)'`
 */
export type ResolvedPolicies = ResolvedPolicy[] & { readonly reconcile: ReconcileSettings };

/**
 * A policy file's resolved content as one object: what `readCompiledFile` returns.
 * Example: `{ policies: [{ name: 'nightly-prod', ... }], reconcile: { schedule: 'rate(10 minutes)' } }`
 */
export interface ResolvedPolicyFile {
  policies: ResolvedPolicy[];
  reconcile: ReconcileSettings;
}

/**
 * `policies` with `reconcile` attached as the non-enumerable property `ResolvedPolicies` describes; the
 * list itself is returned, not a copy.
 * Example: `withReconcile(policies, { schedule: 'rate(10 minutes)' }).reconcile.schedule`
 */
export function withReconcile(policies: ResolvedPolicy[], reconcile: ReconcileSettings): ResolvedPolicies {
  Object.defineProperty(policies, 'reconcile', {
    value: reconcile,
    enumerable: false,
    writable: false,
    configurable: true,
  });
  return policies as ResolvedPolicies;
}

/** `['regions', 0]` → `regions[0]`; `['retry', 'maxAttempts']` → `retry.maxAttempts`. */
function dotted(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, key) =>
      typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key),
    '',
  );
}

/**
 * Checks resolved reconcile settings against `ResolvedReconcileSchema` and returns them typed. Throws
 * ResolvedPolicyError (policy `''`) naming the file and the path of the bad field.
 * Example: `checkResolvedReconcile({ schedule: '' }, 'config/policies.yml')` throws
 * `config/policies.yml: reconcile resolved to a wrong shape at schedule: …`
 */
export function checkResolvedReconcile(reconcile: unknown, source: string): ReconcileSettings {
  const result = ResolvedReconcileSchema.safeParse(reconcile);
  if (result.success) return reconcile as ReconcileSettings;
  const issue = result.error.issues[0];
  const keys = issue?.code === 'unrecognized_keys' ? issue.keys : [];
  const path = dotted([...(issue?.path ?? []), ...(keys.length === 1 ? keys : [])]);
  throw new ResolvedPolicyError(
    '',
    path,
    `${source}: reconcile resolved to a wrong shape at ${path || 'the top level'}: ` +
      `${issue?.message ?? 'invalid'} (a bug in docdb-backup's resolver, not in the policy file)`,
    { cause: result.error },
  );
}

function policyName(value: unknown, index: number): string {
  const name = typeof value === 'object' && value !== null ? (value as { name?: unknown }).name : undefined;
  return typeof name === 'string' && name !== '' ? name : `#${index + 1}`;
}

/**
 * Checks resolved policies against `ResolvedPolicySchema` and returns them typed. Throws
 * ResolvedPolicyError naming the file, the policy and the path of the first bad field.
 * Example: `checkResolvedPolicies([{ ...policy, retry: { maxAttempts: '8' } }], 'config/policies.yml')`
 * throws `config/policies.yml: policy "nightly-prod" resolved to a wrong shape at retry.maxAttempts: …`
 */
export function checkResolvedPolicies(policies: readonly unknown[], source: string): ResolvedPolicy[] {
  return policies.map((policy, index) => {
    const result = ResolvedPolicySchema.safeParse(policy);
    // The policy itself, not zod's copy: the compiled file keeps the resolver's key order.
    if (result.success) return policy as ResolvedPolicy;
    const name = policyName(policy, index);
    const issue = result.error.issues[0];
    const keys = issue?.code === 'unrecognized_keys' ? issue.keys : [];
    const path = dotted([...(issue?.path ?? []), ...(keys.length === 1 ? keys : [])]);
    throw new ResolvedPolicyError(
      name,
      path,
      `${source}: policy ${JSON.stringify(name)} resolved to a wrong shape at ${path || 'the top level'}: ` +
        `${issue?.message ?? 'invalid'} (a bug in docdb-backup's resolver, not in the policy file)`,
      { cause: result.error },
    );
  });
}

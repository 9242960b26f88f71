/**
 * The one description of a policy file. Types are inferred from it, the JSON Schema for editors is
 * generated from it, and the README quotes it. Every object is strict: an unknown key is an error.
 *
 * Only rules JSON Schema can carry live here (types, lengths, patterns, enums); rules across fields or
 * policies (unique names, prefixes, schedules, tag counts, retry delays) are in validate.ts.
 * Custom messages start with "expected …": the loader appends ", found …" with the offending value.
 */
import { z } from 'zod';

export {
  CLUSTER_ID_PATTERN,
  DEFAULT_QUOTA,
  DEFAULT_RECONCILE,
  DEFAULT_RETRY,
  DEFAULT_WINDOWS,
  LOWERCASE_NAME_PATTERN,
  MAX_CLUSTER_ID_LENGTH,
  MAX_POLICY_NAME_LENGTH,
  MAX_PREFIX_LENGTH,
  MAX_WINDOW_MINUTES,
  quotaOf,
} from './limits.js';

import {
  ACCOUNT_ID_PATTERN,
  EXTERNAL_ID_PATTERN,
  KMS_KEY_ARN_PATTERN,
  MAX_COPIES_IN_FLIGHT,
  MAX_EXTERNAL_ID_LENGTH,
  MIN_EXTERNAL_ID_LENGTH,
  ROLE_ARN_PATTERN,
} from './copies.js';
import {
  CLUSTER_ID_PATTERN,
  DEFAULT_RECONCILE,
  DEFAULT_WINDOWS,
  LOWERCASE_NAME_PATTERN,
  MAX_CLUSTER_ID_LENGTH,
  MAX_POLICY_NAME_LENGTH,
  MAX_PREFIX_LENGTH,
  MAX_WINDOW_MINUTES,
} from './limits.js';
import { KNOWN_REGIONS } from './regions.js';
import { SnapshotTagKeySchema, TagKeySchema, TagValueSchema } from './tags.js';

/** Prefixes that would look like automated (`rds:`) or AWS Backup (`awsbackup:`) snapshots. */
export const NOT_AWS_SNAPSHOT_PREFIX = /^(?!rds|awsbackup)/;

const LOWERCASE_NAME_TEXT =
  'lowercase letters, digits and hyphens starting with a letter, no "--" or trailing "-"';
const LOWERCASE_RULE = 'of letters, digits and hyphens starting with a letter (no "--", no trailing "-")';

export const PolicyNameSchema = z
  .string()
  .regex(LOWERCASE_NAME_PATTERN, `expected a lowercase name ${LOWERCASE_RULE}`)
  .min(1, `expected a name of 1 to ${MAX_POLICY_NAME_LENGTH} characters`)
  .max(MAX_POLICY_NAME_LENGTH, `expected a name of 1 to ${MAX_POLICY_NAME_LENGTH} characters`)
  .describe(
    `Unique name of the policy, 1–${MAX_POLICY_NAME_LENGTH} ${LOWERCASE_NAME_TEXT}. Tagged on every snapshot ` +
      `(docdb-backup:policy) and used as the snapshot prefix unless snapshot.prefix is set. Example: nightly-prod.`,
  );

export const SnapshotPrefixSchema = z
  .string()
  .regex(LOWERCASE_NAME_PATTERN, `expected a lowercase prefix ${LOWERCASE_RULE}`)
  .regex(NOT_AWS_SNAPSHOT_PREFIX, 'expected a prefix not starting with "rds" or "awsbackup" (names AWS uses)')
  .min(1, `expected a prefix of 1 to ${MAX_PREFIX_LENGTH} characters`)
  .max(MAX_PREFIX_LENGTH, `expected a prefix of 1 to ${MAX_PREFIX_LENGTH} characters`)
  .describe(
    `Start of every snapshot id: <prefix>-<cluster>-<yyyymmdd>-<hhmm>. 1–${MAX_PREFIX_LENGTH} ${LOWERCASE_NAME_TEXT}; ` +
      'not starting with rds or awsbackup; unique, and not another policy\'s prefix followed by "-". ' +
      'Default: the policy name.',
  );

export const ClusterIdSchema = z
  .string()
  .regex(CLUSTER_ID_PATTERN, `expected a DocumentDB cluster identifier ${LOWERCASE_RULE}`)
  .min(1, `expected a cluster identifier of 1 to ${MAX_CLUSTER_ID_LENGTH} characters`)
  .max(MAX_CLUSTER_ID_LENGTH, `expected a cluster identifier of 1 to ${MAX_CLUSTER_ID_LENGTH} characters`)
  .describe(
    'DocumentDB cluster identifier (case-insensitive; AWS stores it lowercase). Example: orders-prod.',
  );

export const RegionSchema = z
  .enum(KNOWN_REGIONS, { error: 'expected an AWS Region code such as us-east-1' })
  .describe('AWS Region code, e.g. us-east-1.');

const RegionListSchema = z.array(RegionSchema).min(1, 'expected at least one Region');

export const ScheduleExpressionSchema = z
  .string()
  .regex(/^(rate|cron)\(.*\)$/, 'expected an EventBridge schedule: rate(<value> <unit>) or cron(<6 fields>)')
  .describe(
    'EventBridge schedule, in UTC unless timezone is set: rate(1 hour), rate(6 hours), or cron(minutes hours ' +
      'day-of-month month day-of-week year) with exactly one of the day fields "?", e.g. cron(0 3 * * ? *) ' +
      'for 03:00 daily.',
  );

export const TimeZoneSchema = z
  .string()
  .min(1, 'expected an IANA time zone name such as Europe/Berlin')
  .describe(
    'IANA time zone the schedule is read in, e.g. Europe/Berlin or America/New_York (abbreviations such as ' +
      'CET are refused). The policy then deploys as an EventBridge Scheduler schedule in that zone, ' +
      'following its daylight-saving changes: a local time the clocks skip does not run that day, one they ' +
      'show twice runs once. Snapshot ids and tags stay in UTC. Default: UTC (an EventBridge rule).',
  );

/** Tags used to select clusters: a cluster matches when it carries every one of them. */
export const SelectionTagsSchema = z
  .record(TagKeySchema, TagValueSchema)
  .describe('Select clusters carrying all of these tags (key: value), e.g. { backup: nightly }.');

/** Tags put on the snapshots, in addition to the service's own `docdb-backup:*` tags. */
export const SnapshotTagsSchema = z
  .record(SnapshotTagKeySchema, TagValueSchema)
  .describe('Tags put on every snapshot (key: value). At most 47 after merging with defaults.');

/** Kept for callers that only need "a map of tags"; key and value rules are those of tags.ts. */
export const TagMapSchema = SelectionTagsSchema;

export const RetrySchema = z
  .object({
    maxAttempts: z
      .number()
      .int('expected a whole number of attempts')
      .min(1, 'expected 1 to 50 attempts')
      .max(50, 'expected 1 to 50 attempts')
      .optional()
      .describe(
        'Attempts per cluster while it is busy (InvalidDBClusterStateFault), the first included. Default 8.',
      ),
    baseDelaySeconds: z
      .number()
      .min(0.1, 'expected 0.1 to 900 seconds')
      .max(900, 'expected 0.1 to 900 seconds')
      .optional()
      .describe('First backoff delay in seconds; doubles per attempt, with jitter. Default 30.'),
    maxDelaySeconds: z
      .number()
      .min(0.1, 'expected 0.1 to 900 seconds')
      .max(900, 'expected 0.1 to 900 seconds')
      .optional()
      .describe('Longest backoff delay in seconds; at least baseDelaySeconds. Default 300.'),
  })
  .strict()
  .describe(
    'Retry while a cluster is busy. Each field falls back to defaults.retry, then to the built-in default.',
  );

const count = (max: number, what: string) =>
  z
    .number()
    .int(`expected a whole number of ${what}`)
    .min(1, `expected 1 to ${max} ${what}`)
    .max(max, `expected 1 to ${max} ${what}`)
    .optional();

export const RetentionSchema = z
  .object({
    keepLast: count(1000, 'snapshots').describe('Keep the newest N snapshots of each cluster.'),
    maxAgeDays: count(36_500, 'days').describe('Keep every snapshot younger than N days.'),
    daily: count(3660, 'days').describe(
      'Keep the newest snapshot of each of the last N UTC days (today included).',
    ),
    weekly: count(520, 'weeks').describe(
      'Keep the newest snapshot of each of the last N weeks (Monday to Sunday, UTC; this week included).',
    ),
    monthly: count(1200, 'months').describe(
      'Keep the newest snapshot of each of the last N calendar months (UTC; this month included).',
    ),
  })
  .strict()
  .describe(
    'Which snapshots to keep; a snapshot is deleted only when no rule keeps it. Only snapshots this policy ' +
      'created are ever deleted, only when available, never the newest available one of a cluster, and never ' +
      'for a cluster whose snapshot failed in the run. Without retention nothing is ever deleted.',
  );

export const QuotaSchema = z
  .object({
    default: z
      .number()
      .int('expected a whole number of snapshots')
      .min(1, 'expected 1 to 100000 snapshots')
      .max(100_000, 'expected 1 to 100000 snapshots')
      .optional()
      .describe(
        "The account's manual cluster snapshot quota per Region (shared with RDS and Neptune). Default 100.",
      ),
    regions: z
      .record(
        z.string(),
        z
          .number()
          .int('expected a whole number of snapshots')
          .min(1, 'expected 1 to 100000 snapshots')
          .max(100_000),
      )
      .optional()
      .describe('The quota of Regions where it was raised, e.g. { eu-west-1: 200 }.'),
    warnAtPercent: z
      .number()
      .min(1, 'expected 1 to 100 percent')
      .max(100, 'expected 1 to 100 percent')
      .optional()
      .describe(
        'Page with a warning when a run leaves a Region at or above this share of its quota. Default 80.',
      ),
  })
  .strict()
  .describe('The manual cluster snapshot quota the service watches before it is hit.');

export const ClusterSelectionSchema = z
  .object({
    identifiers: z.array(ClusterIdSchema).optional().describe('Clusters selected by identifier.'),
    tags: SelectionTagsSchema.optional(),
    exclude: z
      .array(ClusterIdSchema)
      .optional()
      .describe('Clusters never selected, even when their tags match. Must not repeat an identifier.'),
  })
  .strict()
  .describe(
    'Which DocumentDB clusters to back up: those listed in identifiers plus those carrying all tags, minus exclude.',
  );

export const SnapshotSchema = z
  .object({
    prefix: SnapshotPrefixSchema.optional(),
    tags: SnapshotTagsSchema.optional(),
    copyClusterTags: z
      .boolean()
      .optional()
      .describe(
        "Also copy the cluster's own tags onto the snapshot (reserved and excess tags are skipped). Default false.",
      ),
  })
  .strict()
  .describe('How snapshots are named and tagged.');

const WINDOW_RANGE = `expected 1 to ${MAX_WINDOW_MINUTES} minutes (7 days)`;

/** A start or completion window: whole minutes, 1 to 7 days. */
const windowMinutes = () =>
  z
    .number()
    .int('expected a whole number of minutes')
    .min(1, WINDOW_RANGE)
    .max(MAX_WINDOW_MINUTES, WINDOW_RANGE)
    .optional();

/**
 * An account id must be text: YAML reads an unquoted 012345678901 as the number 12345678901. The `never`
 * branch only routes a number (or anything else not text) to `accountMessage`, which shows the quoted id,
 * instead of the loader's generic "quote it" hint, which would quote the number without its zeros. JSON
 * Schema still says: a string of 12 digits.
 */
function accountMessage(input: unknown): string {
  if (typeof input === 'number' && Number.isInteger(input) && input >= 0 && String(input).length <= 12) {
    const quoted = String(input).padStart(12, '0');
    const zeros =
      quoted === String(input)
        ? 'unquoted, YAML reads it as a number, which drops leading zeros'
        : `unquoted, YAML read it as the number ${input} and dropped its leading zeros`;
    return `expected the account id as quoted text, account: "${quoted}" (${zeros})`;
  }
  return 'expected a 12-digit AWS account id as quoted text, such as "444455556666"';
}

export const AccountIdSchema = z
  .union(
    [z.string().regex(ACCOUNT_ID_PATTERN, 'expected a 12-digit AWS account id, digits only'), z.never()],
    {
      error: (issue) => accountMessage(issue.input),
    },
  )
  .describe(
    'The destination AWS account: 12 digits in quotes ("012345678901"; unquoted, YAML drops leading zeros). ' +
      "Absent: the service's own account (then region is required).",
  );

const KEY_ARN_TEXT = 'the ARN of a KMS key, arn:<partition>:kms:<region>:<account>:key/<key id>';
const KEY_ARN_WHY =
  "the function's role is granted kms:CreateGrant and kms:DescribeKey on key ARNs, and the key ARN says " +
  'which account and Region the key is in';

/** Says why an alias or a bare key id is not enough, and how to find the key ARN. */
function kmsKeyMessage(input: unknown): string {
  const value = typeof input === 'string' ? input : '';
  const lookup = `aws kms describe-key --key-id ${value || '<key>'} --query KeyMetadata.Arn`;
  if (/^alias\/|^arn:[^:]*:kms:[^:]*:[^:]*:alias\//.test(value)) {
    return `expected ${KEY_ARN_TEXT}, not an alias (${KEY_ARN_WHY}; an alias matches neither): give the ARN of the key it names (${lookup})`;
  }
  if (/^(mrk-)?[0-9a-f-]{32,36}$/i.test(value)) {
    return `expected ${KEY_ARN_TEXT}, not a bare key id (${KEY_ARN_WHY}): give the key's ARN (${lookup}, in the key's account and Region)`;
  }
  return `expected ${KEY_ARN_TEXT} (${KEY_ARN_WHY})`;
}

const keyArn = () =>
  z
    .string()
    .regex(KMS_KEY_ARN_PATTERN, { error: (issue) => kmsKeyMessage(issue.input) })
    .optional();

/** The first character sts:AssumeRole does not accept in an external id. */
function externalIdMessage(input: unknown): string {
  const bad = typeof input === 'string' ? [...input].find((c) => !EXTERNAL_ID_PATTERN.test(c)) : undefined;
  const found = bad === undefined ? '' : ` (${JSON.stringify(bad)} is not allowed)`;
  return `expected an external id of letters, digits and + = , . @ : / - only${found}`;
}

const EXTERNAL_ID_LENGTH = `expected an external id of ${MIN_EXTERNAL_ID_LENGTH} to ${MAX_EXTERNAL_ID_LENGTH} characters`;

export const CopySchema = z
  .object({
    region: RegionSchema.optional().describe(
      "The destination Region. Absent: each snapshot's own Region (only with account). In the service's " +
        "own account it must not be one of the policy's Regions.",
    ),
    account: AccountIdSchema.optional(),
    roleArn: z
      .string()
      .regex(ROLE_ARN_PATTERN, 'expected an IAM role ARN, arn:<partition>:iam::<account>:role/<path/name>')
      .optional()
      .describe(
        'The role the function assumes in account to copy there (arn:aws:iam::<account>:role/<name>, of that ' +
          'account). Required with account, refused without; one role per account in the file.',
      ),
    externalId: z
      .string()
      .min(MIN_EXTERNAL_ID_LENGTH, EXTERNAL_ID_LENGTH)
      .max(MAX_EXTERNAL_ID_LENGTH, EXTERNAL_ID_LENGTH)
      .regex(EXTERNAL_ID_PATTERN, { error: (issue) => externalIdMessage(issue.input) })
      .optional()
      .describe(
        "The external id the role's trust policy requires: 2-1224 letters, digits and +=,.@:/-. Required " +
          'with account, refused without; the same for every copy into that account.',
      ),
    kmsKeyId: keyArn().describe(
      'ARN of the KMS key the copy is encrypted with, of the destination account and in the destination ' +
        'Region (not an alias or a key id). Required when the source snapshots are encrypted.',
    ),
    transitKmsKeyId: keyArn().describe(
      'Another account in another Region: ARN of a key of that account in the source Region, for the ' +
        'intermediate copy made there first. Required then with kmsKeyId; refused otherwise.',
    ),
    shareKmsKeyId: keyArn().describe(
      "Another account only: ARN of a customer managed key of the service's own account in the source " +
        'Region, to re-encrypt each snapshot with before sharing it (needed when sources use the AWS ' +
        'managed key, which cannot be shared). Its key policy must let the target account use it.',
    ),
    retention: RetentionSchema.optional().describe(
      "Which copies to keep in the destination, with the rules of a policy's retention. Default: the " +
        "policy's retention (its own, else defaults.retention); none: copies are never deleted.",
    ),
  })
  .strict()
  .describe(
    'One disaster-recovery destination: another Region (region), another account (account, roleArn, ' +
      'externalId) or both. Each snapshot is copied there once available, under its own id.',
  );

const START_WINDOW_TEXT =
  'Start window, in minutes after the scheduled time: a cluster still busy at the end of the backup run ' +
  'leaves a pending job that the reconciler retries until this window closes, then the job fails. At most ' +
  `the shortest interval between the policy's runs (so a run never overlaps the previous one's retries); ` +
  `1 to ${MAX_WINDOW_MINUTES} (7 days).`;
const START_WINDOW_DEFAULT =
  `${DEFAULT_WINDOWS.startMinutes}, or the shortest interval between the policy's runs in whole minutes ` +
  'when that is shorter';
const COMPLETION_WINDOW_TEXT =
  'Completion window, in minutes after the scheduled time: a snapshot still creating when this window ' +
  'closes is recorded as failed. The reconcile schedule must run at least once within it. ' +
  `1 to ${MAX_WINDOW_MINUTES} (7 days).`;

/** Longest `description`: free text for people, not a place for documents. */
export const MAX_DESCRIPTION_LENGTH = 1024;

const ALLOW_EMPTY_TEXT =
  'A run whose selection matches no cluster (in a Region, or at all) pages a warning once per slot unless ' +
  'this is true.';

export const PolicySchema = z
  .object({
    name: PolicyNameSchema,
    description: z
      .string()
      .max(MAX_DESCRIPTION_LENGTH, `expected a description of at most ${MAX_DESCRIPTION_LENGTH} characters`)
      .optional()
      .describe(`Free text for people, at most ${MAX_DESCRIPTION_LENGTH} characters. Default empty.`),
    enabled: z
      .boolean()
      .optional()
      .describe('false keeps the policy in the file but takes no snapshots. Default true.'),
    schedule: ScheduleExpressionSchema,
    timezone: TimeZoneSchema.optional(),
    regions: RegionListSchema.optional().describe('Regions to back up in. Default: defaults.regions.'),
    clusters: ClusterSelectionSchema,
    allowEmpty: z
      .boolean()
      .optional()
      .describe(`${ALLOW_EMPTY_TEXT} Default: defaults.allowEmpty, else false.`),
    snapshot: SnapshotSchema.optional(),
    retry: RetrySchema.optional(),
    retention: RetentionSchema.optional(),
    startWindowMinutes: windowMinutes().describe(
      `${START_WINDOW_TEXT} Default: defaults.startWindowMinutes, else ${START_WINDOW_DEFAULT}.`,
    ),
    completionWindowMinutes: windowMinutes().describe(
      `${COMPLETION_WINDOW_TEXT} Default: defaults.completionWindowMinutes, else ${DEFAULT_WINDOWS.completionMinutes}.`,
    ),
    copies: z
      .array(CopySchema)
      .optional()
      .describe(
        'Disaster-recovery copies: where each snapshot is copied once it is available (another Region, ' +
          'another account, or both), each destination once. Default: none.',
      ),
  })
  .strict()
  .describe(
    'One backup policy: when (schedule), where (regions), what (clusters), how (snapshot, retry), how long ' +
      '(retention), how long its jobs are followed (startWindowMinutes, completionWindowMinutes) and where ' +
      'its snapshots are copied (copies).',
  );

export const DefaultsSchema = z
  .object({
    regions: RegionListSchema.optional().describe('Regions for policies that do not list their own.'),
    timezone: TimeZoneSchema.optional().describe(
      'Time zone of the schedules of policies that do not set their own, e.g. Europe/Berlin. Default: UTC.',
    ),
    allowEmpty: z
      .boolean()
      .optional()
      .describe(`${ALLOW_EMPTY_TEXT} For policies that do not set their own. Default false.`),
    snapshot: z
      .object({ tags: SnapshotTagsSchema.optional() })
      .strict()
      .optional()
      .describe("Snapshot settings shared by all policies; a policy's own tags win per key."),
    retry: RetrySchema.optional(),
    retention: RetentionSchema.optional().describe(
      'Retention for policies without their own retention block (the block is taken whole, not per field).',
    ),
    startWindowMinutes: windowMinutes().describe(
      `${START_WINDOW_TEXT} For policies that do not set their own. Default: ${START_WINDOW_DEFAULT}.`,
    ),
    completionWindowMinutes: windowMinutes().describe(
      `${COMPLETION_WINDOW_TEXT} For policies that do not set their own. Default ${DEFAULT_WINDOWS.completionMinutes} (24 hours).`,
    ),
  })
  .strict()
  .describe('Settings every policy inherits unless it sets its own.');

export const ReconcileSchema = z
  .object({
    schedule: ScheduleExpressionSchema.optional().describe(
      'EventBridge schedule of the reconciler, always in UTC: rate(10 minutes), rate(1 hour), or cron(...) ' +
        'as for policies. Its longest interval must not exceed the completion window of any enabled ' +
        `policy. Default ${DEFAULT_RECONCILE.schedule}.`,
    ),
    maxCopiesInFlight: z
      .number()
      .int('expected a whole number of copies')
      .min(1, `expected 1 to ${MAX_COPIES_IN_FLIGHT} copies`)
      .max(MAX_COPIES_IN_FLIGHT, `expected 1 to ${MAX_COPIES_IN_FLIGHT} copies`)
      .optional()
      .describe(
        'Copies in progress at once per destination (account and Region); the others wait their turn. ' +
          `1 to ${MAX_COPIES_IN_FLIGHT}. Default ${DEFAULT_RECONCILE.maxCopiesInFlight}.`,
      ),
  })
  .strict()
  .describe(
    'The reconciler: the function that follows each backup job until its snapshot is available (retries ' +
      'pending jobs within the start window, fails snapshots not available within the completion window) ' +
      'and starts and follows its copies.',
  );

export const PolicyFileSchema = z
  .object({
    version: z
      .literal(1, { error: 'expected version 1 (the only policy file format so far)' })
      .describe('File format version: 1.'),
    defaults: DefaultsSchema.optional(),
    quota: QuotaSchema.optional(),
    reconcile: ReconcileSchema.optional(),
    policies: z
      .array(PolicySchema)
      .min(1, 'expected at least one policy')
      .describe('The backup policies; names and snapshot prefixes are unique.'),
  })
  .strict()
  .describe('docdb-backup policy file (config/policies.yml).');

export type PolicyFile = z.infer<typeof PolicyFileSchema>;
export type PolicyInput = z.infer<typeof PolicySchema>;
export type CopyInput = z.infer<typeof CopySchema>;

// The resolved shapes live in resolved.ts (a leaf, so limits.ts and planning can use them); re-exported
// here, where the rest of the code has always imported them from.
export type {
  ClusterSelection,
  CopySettings,
  QuotaSettings,
  ReconcileSettings,
  ResolvedPolicies,
  ResolvedPolicy,
  ResolvedPolicyFile,
  RetentionRules,
  RetrySettings,
  SnapshotSettings,
  WindowSettings,
} from './resolved.js';

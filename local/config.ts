/**
 * The emulator's inputs as JSON: the fleet seed, the fault configuration and reset options.
 * One zod schema each: the TypeScript types are inferred from them, the HTTP control endpoints and
 * `serve.ts --seed file.json` validate with them. Every object is strict: an unknown key is an error.
 */
import { z } from 'zod';
import { EmulatorConfigError } from './errors.js';

const AccountIdSchema = z.string().regex(/^\d{12}$/, 'an account id is 12 digits');
const RegionSchema = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'a Region looks like us-east-1');
const IsoTimeSchema = z.iso.datetime({ offset: true });
const TagMapSchema = z.record(z.string(), z.string());
const RateSchema = z.number().min(0).max(1);
const CountSchema = z.number().int().min(0);
const PositiveSchema = z.number().int().min(1);

/** A cluster of any engine; DescribeDBClusters returns all of them unless filtered by `engine`. */
export const ClusterSeedSchema = z
  .object({
    /** Cluster identifier, stored lowercase (AWS identifier rules apply). */
    id: z.string().min(1),
    /** `docdb` (default), `aurora-postgresql`, `aurora-mysql`, `neptune`, … */
    engine: z.string().min(1).optional(),
    engineVersion: z.string().min(1).optional(),
    /** `available` (default), `stopped`, `modifying`, `inaccessible-encryption-credentials`, … */
    status: z.string().min(1).optional(),
    /** Tags as returned by ListTagsForResource on the cluster ARN. */
    tags: TagMapSchema.optional(),
    /** StorageEncrypted; false by default, as the API's default. */
    encrypted: z.boolean().optional(),
    /**
     * The key it is encrypted with: a key ARN, key id or alias of a seeded `kmsKeys` key (stored as its ARN),
     * or any ARN. Encrypted without one: the AWS managed `alias/aws/rds` key of its account and Region.
     */
    kmsKeyId: z.string().min(1).optional(),
    /** ClusterCreateTime; the emulator's current time by default. */
    createdAt: IsoTimeSchema.optional(),
    /**
     * How long a new manual snapshot of this cluster stays `creating` (emulator milliseconds); the
     * emulator's `snapshotAvailableAfterMs` by default. A cluster fault's own value wins over it.
     */
    snapshotAvailableAfterMs: CountSchema.optional(),
  })
  .strict();

/**
 * An existing cluster snapshot. `manual` ids follow the identifier rules; `automated` ones are named
 * `rds:<cluster>-YYYY-MM-DD-HH-MM` and `awsbackup` ones `awsbackup:job-…` (made up from `createdAt`
 * when `id` is left out). Only `manual` snapshots count against the Region's quota.
 */
export const SnapshotSeedSchema = z
  .object({
    id: z.string().min(1).optional(),
    clusterId: z.string().min(1),
    type: z.enum(['manual', 'automated', 'awsbackup']).optional(),
    /** A fixed status (`available` by default); a seeded `creating` snapshot stays `creating`. */
    status: z.string().min(1).optional(),
    createdAt: IsoTimeSchema.optional(),
    tags: TagMapSchema.optional(),
    /** Defaults to the cluster's engine, or `docdb` when the cluster is not seeded. */
    engine: z.string().min(1).optional(),
    encrypted: z.boolean().optional(),
    /** Its key when encrypted (as a cluster's `kmsKeyId`); the cluster's key by default. */
    kmsKeyId: z.string().min(1).optional(),
    /** Its `restore` attribute: accounts (or `all`) it is shared with, as ModifyDBClusterSnapshotAttribute sets. */
    sharedWith: z
      .array(z.union([AccountIdSchema, z.literal('all')]))
      .max(20)
      .optional(),
  })
  .strict();

/**
 * A KMS key of the account in this Region. `manager` is `CUSTOMER` (default) or `AWS`; the AWS managed
 * `alias/aws/rds` key exists without seeding. `arn` defaults to `arn:aws:kms:<region>:<account>:key/<id>`.
 * Example: `{ "id": "1234abcd-12ab-34cd-56ef-1234567890ab", "alias": "alias/dr" }`
 */
export const KmsKeySeedSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9-]{1,128}$/, 'a key id is letters, digits and hyphens'),
    arn: z.string().startsWith('arn:aws:kms:').optional(),
    manager: z.enum(['CUSTOMER', 'AWS']).optional(),
    alias: z
      .string()
      .regex(/^alias\/[A-Za-z0-9/_-]{1,250}$/, 'an alias looks like alias/dr-copies')
      .optional(),
    /** A disabled key: DescribeKey shows KeyState Disabled and copies refuse it. */
    enabled: z.boolean().optional(),
  })
  .strict();

/**
 * An IAM role STS AssumeRole may assume, by role name: its trust policy lets in principals of `accounts`
 * (its own account when left out) that give `externalId` when it names one.
 * Example: `{ "docdb-backup-copier": { "trust": { "accounts": ["111122223333"], "externalId": "x-7f3a" } } }`
 */
export const RoleSeedSchema = z
  .object({
    trust: z
      .object({
        accounts: z.array(AccountIdSchema).optional(),
        externalId: z.string().min(2).max(1224).optional(),
      })
      .strict()
      .optional(),
    /** MaxSessionDuration in seconds (3600 by default, as IAM's). */
    maxSessionDuration: z.number().int().min(3600).max(43_200).optional(),
  })
  .strict();

export const RegionSeedSchema = z
  .object({
    /** Manual cluster snapshot quota of the account in this Region (default: the emulator's). */
    quota: CountSchema.optional(),
    clusters: z.array(ClusterSeedSchema).optional(),
    snapshots: z.array(SnapshotSeedSchema).optional(),
    /** Customer managed KMS keys of the account in this Region. */
    kmsKeys: z.array(KmsKeySeedSchema).optional(),
  })
  .strict();

/** An SNS topic or EventBridge bus: `{ "region": "us-east-1", "name": "backup-alerts" }`. */
export const RegionalNameSchema = z.object({ region: RegionSchema, name: z.string().min(1) }).strict();

export const AccountSeedSchema = z
  .object({
    regions: z.record(RegionSchema, RegionSeedSchema).optional(),
    topics: z.array(RegionalNameSchema).optional(),
    /** Custom event buses; `default` exists in every Region without seeding. */
    eventBuses: z.array(RegionalNameSchema).optional(),
    /** IAM roles of the account, by name, for STS AssumeRole. */
    roles: z
      .record(z.string().regex(/^[\w+=,.@-]{1,64}$/, 'a role name is 1-64 of [\\w+=,.@-]'), RoleSeedSchema)
      .optional(),
  })
  .strict();

/**
 * What `seed()`, `POST /_emulator/seed` and `serve.ts --seed` accept. Seeding adds to the current
 * state (a cluster or snapshot with an existing id is replaced). The top-level `regions`, `topics`
 * and `eventBuses` belong to the default account; `accounts` holds other accounts; `accessKeys`
 * maps access key ids to accounts (any other key uses the default account). Regions take `kmsKeys` and
 * accounts `roles` for disaster-recovery copies (README: "Disaster-recovery copies"). Example:
 *
 * ```json
 * {
 *   "regions": {
 *     "us-east-1": {
 *       "quota": 100,
 *       "clusters": [{ "id": "orders", "tags": { "backup": "nightly" } },
 *                    { "id": "billing-pg", "engine": "aurora-postgresql" }],
 *       "snapshots": [{ "clusterId": "orders", "type": "automated", "createdAt": "2026-11-27T03:00:00Z" }]
 *     }
 *   },
 *   "topics": [{ "region": "us-east-1", "name": "backup-alerts" }],
 *   "accessKeys": { "AKIDOTHER": "210987654321" },
 *   "accounts": { "210987654321": { "regions": { "eu-west-1": { "clusters": [{ "id": "audit" }] } } } }
 * }
 * ```
 */
export const FleetSeedSchema = AccountSeedSchema.extend({
  accessKeys: z.record(z.string().min(1), AccountIdSchema).optional(),
  accounts: z.record(AccountIdSchema, AccountSeedSchema).optional(),
}).strict();

/**
 * Faults for API calls. Each kind has a random mode (`…Rate`, 0–1, drawn from the seeded PRNG) and
 * deterministic modes: `…First: n` hits the first n calls, `…Every: k` hits every k-th call (k, 2k, …).
 * Calls are counted from the moment the faults were set, per scope (all calls, or one action's).
 */
export const CallFaultsSchema = z
  .object({
    /** Added before every call is answered, DynamoDB included. */
    latencyMs: z.number().int().min(0).max(60_000).optional(),
    /** Answered `Throttling` (Query) / `ThrottlingException` (JSON), HTTP 400, "Rate exceeded". */
    throttleRate: RateSchema.optional(),
    throttleFirst: CountSchema.optional(),
    throttleEvery: PositiveSchema.optional(),
    /** Answered `InternalFailure` (500) or `ServiceUnavailable` (503). */
    serverErrorRate: RateSchema.optional(),
    serverErrorFirst: CountSchema.optional(),
    serverErrorEvery: PositiveSchema.optional(),
    serverErrorStatus: z.union([z.literal(500), z.literal(503)]).optional(),
  })
  .strict();

/**
 * How the snapshots of a cluster end once their creation time is over: `available` (as usual),
 * `failed` (DescribeDBClusterSnapshots shows Status `failed`; the snapshot stays, counts against the
 * manual snapshot quota, and DeleteDBClusterSnapshot refuses it, as the API reference only deletes
 * `available` snapshots), or `vanished` (gone, as if someone else deleted it: describing it by id answers
 * DBClusterSnapshotNotFoundFault).
 */
export const SnapshotOutcomeSchema = z.enum(['available', 'failed', 'vanished']);

/**
 * A cluster that is busy, stuck or whose snapshots go wrong; keyed by cluster id, optionally limited to
 * one account/Region. While busy (attempts left, or before the busy time is over), DescribeDBClusters
 * shows `busyStatus` and CreateDBClusterSnapshot fails with InvalidDBClusterStateFault; afterwards the
 * cluster shows `status`, or its own status (`available`). Times are the emulator's clock, which
 * `advanceClock` moves. Snapshot settings apply to the snapshots created while the fault is set.
 */
export const ClusterFaultSchema = z
  .object({
    /** The next N CreateDBClusterSnapshot calls for the cluster fail; the cluster is busy until then. */
    busyForAttempts: CountSchema.optional(),
    /** Busy for this long from when the faults are set (emulator milliseconds). */
    busyForMs: CountSchema.optional(),
    /** Busy until this emulator time (ISO 8601). */
    busyUntil: IsoTimeSchema.optional(),
    /** The status shown while busy: `backing-up` by default, or `modifying`, `maintenance`, … */
    busyStatus: z.string().min(1).optional(),
    /** A permanent status such as `stopped`: shown by DescribeDBClusters, refused by snapshots. */
    status: z.string().min(1).optional(),
    /** How long each new snapshot of the cluster stays `creating` (emulator milliseconds). */
    snapshotAvailableAfterMs: CountSchema.optional(),
    /** How each new snapshot of the cluster ends once its creation time is over (`available`). */
    snapshotOutcome: SnapshotOutcomeSchema.optional(),
    /** How long each new copy of a snapshot of this cluster stays `copying` (emulator milliseconds). */
    copyAvailableAfterMs: CountSchema.optional(),
    /** How each new copy of a snapshot of this cluster ends: `available` (default) or `failed`. */
    copyOutcome: z.enum(['available', 'failed']).optional(),
    region: RegionSchema.optional(),
    accountId: AccountIdSchema.optional(),
  })
  .strict()
  .refine((fault) => fault.busyForMs === undefined || fault.busyUntil === undefined, {
    message: 'give busyForMs or busyUntil, not both',
    path: ['busyUntil'],
  });

/** Failed PutEvents entries (`ErrorCode: InternalFailure`), per call. */
export const PutEventsFailuresSchema = z
  .object({
    /** Each entry fails with this probability. */
    rate: RateSchema.optional(),
    /** The first `count` entries of each call fail. */
    count: CountSchema.optional(),
    /** Only the first `forCalls` PutEvents calls after the faults were set are affected. */
    forCalls: PositiveSchema.optional(),
  })
  .strict();

/**
 * A token bucket, as AWS throttles request rates (see throttle.ts): it holds up to `burst` tokens, starts
 * full, refills at `rate` tokens per second; each call takes one, a call finding none is throttled.
 */
export const TokenBucketSchema = z
  .object({
    /** Tokens added per second: the sustained calls per second the bucket grants. */
    rate: z.number().positive().max(1_000_000),
    /** The bucket's size: calls granted at once after a quiet spell. */
    burst: z.number().int().min(1).max(1_000_000),
  })
  .strict();

/**
 * What `setFaults()` and `POST /_emulator/faults` accept; it replaces the previous configuration.
 * Top-level call faults apply to every API call; `actions` (keys `rds:CreateDBClusterSnapshot`,
 * `sns:Publish`, `events:PutEvents`, `dynamodb:PutItem`, …) take precedence per fault kind. `throttle`
 * adds token buckets per account, Region and key: an action's own key, or `rds:*` (`sns:*`, …) for one
 * bucket shared by every other action of that service; it applies before the other call faults. Example:
 * `{ "seed": 7, "throttleRate": 0.1, "actions": { "rds:CreateDBClusterSnapshot": { "throttleEvery": 3 } },
 *    "clusters": { "orders": { "busyForAttempts": 2 }, "billing": { "busyForMs": 1800000, "busyStatus": "modifying" },
 *                  "audit": { "snapshotAvailableAfterMs": 600000, "snapshotOutcome": "failed" } },
 *    "putEventsFailEntries": { "count": 1 },
 *    "throttle": { "rds:CreateDBClusterSnapshot": { "rate": 5, "burst": 5 }, "rds:*": { "rate": 10, "burst": 10 } } }`
 */
export const FaultConfigSchema = CallFaultsSchema.extend({
  /** PRNG seed for every `…Rate` (default 1): the same seed gives the same faults. */
  seed: z.number().int().optional(),
  actions: z
    .record(
      z
        .string()
        .regex(/^(rds|sns|events|dynamodb|sts|kms):[A-Za-z]+$/, 'keys look like rds:DescribeDBClusters'),
      CallFaultsSchema,
    )
    .optional(),
  throttle: z
    .record(
      z
        .string()
        .regex(
          /^(rds|sns|events|dynamodb|sts|kms):([A-Za-z]+|\*)$/,
          'keys look like rds:CreateDBClusterSnapshot, or rds:* for every other rds action',
        ),
      TokenBucketSchema,
    )
    .optional(),
  clusters: z.record(z.string().min(1), ClusterFaultSchema).optional(),
  putEventsFailEntries: PutEventsFailuresSchema.optional(),
}).strict();

/**
 * What `POST /_emulator/delete-snapshot` accepts: a snapshot to remove at once, whatever its state, as if
 * someone else had deleted it. `accountId` is the default account when left out. Example:
 * `{ "region": "us-east-1", "id": "nightly-orders-2026-11-27" }`
 */
export const DeleteSnapshotRequestSchema = z
  .object({
    accountId: AccountIdSchema.optional(),
    region: RegionSchema,
    id: z.string().min(1),
  })
  .strict();

/** Settings a `reset()` may change for the next test; the rest return to the start options. */
export const ResetOptionsSchema = z
  .object({
    snapshotAvailableAfterMs: CountSchema.optional(),
    clusterAvailableAfterMs: CountSchema.optional(),
    defaultQuota: CountSchema.optional(),
    copyAvailableAfterMs: CountSchema.optional(),
    maxConcurrentCopies: PositiveSchema.optional(),
  })
  .strict();

export type ClusterSeed = z.infer<typeof ClusterSeedSchema>;
export type SnapshotSeed = z.infer<typeof SnapshotSeedSchema>;
export type KmsKeySeed = z.infer<typeof KmsKeySeedSchema>;
export type RoleSeed = z.infer<typeof RoleSeedSchema>;
export type RegionSeed = z.infer<typeof RegionSeedSchema>;
export type AccountSeed = z.infer<typeof AccountSeedSchema>;
export type FleetSeed = z.infer<typeof FleetSeedSchema>;
export type CallFaults = z.infer<typeof CallFaultsSchema>;
export type ClusterFault = z.infer<typeof ClusterFaultSchema>;
export type SnapshotOutcome = z.infer<typeof SnapshotOutcomeSchema>;
export type DeleteSnapshotRequest = z.infer<typeof DeleteSnapshotRequestSchema>;
export type PutEventsFailures = z.infer<typeof PutEventsFailuresSchema>;
export type TokenBucketSettings = z.infer<typeof TokenBucketSchema>;
export type FaultConfig = z.infer<typeof FaultConfigSchema>;
export type ResetOptions = z.infer<typeof ResetOptionsSchema>;

/**
 * Validates `value` against `schema`, or throws an EmulatorConfigError naming `what` and the key paths.
 * Example: `parseConfig(FaultConfigSchema, JSON.parse(body), 'faults')`
 */
export function parseConfig<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new EmulatorConfigError(`invalid ${what}:\n${z.prettifyError(result.error)}`, {
      cause: result.error,
    });
  }
  return result.data;
}

/**
 * Disaster-recovery copies (`copies[]` of a policy) as code running in the functions reads them: where a
 * source snapshot's copies go, the role used in each target account, and the ARN shapes the policy file
 * is checked against. Plain values and type imports only (no zod, no YAML): the functions may import it.
 * The file rules themselves (every account, Region and key agreeing with its destination) are in
 * copy-rules.ts, run by `validate`.
 */
import type { CopySettings, ResolvedPolicy } from './resolved.js';

/** An AWS account id: exactly 12 digits, written as text (a YAML number would lose leading zeros). */
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;

/** IAM role ARN: `arn:<partition>:iam::<account>:role/<path/><name>`. */
export const ROLE_ARN_PATTERN =
  /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/((?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64})$/;

/** KMS key ARN: `arn:<partition>:kms:<region>:<account>:key/<key id>` (a UUID, or `mrk-` and 32 hex digits). */
export const KMS_KEY_ARN_PATTERN =
  /^arn:(aws|aws-cn|aws-us-gov):kms:([a-z]{2}(?:-[a-z]+)+-\d+):(\d{12}):key\/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** What sts:AssumeRole accepts as an external id: 2 to 1224 characters of these. */
export const EXTERNAL_ID_PATTERN = /^[\w+=,.@:/-]+$/;
export const MIN_EXTERNAL_ID_LENGTH = 2;
export const MAX_EXTERNAL_ID_LENGTH = 1224;

/** Most copies in flight per destination `reconcile.maxCopiesInFlight` may allow. */
export const MAX_COPIES_IN_FLIGHT = 20;

/** The AWS partitions of the Regions a policy may name (regions.ts). */
export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov';

/**
 * The partition of a Region: nothing is copied, shared or assumed across partitions.
 * Example: `partitionOf('cn-north-1')` → `'aws-cn'`; `partitionOf('eu-west-1')` → `'aws'`
 */
export function partitionOf(region: string): Partition {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** The parts of a KMS key ARN. */
export interface KeyArn {
  partition: Partition;
  region: string;
  account: string;
  keyId: string;
}

/**
 * A KMS key ARN's parts, or `undefined` for anything else (an alias, a bare key id).
 * Example: `parseKeyArn('arn:aws:kms:us-west-2:111122223333:key/mrk-…')?.region` → `'us-west-2'`
 */
export function parseKeyArn(arn: string): KeyArn | undefined {
  const match = KMS_KEY_ARN_PATTERN.exec(arn);
  if (!match) return undefined;
  const [, partition, region, account, keyId] = match as unknown as [
    string,
    Partition,
    string,
    string,
    string,
  ];
  return { partition, region, account, keyId };
}

/** The parts of an IAM role ARN. */
export interface RoleArn {
  partition: Partition;
  account: string;
  /** The role's path and name, e.g. `dr/docdb-backup-copier`. */
  name: string;
}

/**
 * An IAM role ARN's parts, or `undefined` for anything else.
 * Example: `parseRoleArn('arn:aws:iam::444455556666:role/docdb-backup-copier')?.account` → `'444455556666'`
 */
export function parseRoleArn(arn: string): RoleArn | undefined {
  const match = ROLE_ARN_PATTERN.exec(arn);
  if (!match) return undefined;
  const [, partition, account, name] = match as unknown as [string, Partition, string, string];
  return { partition, account, name };
}

/** How the function reaches another account: the role it assumes there and the external id its trust requires. */
export interface CopyAccess {
  roleArn: string;
  externalId: string;
}

/**
 * The role of every account the policies copy into, by account id (validation guarantees one role and
 * one external id per account across the file). Disabled policies count too: filter first to leave them
 * out. The service's own account never appears.
 * Example: `copyAccess(policies).get('444455556666')` →
 * `{ roleArn: 'arn:aws:iam::444455556666:role/docdb-backup-copier', externalId: 'docdb-backup-7f3a9c' }`
 */
export function copyAccess(policies: readonly Pick<ResolvedPolicy, 'copies'>[]): Map<string, CopyAccess> {
  const access = new Map<string, CopyAccess>();
  for (const policy of policies) {
    for (const copy of policy.copies) {
      if (copy.account === undefined || access.has(copy.account)) continue;
      if (copy.roleArn === undefined || copy.externalId === undefined) continue;
      access.set(copy.account, { roleArn: copy.roleArn, externalId: copy.externalId });
    }
  }
  return access;
}

/**
 * How a copy gets to its destination (the reconciler's routes): `region`, the own account in another
 * Region (one cross-Region copy); `account`, another account in the source's Region (share, copy there);
 * `account-region`, another account in another Region (share, copy there, copy on to the Region).
 */
export type CopyRoute = 'region' | 'account' | 'account-region';

/** Where one copy of a snapshot taken in a given source Region lands. */
export interface CopyDestination {
  /** The destination Region: the copy's `region`, else the source Region. */
  region: string;
  /** The destination account; absent: the service's own account. */
  account?: string;
  route: CopyRoute;
  /** The copy's settings (keys, role, retention) as resolved. */
  copy: CopySettings;
}

/**
 * The destinations of a policy's snapshots taken in `sourceRegion`, in the order of `copies`. A copy
 * that would land on its own source (no account, `region` = `sourceRegion`: refused by validation) is
 * left out.
 * Example: `copyDestinations(policy, 'us-east-1')` →
 * `[{ region: 'us-west-2', route: 'region', copy }, { region: 'us-east-1', account: '444455556666', route: 'account', copy }]`
 */
export function copyDestinations(
  policy: Pick<ResolvedPolicy, 'copies'>,
  sourceRegion: string,
): CopyDestination[] {
  const destinations: CopyDestination[] = [];
  for (const copy of policy.copies) {
    const region = copy.region ?? sourceRegion;
    if (copy.account === undefined) {
      if (region !== sourceRegion) destinations.push({ region, route: 'region', copy });
      continue;
    }
    const route: CopyRoute = region === sourceRegion ? 'account' : 'account-region';
    destinations.push({ region, account: copy.account, route, copy });
  }
  return destinations;
}

/**
 * One text per destination account and Region, for counting copies in flight per destination
 * (`reconcile.maxCopiesInFlight`); the service's own account is `self`.
 * Example: `destinationKey({ region: 'eu-west-1', account: '444455556666' })` → `'444455556666/eu-west-1'`
 */
export function destinationKey(destination: Pick<CopyDestination, 'region' | 'account'>): string {
  return `${destination.account ?? 'self'}/${destination.region}`;
}

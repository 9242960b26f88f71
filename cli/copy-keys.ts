/**
 * `plan`'s check of a policy's disaster-recovery copies against the clusters it selects now: only AWS
 * knows whether a cluster is encrypted and with which key, so `validate` cannot tell. An encrypted
 * cluster's copy needs `kmsKeyId` (a key of the destination), one to another account's other Region also
 * `transitKmsKeyId` (that account's key in the source Region, for the first hop), and one to another
 * account from a cluster encrypted with the AWS managed key (`aws/rds`) `shareKmsKeyId`: AWS refuses to
 * share such a snapshot. Each problem names the cluster, the destination and the setting to fix.
 * `copyKeyProblems` judges (pure); `checkCopyKeys` reads the clusters' encryption and the keys' managers.
 */

import type { KeyLookup } from '../shared/aws/kms.js';
import { describeLocation, inOwnAccount, type Location, locationKey } from '../shared/backup/location.js';
import { inPool } from '../shared/backup/pool.js';
import type { AnyEngineCluster, ClusterInventory } from '../shared/backup/ports.js';
import { destinationOf } from '../shared/planning/copies.js';
import type { CopySettings, ResolvedPolicy } from '../shared/policy/resolved.js';
import type { PlannedCluster } from './inspect.js';
import { counted } from './output.js';
import type { Style } from './style.js';
import { renderTable } from './table.js';

/** One copy of one selected cluster that cannot be made as the policy stands. */
export interface CopyKeyProblem {
  region: string;
  clusterId: string;
  /** `account` is null for the service's own account. */
  destination: { region: string; account: string | null };
  /** The setting to fix, as validate names keys: `copies[1].shareKmsKeyId`. */
  field: string;
  message: string;
}

/** A selected cluster's encryption, as DescribeDBClusters gives it. */
export interface ClusterEncryption {
  region: string;
  clusterId: string;
  encrypted: boolean;
  /** The cluster's KMS key ARN, when encrypted. */
  kmsKeyId?: string;
}

/** Who manages a key (`AWS`, `CUSTOMER`), or why that could not be read. */
export type KeyManagerAnswer = { manager: string } | { error: string };

/** The copies whose source must be shared: those to another account, without a share key. */
function sharedAsIs(copy: CopySettings): boolean {
  return copy.account !== undefined && copy.shareKmsKeyId === undefined;
}

/**
 * The keys whose manager the problems depend on: those of encrypted clusters copied to another account
 * without `shareKmsKeyId`.
 * Example: `keysToDescribe(policy.copies, clusters)` → `['arn:aws:kms:us-east-1:111122223333:key/…']`
 */
export function keysToDescribe(
  copies: readonly CopySettings[],
  clusters: readonly ClusterEncryption[],
): string[] {
  if (!copies.some(sharedAsIs)) return [];
  const keys = clusters.filter((c) => c.encrypted && c.kmsKeyId).map((c) => c.kmsKeyId as string);
  return [...new Set(keys)];
}

/** The problems of one encrypted cluster's copy (the copy's index in the policy's `copies`). */
function problemsOf(
  cluster: ClusterEncryption,
  copy: CopySettings,
  index: number,
  managers: ReadonlyMap<string, KeyManagerAnswer>,
): { field: string; message: string }[] {
  const destination = destinationOf(copy, cluster.region);
  if (!destination || !cluster.encrypted) return [];
  const at = `copies[${index}]`;
  const where = describeLocation(destination);
  const found: { field: string; message: string }[] = [];
  if (!copy.kmsKeyId)
    found.push({
      field: `${at}.kmsKeyId`,
      message: `${cluster.clusterId} is encrypted: its copy to ${where} needs ${at}.kmsKeyId, a KMS key of ${where} the copy is encrypted with (AWS refuses an encrypted copy to another Region or account without one)`,
    });
  if (copy.account !== undefined && destination.region !== cluster.region && !copy.transitKmsKeyId)
    found.push({
      field: `${at}.transitKmsKeyId`,
      message: `${cluster.clusterId} is encrypted: its copy to ${where} first lands in ${cluster.region} of account ${copy.account} and needs ${at}.transitKmsKeyId, a KMS key of that account in ${cluster.region}`,
    });
  const answer = sharedAsIs(copy) && cluster.kmsKeyId ? managers.get(cluster.kmsKeyId) : undefined;
  const share = `${at}.shareKmsKeyId`;
  if (answer && 'error' in answer)
    found.push({
      field: share,
      message: `could not read who manages the key of ${cluster.clusterId} (${cluster.kmsKeyId}) to tell whether its copy to ${where} can be shared: ${answer.error}`,
    });
  else if (answer?.manager === 'AWS')
    found.push({
      field: share,
      message: `${cluster.clusterId} is encrypted with the AWS managed key (aws/rds), whose snapshots AWS refuses to share: its copy to ${where} cannot be made. Set ${share} to a customer managed key of this account in ${cluster.region} that account ${copy.account} may use (the snapshot is re-encrypted with it before it is shared)`,
    });
  return found;
}

/**
 * Every copy of every encrypted cluster that cannot be made as the policy stands, by cluster then copy.
 * Example: `copyKeyProblems(policy.copies, [{ region: 'us-east-1', clusterId: 'orders', encrypted: true, kmsKeyId }], new Map([[kmsKeyId, { manager: 'AWS' }]]))`
 *   → `[{ clusterId: 'orders', field: 'copies[0].shareKmsKeyId', … }]`
 */
export function copyKeyProblems(
  copies: readonly CopySettings[],
  clusters: readonly ClusterEncryption[],
  managers: ReadonlyMap<string, KeyManagerAnswer>,
): CopyKeyProblem[] {
  return clusters.flatMap((cluster) =>
    copies.flatMap((copy, index) => {
      const destination = destinationOf(copy, cluster.region);
      if (!destination) return [];
      return problemsOf(cluster, copy, index, managers).map((problem) => ({
        region: cluster.region,
        clusterId: cluster.clusterId,
        destination: { region: destination.region, account: destination.account ?? null },
        ...problem,
      }));
    }),
  );
}

/** What `checkCopyKeys` reads through. */
export interface CopyKeyContext {
  /** Best `listedOnce`: the plan's own listing of each Region then serves the check too. */
  docdb: ClusterInventory;
  kms: KeyLookup;
  /** A read failure in one line, for the problem that could not be checked. */
  describe(error: unknown): string;
}

/**
 * The same port, but each location's DescribeDBClusters listing (`listClustersOfAnyEngine`) made once and
 * shared by every caller: the plan of each policy and the check of its copies. The other methods are the
 * port's own (the result inherits from it).
 * Example: `const docdb = listedOnce(ctx.aws().docdb); await inspectPolicy({ docdb, … }, …)`
 */
export function listedOnce<T extends ClusterInventory>(docdb: T): T {
  const listings = new Map<string, Promise<AnyEngineCluster[]>>();
  const shared: T = Object.create(docdb);
  shared.listClustersOfAnyEngine = (at: Location, signal?: AbortSignal) => {
    let listed = listings.get(locationKey(at));
    if (!listed) {
      listed = docdb.listClustersOfAnyEngine(at, signal);
      listings.set(locationKey(at), listed);
    }
    return listed;
  };
  return shared;
}

/** Each key's manager (DescribeKey once per key), or why it could not be read. */
async function keyManagers(
  ctx: CopyKeyContext,
  keys: readonly string[],
  regionOf: ReadonlyMap<string, string>,
): Promise<Map<string, KeyManagerAnswer>> {
  const answers = await inPool(keys, 4, async (key): Promise<[string, KeyManagerAnswer]> => {
    try {
      return [key, { manager: (await ctx.kms.describeKey(key, regionOf.get(key) ?? '')).manager }];
    } catch (error) {
      return [key, { error: ctx.describe(error) }];
    }
  });
  return new Map(answers);
}

/**
 * The copy problems of a policy's plan: the encryption of the clusters the next run would snapshot (the
 * plan's `snapshot` lines and selected clusters it would fail), read from DescribeDBClusters (the plan's
 * own listing when `ctx.docdb` is `listedOnce`); for those
 * copied to another account without `shareKmsKeyId`, their key's manager from KMS. [] without copies.
 * A Region whose clusters cannot be listed is already a `fail` line of the plan: it is left out here.
 * Example: `await checkCopyKeys(ctx, policy, plannedClusters)`
 */
export async function checkCopyKeys(
  ctx: CopyKeyContext,
  policy: ResolvedPolicy,
  planned: readonly PlannedCluster[],
): Promise<CopyKeyProblem[]> {
  if (policy.copies.length === 0) return [];
  const selected = planned.filter((r) => r.snapshotId !== null && r.region !== '*' && r.clusterId !== '*');
  const clusters: ClusterEncryption[] = [];
  for (const region of [...new Set(selected.map((r) => r.region))]) {
    const listed = await ctx.docdb.listClustersOfAnyEngine(inOwnAccount(region)).catch(() => []);
    for (const row of selected.filter((r) => r.region === region)) {
      const found = listed.find((c) => c.id === row.clusterId);
      if (!found) continue;
      clusters.push({
        region,
        clusterId: row.clusterId,
        encrypted: found.encrypted === true,
        kmsKeyId: found.kmsKeyId,
      });
    }
  }
  const regionOf = new Map(clusters.flatMap((c) => (c.kmsKeyId ? [[c.kmsKeyId, c.region] as const] : [])));
  const managers = await keyManagers(ctx, keysToDescribe(policy.copies, clusters), regionOf);
  return copyKeyProblems(policy.copies, clusters, managers);
}

/**
 * Where a policy's copies go, for its plan: each destination once (another account's Region per source
 * Region when the copy names none).
 * Example: `copyDestinations(policy)` → `['us-west-2', '444455556666/us-east-1']`
 */
export function copyDestinations(policy: Pick<ResolvedPolicy, 'copies' | 'regions'>): string[] {
  const keys = policy.regions.flatMap((region) =>
    policy.copies.flatMap((copy) => {
      const at = destinationOf(copy, region);
      return at ? [locationKey(at)] : [];
    }),
  );
  return [...new Set(keys)];
}

/**
 * A policy's copies in its plan: where they go, and (when AWS was read) either that the selected
 * clusters' keys fit or one line per problem, its message naming the setting to fix.
 * Example: `copyPlanLines(['us-west-2'], [], style)` → `['  copies  to us-west-2: the keys fit every selected cluster']`
 */
export function copyPlanLines(
  destinations: readonly string[],
  problems: readonly CopyKeyProblem[] | null,
  style: Style,
): string[] {
  if (destinations.length === 0) return [];
  const head = `  copies  to ${destinations.join(', ')}`;
  if (problems === null) return [head];
  if (problems.length === 0) return [`${head}: the keys fit every selected cluster`];
  const table = renderTable(
    [{ header: 'REGION' }, { header: 'CLUSTER' }, { header: 'DESTINATION' }, { header: 'PROBLEM' }],
    problems.map((p) => [
      p.region,
      p.clusterId,
      locationKey({ region: p.destination.region, account: p.destination.account ?? undefined }),
      `${style.red('error')}: ${p.message}`,
    ]),
    { indent: '    ', style },
  );
  return [`${head}: ${style.red(counted(problems.length, 'problem'))}`, ...table];
}

/** Applying a FleetSeed: checked whole first, then added to the state, so a bad seed changes nothing. */
import { parseArn, topicArn } from './aws-ids.js';
import {
  type AccountSeed,
  type FleetSeed,
  FleetSeedSchema,
  type KmsKeySeed,
  parseConfig,
  type RoleSeed,
} from './config.js';
import { automatedSnapshotId, awsBackupSnapshotId, buildCluster, buildSnapshot } from './docdb/records.js';
import { checkTags, isValidIdentifier } from './docdb/rules.js';
import { AwsApiError, EmulatorConfigError } from './errors.js';
import { findKey } from './kms.js';
import type { KmsKeyRecord, RoleRecord, World } from './world.js';

/**
 * Validates `input` as a FleetSeed and adds it to `world`. Throws EmulatorConfigError naming the path.
 * Example: `applySeed(world, { regions: { 'us-east-1': { clusters: [{ id: 'orders' }] } } })`
 */
export function applySeed(world: World, input: unknown): void {
  const seed: FleetSeed = parseConfig(FleetSeedSchema, input, 'seed');
  const steps: Array<() => void> = [];
  planAccount(world, world.settings.accountId, seed, 'seed', steps);
  for (const [accountId, account] of Object.entries(seed.accounts ?? {})) {
    planAccount(world, accountId, account, `seed.accounts.${accountId}`, steps);
  }
  for (const [accessKeyId, accountId] of Object.entries(seed.accessKeys ?? {})) {
    steps.push(() => world.accessKeys.set(accessKeyId, accountId));
  }
  for (const step of steps) step();
}

function planAccount(
  world: World,
  accountId: string,
  seed: AccountSeed,
  path: string,
  steps: Array<() => void>,
): void {
  for (const [region, regionSeed] of Object.entries(seed.regions ?? {})) {
    const at = `${path}.regions.${region}`;
    const store = () => world.store(accountId, region);
    if (regionSeed.quota !== undefined) {
      const quota = regionSeed.quota;
      steps.push(() => {
        store().quota = quota;
      });
    }
    (regionSeed.kmsKeys ?? []).forEach((key, index) => {
      const record = kmsKeyRecord(key, accountId, region, `${at}.kmsKeys[${index}]`, world.now());
      steps.push(() => store().kmsKeys.set(record.id, record));
    });
    /** A seeded key's id or alias as its ARN (a cluster's or snapshot's KmsKeyId); other values as given. */
    const keyArn = (keyId: string | undefined) =>
      keyId === undefined ? undefined : (findKey(world, keyId, accountId, region)?.arn ?? keyId);
    (regionSeed.clusters ?? []).forEach((cluster, index) => {
      const where = `${at}.clusters[${index}]`;
      if (!isValidIdentifier(cluster.id))
        fail(`${where}.id`, `${JSON.stringify(cluster.id)} is not a valid cluster identifier`);
      checkSeedTags(cluster.tags, `${where}.tags`);
      steps.push(() => {
        const record = buildCluster(store(), {
          id: cluster.id.toLowerCase(),
          engine: cluster.engine ?? 'docdb',
          engineVersion: cluster.engineVersion,
          status: cluster.status ?? 'available',
          createdAtMs: cluster.createdAt ? Date.parse(cluster.createdAt) : world.now(),
          encrypted: cluster.encrypted ?? false,
          kmsKeyId: keyArn(cluster.kmsKeyId),
          tags: Object.entries(cluster.tags ?? {}),
          snapshotAvailableAfterMs: cluster.snapshotAvailableAfterMs,
        });
        store().clusters.set(record.id, record);
      });
    });
    (regionSeed.snapshots ?? []).forEach((snapshot, index) => {
      const where = `${at}.snapshots[${index}]`;
      const type = snapshot.type ?? 'manual';
      const clusterId = snapshot.clusterId.toLowerCase();
      const createdAtMs = snapshot.createdAt ? Date.parse(snapshot.createdAt) : undefined;
      checkSnapshotId(snapshot.id, type, `${where}.id`);
      checkSeedTags(snapshot.tags, `${where}.tags`);
      steps.push(() => {
        const created = createdAtMs ?? world.now();
        const id =
          snapshot.id?.toLowerCase() ??
          (type === 'automated'
            ? automatedSnapshotId(clusterId, created)
            : awsBackupSnapshotId(clusterId, created));
        const record = buildSnapshot(store(), {
          id,
          clusterId,
          type,
          status: snapshot.status ?? 'available',
          createdAtMs: created,
          tags: Object.entries(snapshot.tags ?? {}),
          cluster: store().clusters.get(clusterId),
          engine: snapshot.engine,
          encrypted: snapshot.encrypted ?? (snapshot.kmsKeyId === undefined ? undefined : true),
          kmsKeyId: keyArn(snapshot.kmsKeyId),
          sharedWith: snapshot.sharedWith ?? [],
        });
        store().putSnapshot(record);
      });
    });
  }
  for (const topic of seed.topics ?? []) {
    steps.push(() => {
      world.store(accountId, topic.region).topics.set(topic.name, {
        name: topic.name,
        arn: topicArn(topic.region, accountId, topic.name),
      });
    });
  }
  for (const bus of seed.eventBuses ?? []) {
    steps.push(() => world.store(accountId, bus.region).eventBuses.add(bus.name));
  }
  for (const [name, role] of Object.entries(seed.roles ?? {})) {
    const record = roleRecord(accountId, name, role);
    steps.push(() => world.roles.set(record.arn, record));
  }
}

/** A seeded KMS key, checked: its ARN (when given) names its own account, Region and id. */
function kmsKeyRecord(
  seed: KmsKeySeed,
  accountId: string,
  region: string,
  path: string,
  nowMs: number,
): KmsKeyRecord {
  const arn = seed.arn ?? `arn:aws:kms:${region}:${accountId}:key/${seed.id}`;
  const parsed = parseArn(arn);
  if (parsed?.accountId !== accountId || parsed.region !== region || parsed.resource !== `key/${seed.id}`)
    fail(`${path}.arn`, `${arn} is not arn:aws:kms:${region}:${accountId}:key/${seed.id}`);
  const manager = seed.manager ?? 'CUSTOMER';
  if (seed.alias?.startsWith('alias/aws/') && manager === 'CUSTOMER')
    fail(`${path}.alias`, 'alias/aws/ names are reserved for AWS managed keys');
  return {
    id: seed.id,
    arn,
    manager,
    aliases: seed.alias ? [seed.alias] : [],
    enabled: seed.enabled ?? true,
    createdAtMs: nowMs,
  };
}

/** A seeded IAM role: `arn:aws:iam::<account>:role/<name>` with its trust. */
function roleRecord(accountId: string, name: string, seed: RoleSeed): RoleRecord {
  const record: RoleRecord = {
    arn: `arn:aws:iam::${accountId}:role/${name}`,
    accountId,
    name,
    trustedAccounts: seed.trust?.accounts ?? [],
    maxSessionDurationSeconds: seed.maxSessionDuration ?? 3600,
  };
  if (seed.trust?.externalId !== undefined) record.externalId = seed.trust.externalId;
  return record;
}

function checkSnapshotId(
  id: string | undefined,
  type: 'manual' | 'automated' | 'awsbackup',
  path: string,
): void {
  if (type === 'manual') {
    if (id === undefined) fail(path, 'a manual snapshot needs an id');
    if (!isValidIdentifier(id)) fail(path, `${JSON.stringify(id)} is not a valid snapshot identifier`);
    return;
  }
  const prefix = type === 'automated' ? 'rds:' : 'awsbackup:';
  if (id !== undefined && !id.startsWith(prefix)) fail(path, `an ${type} snapshot id starts with ${prefix}`);
}

function checkSeedTags(tags: Record<string, string> | undefined, path: string): void {
  try {
    checkTags(Object.entries(tags ?? {}));
  } catch (error) {
    if (error instanceof AwsApiError) fail(path, error.message);
    throw error;
  }
}

function fail(path: string, message: string): never {
  throw new EmulatorConfigError(`invalid seed: ${path}: ${message}`);
}

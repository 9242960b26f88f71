/** Applying a FleetSeed: checked whole first, then added to the state, so a bad seed changes nothing. */
import { topicArn } from './aws-ids.js';
import { type AccountSeed, type FleetSeed, FleetSeedSchema, parseConfig } from './config.js';
import { automatedSnapshotId, awsBackupSnapshotId, buildCluster, buildSnapshot } from './docdb/records.js';
import { checkTags, isValidIdentifier } from './docdb/rules.js';
import { AwsApiError, EmulatorConfigError } from './errors.js';
import type { World } from './world.js';

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
          kmsKeyId: cluster.kmsKeyId,
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
          encrypted: snapshot.encrypted,
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

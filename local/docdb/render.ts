/** DocumentDB resources as the SDK's XML deserializer expects them (`<DBCluster>`, `<DBClusterSnapshot>`). */
import { stableId } from '../aws-ids.js';
import type { ClusterRecord, SnapshotRecord } from '../world.js';
import { el, list, wrap } from '../xml.js';

const HOSTED_ZONE_ID = 'ZNKXH85TT8WVW';

function availabilityZones(region: string): string {
  return list('AvailabilityZones', 'AvailabilityZone', ['a', 'b', 'c'], (suffix) => `${region}${suffix}`);
}

/** A `<DBCluster>`'s fields; `status` is the one to show now. DocumentDB's DBCluster has no TagList. */
export function renderCluster(
  cluster: ClusterRecord,
  region: string,
  accountId: string,
  status: string,
  nowMs: number,
): string {
  const host = stableId(12, accountId, region, 'endpoint').toLowerCase();
  const service = cluster.engine.startsWith('docdb')
    ? 'docdb'
    : cluster.engine === 'neptune'
      ? 'neptune'
      : 'rds';
  const created = new Date(cluster.createdAtMs);
  const latest = new Date(Math.max(cluster.createdAtMs, nowMs - 5 * 60_000));
  return (
    availabilityZones(region) +
    el('BackupRetentionPeriod', 1) +
    el('DBClusterIdentifier', cluster.id) +
    el('DBClusterParameterGroup', cluster.parameterGroup) +
    el('DBSubnetGroup', 'default') +
    el('Status', status) +
    el('EarliestRestorableTime', created) +
    el('Endpoint', `${cluster.id}.cluster-${host}.${region}.${service}.amazonaws.com`) +
    el('ReaderEndpoint', `${cluster.id}.cluster-ro-${host}.${region}.${service}.amazonaws.com`) +
    el('MultiAZ', false) +
    el('Engine', cluster.engine) +
    el('EngineVersion', cluster.engineVersion) +
    el('LatestRestorableTime', latest) +
    el('Port', cluster.port) +
    el('MasterUsername', 'admin') +
    el('PreferredBackupWindow', '03:00-03:30') +
    el('PreferredMaintenanceWindow', 'sun:04:00-sun:04:30') +
    wrap('ReadReplicaIdentifiers', '') +
    wrap('DBClusterMembers', '') +
    list(
      'VpcSecurityGroups',
      'VpcSecurityGroupMembership',
      [stableId(17, accountId, region, 'sg')],
      (sg) => el('VpcSecurityGroupId', `sg-${sg.toLowerCase()}`) + el('Status', 'active'),
    ) +
    el('HostedZoneId', HOSTED_ZONE_ID) +
    el('StorageEncrypted', cluster.encrypted) +
    el('KmsKeyId', cluster.kmsKeyId) +
    el('DbClusterResourceId', cluster.resourceId) +
    el('DBClusterArn', cluster.arn) +
    wrap('AssociatedRoles', '') +
    el('ClusterCreateTime', created) +
    el('DeletionProtection', false)
  );
}

/**
 * How another account sees a snapshot shared with it: SnapshotType `shared` (or `public`) and the ARN as
 * DBClusterSnapshotIdentifier, as the service lists shared snapshots (copy tools read the ARN from that
 * field: github.com/awslabs/aurora-snapshot-tool, lambda/copy_snapshots_dest_aurora/lambda_function.py).
 */
export interface SharedView {
  type: 'shared' | 'public';
}

/** A `<DBClusterSnapshot>`'s fields with the status and progress to show now. */
export function renderSnapshot(
  snapshot: SnapshotRecord,
  region: string,
  accountId: string,
  status: string,
  percentProgress: number,
  shared?: SharedView,
): string {
  return (
    availabilityZones(region) +
    el('DBClusterSnapshotIdentifier', shared ? snapshot.arn : snapshot.id) +
    el('DBClusterIdentifier', snapshot.clusterId) +
    el('SnapshotCreateTime', new Date(snapshot.createdAtMs)) +
    el('Engine', snapshot.engine) +
    el('Status', status) +
    el('Port', snapshot.port) +
    el('VpcId', `vpc-${stableId(17, accountId, region, 'vpc').toLowerCase()}`) +
    el('ClusterCreateTime', new Date(snapshot.clusterCreatedAtMs)) +
    el('MasterUsername', 'admin') +
    el('EngineVersion', snapshot.engineVersion) +
    el('SnapshotType', shared?.type ?? snapshot.type) +
    el('PercentProgress', percentProgress) +
    el('StorageEncrypted', snapshot.encrypted) +
    el('KmsKeyId', snapshot.kmsKeyId) +
    el('DBClusterSnapshotArn', snapshot.arn) +
    el('SourceDBClusterSnapshotArn', snapshot.copy?.sourceArn)
  );
}

/** A `<TagList>` of `<Tag><Key/><Value/></Tag>`. */
export function renderTagList(tags: ReadonlyMap<string, string>): string {
  return list('TagList', 'Tag', tags, ([key, value]) => el('Key', key) + el('Value', value));
}

/** Building cluster and snapshot records with the fields AWS fills in. */
import { clusterArn, clusterSnapshotArn, defaultKmsKeyArn, stableId, stableUuid } from '../aws-ids.js';
import type { ClusterRecord, RegionStore, SnapshotRecord, SnapshotType } from '../world.js';
import { engineDefaults } from './rules.js';

export interface NewCluster {
  id: string;
  engine: string;
  engineVersion?: string;
  status: string;
  availableAtMs?: number;
  createdAtMs: number;
  encrypted: boolean;
  kmsKeyId?: string;
  tags: Iterable<readonly [string, string]>;
  snapshotAvailableAfterMs?: number;
}

/** A cluster record in `store`'s account and Region (not yet stored). */
export function buildCluster(store: RegionStore, input: NewCluster): ClusterRecord {
  const defaults = engineDefaults(input.engine);
  const record: ClusterRecord = {
    id: input.id,
    arn: clusterArn(store.region, store.accountId, input.id),
    engine: input.engine,
    engineVersion: input.engineVersion ?? defaults.version,
    status: input.status,
    createdAtMs: input.createdAtMs,
    encrypted: input.encrypted,
    resourceId: `cluster-${stableId(26, store.accountId, store.region, input.id)}`,
    port: defaults.port,
    parameterGroup: defaults.parameterGroup,
    tags: new Map(input.tags),
  };
  if (input.availableAtMs !== undefined) record.availableAtMs = input.availableAtMs;
  if (input.snapshotAvailableAfterMs !== undefined)
    record.snapshotAvailableAfterMs = input.snapshotAvailableAfterMs;
  const kmsKeyId =
    input.kmsKeyId ?? (input.encrypted ? defaultKmsKeyArn(store.region, store.accountId) : undefined);
  if (kmsKeyId !== undefined) record.kmsKeyId = kmsKeyId;
  return record;
}

export interface NewSnapshot {
  id: string;
  clusterId: string;
  type: SnapshotType;
  status: string;
  availableAtMs?: number;
  /** Removed from the store at this time instead of ending `status` (see RegionStore.settle). */
  vanishAtMs?: number;
  createdAtMs: number;
  tags: Iterable<readonly [string, string]>;
  /** The source cluster, when it exists: engine, encryption and creation time are copied from it. */
  cluster?: ClusterRecord;
  engine?: string;
  encrypted?: boolean;
  /** The key ARN when encrypted: the cluster's by default, else the account's AWS managed key. */
  kmsKeyId?: string;
  /** Accounts (or `all`) the snapshot is shared with: its `restore` attribute. */
  sharedWith?: Iterable<string>;
}

/** A cluster snapshot record in `store`'s account and Region (not yet stored). */
export function buildSnapshot(store: RegionStore, input: NewSnapshot): SnapshotRecord {
  const engine = input.engine ?? input.cluster?.engine ?? 'docdb';
  const encrypted = input.encrypted ?? input.cluster?.encrypted ?? false;
  const record: SnapshotRecord = {
    id: input.id,
    arn: clusterSnapshotArn(store.region, store.accountId, input.id),
    clusterId: input.clusterId,
    type: input.type,
    engine,
    engineVersion: input.cluster?.engineVersion ?? engineDefaults(engine).version,
    status: input.status,
    createdAtMs: input.createdAtMs,
    clusterCreatedAtMs: input.cluster?.createdAtMs ?? input.createdAtMs,
    encrypted,
    port: input.cluster?.port ?? engineDefaults(engine).port,
    tags: new Map(input.tags),
    sharedWith: new Set(input.sharedWith ?? []),
  };
  if (input.availableAtMs !== undefined) record.availableAtMs = input.availableAtMs;
  if (input.vanishAtMs !== undefined) record.vanishAtMs = input.vanishAtMs;
  if (encrypted) {
    record.kmsKeyId =
      input.kmsKeyId ?? input.cluster?.kmsKeyId ?? defaultKmsKeyArn(store.region, store.accountId);
  }
  return record;
}

/** `rds:<cluster>-YYYY-MM-DD-HH-MM`, the name AWS gives an automated snapshot. */
export function automatedSnapshotId(clusterId: string, createdAtMs: number): string {
  const iso = new Date(createdAtMs).toISOString();
  return `rds:${clusterId}-${iso.slice(0, 10)}-${iso.slice(11, 13)}-${iso.slice(14, 16)}`;
}

/** `awsbackup:job-<uuid-like>`, the name AWS Backup gives a cluster snapshot. */
export function awsBackupSnapshotId(clusterId: string, createdAtMs: number): string {
  return `awsbackup:job-${stableUuid('awsbackup', clusterId, String(createdAtMs))}`;
}

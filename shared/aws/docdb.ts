/**
 * DocumentDB through the AWS SDK v3: implements the engine's DocdbPort and translates the SDK's faults
 * (by exported class) into the engine's errors.
 */
import {
  CreateDBClusterSnapshotCommand,
  DBClusterNotFoundFault,
  type DBClusterSnapshot,
  DBClusterSnapshotAlreadyExistsFault,
  DBClusterSnapshotNotFoundFault,
  DeleteDBClusterSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  type DocDBClient,
  InvalidDBClusterSnapshotStateFault,
  InvalidDBClusterStateFault,
  ListTagsForResourceCommand,
  paginateDescribeDBClusterSnapshots,
  paginateDescribeDBClusters,
  SnapshotQuotaExceededFault,
} from '@aws-sdk/client-docdb';
import {
  ClusterBusyError,
  ClusterNotFoundError,
  SnapshotAlreadyExistsError,
  SnapshotGoneError,
  SnapshotQuotaExceededError,
} from '../backup/errors.js';
import type {
  AnyEngineCluster,
  ClusterInventory,
  CreatedSnapshot,
  DocdbPort,
  ExistingSnapshot,
  ManualSnapshot,
} from '../backup/ports.js';
import type { ClusterInfo, Tag } from '../planning/index.js';

const PAGE_SIZE = 100;

function translate(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const options = { cause: error };
  if (error instanceof InvalidDBClusterStateFault) return new ClusterBusyError(error.message, options);
  if (error instanceof DBClusterSnapshotAlreadyExistsFault)
    return new SnapshotAlreadyExistsError(error.message, options);
  if (error instanceof SnapshotQuotaExceededFault)
    return new SnapshotQuotaExceededError(error.message, options);
  if (error instanceof DBClusterNotFoundFault) return new ClusterNotFoundError(error.message, options);
  return error;
}

/** DocdbPort (and the CLI's ClusterInventory) over one SDK client per Region. */
export class DocdbAdapter implements DocdbPort, ClusterInventory {
  constructor(private readonly clientFor: (region: string) => DocDBClient) {}

  async listClusters(region: string, signal?: AbortSignal): Promise<ClusterInfo[]> {
    const clusters: ClusterInfo[] = [];
    const pages = paginateDescribeDBClusters(
      { client: this.clientFor(region), pageSize: PAGE_SIZE },
      { Filters: [{ Name: 'engine', Values: ['docdb'] }] },
    );
    for await (const page of pages) {
      for (const cluster of page.DBClusters ?? []) {
        // The filter is the contract, but never snapshot another engine's cluster if it ever slips through.
        if (cluster.Engine !== 'docdb' || !cluster.DBClusterIdentifier || !cluster.DBClusterArn) continue;
        clusters.push({
          id: cluster.DBClusterIdentifier.toLowerCase(),
          arn: cluster.DBClusterArn,
          status: cluster.Status ?? 'unknown',
        });
      }
      if (signal?.aborted) throw signal.reason;
    }
    return clusters;
  }

  /** For the operator CLI: every cluster of any engine (no `engine` filter), to explain what is not backed up. */
  async listClustersOfAnyEngine(region: string, signal?: AbortSignal): Promise<AnyEngineCluster[]> {
    const clusters: AnyEngineCluster[] = [];
    const pages = paginateDescribeDBClusters({ client: this.clientFor(region), pageSize: PAGE_SIZE }, {});
    for await (const page of pages) {
      for (const cluster of page.DBClusters ?? []) {
        if (!cluster.DBClusterIdentifier || !cluster.DBClusterArn) continue;
        clusters.push({
          id: cluster.DBClusterIdentifier.toLowerCase(),
          arn: cluster.DBClusterArn,
          status: cluster.Status ?? 'unknown',
          engine: cluster.Engine ?? 'unknown',
        });
      }
      if (signal?.aborted) throw signal.reason;
    }
    return clusters;
  }

  async listTags(region: string, arn: string, signal?: AbortSignal): Promise<Record<string, string>> {
    const out = await this.clientFor(region).send(new ListTagsForResourceCommand({ ResourceName: arn }), {
      abortSignal: signal,
    });
    return Object.fromEntries((out.TagList ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  }

  async createSnapshot(
    region: string,
    request: { clusterId: string; snapshotId: string; tags: Tag[] },
    signal?: AbortSignal,
  ): Promise<CreatedSnapshot> {
    try {
      const out = await this.clientFor(region).send(
        new CreateDBClusterSnapshotCommand({
          DBClusterIdentifier: request.clusterId,
          DBClusterSnapshotIdentifier: request.snapshotId,
          Tags: request.tags,
        }),
        { abortSignal: signal },
      );
      return {
        snapshotId: out.DBClusterSnapshot?.DBClusterSnapshotIdentifier ?? request.snapshotId,
        status: out.DBClusterSnapshot?.Status ?? 'creating',
      };
    } catch (error) {
      throw translate(error);
    }
  }

  /** DescribeDBClusterSnapshots for one id; undefined when there is no such snapshot. */
  private async describeSnapshot(
    region: string,
    snapshotId: string,
    signal?: AbortSignal,
  ): Promise<DBClusterSnapshot | undefined> {
    try {
      const out = await this.clientFor(region).send(
        new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: snapshotId }),
        { abortSignal: signal },
      );
      return out.DBClusterSnapshots?.[0];
    } catch (error) {
      if (error instanceof DBClusterSnapshotNotFoundFault) return undefined;
      throw error;
    }
  }

  async findSnapshot(
    region: string,
    snapshotId: string,
    signal?: AbortSignal,
  ): Promise<ExistingSnapshot | undefined> {
    const found = await this.describeSnapshot(region, snapshotId, signal);
    if (!found?.DBClusterSnapshotArn) return undefined;
    return {
      snapshotId: found.DBClusterSnapshotIdentifier ?? snapshotId,
      clusterId: found.DBClusterIdentifier ?? '',
      status: found.Status ?? 'unknown',
      type: found.SnapshotType ?? 'unknown',
      createdAt: found.SnapshotCreateTime,
      tags: await this.listTags(region, found.DBClusterSnapshotArn, signal),
    };
  }

  async listManualSnapshots(region: string, signal?: AbortSignal): Promise<ManualSnapshot[]> {
    return this.manualSnapshots(region, { SnapshotType: 'manual' }, signal);
  }

  async listClusterSnapshots(
    region: string,
    clusterId: string,
    signal?: AbortSignal,
  ): Promise<ManualSnapshot[]> {
    return this.manualSnapshots(region, { SnapshotType: 'manual', DBClusterIdentifier: clusterId }, signal);
  }

  async deleteSnapshot(region: string, snapshotId: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.clientFor(region).send(
        new DeleteDBClusterSnapshotCommand({ DBClusterSnapshotIdentifier: snapshotId }),
        { abortSignal: signal },
      );
    } catch (error) {
      const options = { cause: error };
      if (error instanceof DBClusterSnapshotNotFoundFault)
        throw new SnapshotGoneError(`snapshot ${snapshotId} is already gone`, options);
      // Another run's delete leaves the snapshot `deleting` for a while: that is gone too.
      if (error instanceof InvalidDBClusterSnapshotStateFault) {
        const now = await this.describeSnapshot(region, snapshotId, signal);
        if (!now || now.Status === 'deleting')
          throw new SnapshotGoneError(`snapshot ${snapshotId} is already being deleted`, options);
      }
      throw error;
    }
  }

  private async manualSnapshots(
    region: string,
    filter: { SnapshotType: 'manual'; DBClusterIdentifier?: string },
    signal?: AbortSignal,
  ): Promise<ManualSnapshot[]> {
    const snapshots: ManualSnapshot[] = [];
    const pages = paginateDescribeDBClusterSnapshots(
      { client: this.clientFor(region), pageSize: PAGE_SIZE },
      filter,
    );
    for await (const page of pages) {
      for (const s of page.DBClusterSnapshots ?? []) {
        snapshots.push({
          snapshotId: s.DBClusterSnapshotIdentifier ?? '',
          clusterId: s.DBClusterIdentifier ?? '',
          arn: s.DBClusterSnapshotArn ?? '',
          status: s.Status ?? 'unknown',
          createdAt: s.SnapshotCreateTime,
        });
      }
      if (signal?.aborted) throw signal.reason;
    }
    return snapshots;
  }
}

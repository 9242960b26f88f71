/**
 * DocumentDB through the AWS SDK v3: implements the engine's DocdbPort and translates the SDK's faults
 * (by exported class) into the engine's errors.
 */

import { setTimeout } from 'node:timers/promises';
import {
  CopyDBClusterSnapshotCommand,
  CreateDBClusterSnapshotCommand,
  DBClusterNotFoundFault,
  type DBClusterSnapshot,
  DBClusterSnapshotAlreadyExistsFault,
  DBClusterSnapshotNotFoundFault,
  DeleteDBClusterSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  type DescribeDBClusterSnapshotsCommandOutput,
  DescribeDBClustersCommand,
  type DescribeDBClustersCommandOutput,
  type DocDBClient,
  InvalidDBClusterSnapshotStateFault,
  InvalidDBClusterStateFault,
  KMSKeyNotAccessibleFault,
  ListTagsForResourceCommand,
  ModifyDBClusterSnapshotAttributeCommand,
  SharedSnapshotQuotaExceededFault,
  SnapshotQuotaExceededFault,
} from '@aws-sdk/client-docdb';
import {
  ClusterBusyError,
  ClusterNotFoundError,
  CopyLimitError,
  CopyRefusedError,
  SnapshotAlreadyExistsError,
  SnapshotGoneError,
  SnapshotQuotaExceededError,
} from '../backup/errors.js';
import { THROTTLING_ERRORS } from '../backup/failures.js';
import { describeLocation, type Location } from '../backup/location.js';
import type {
  AnyEngineCluster,
  ClusterInventory,
  CopyRequest,
  CreatedSnapshot,
  DocdbPort,
  ExistingSnapshot,
  ManualSnapshot,
} from '../backup/ports.js';
import type { ClusterInfo, Tag } from '../planning/index.js';
import type { CallDeclarations, DeclaredCall } from './permissions.js';

const PAGE_SIZE = 100;
/** Without an abort signal (the CLI's lookups), a listing gives up after this many throttles of one page. */
const PAGE_THROTTLES_WITHOUT_SIGNAL = 8;

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

const DESCRIBE_SNAPSHOTS = {
  command: DescribeDBClusterSnapshotsCommand,
  actions: ['rds:DescribeDBClusterSnapshots'],
  resources: ['cluster', 'cluster-snapshot'],
} as const;

/** A snapshot where copies land: a destination Region of this account, or of another (its own role). */
const COPY_SNAPSHOT = { kind: 'cluster-snapshot', at: 'destination' } as const;

/** As the source's listing: DescribeDBClusterSnapshots takes both resource types (RDS authorization reference). */
const DESCRIBE_COPIES = {
  command: DescribeDBClusterSnapshotsCommand,
  actions: ['rds:DescribeDBClusterSnapshots'],
  resources: [{ kind: 'cluster', at: 'destination' }, COPY_SNAPSHOT],
} as const;

/**
 * RDS errors that refuse a copy for good (a KMS key, a parameter AWS will not take): not worth a retry.
 * Matched by the error's name (these have no exported class in client-docdb).
 */
const REFUSING_PARAMETERS: ReadonlySet<string> = new Set([
  'InvalidParameterValue',
  'InvalidParameterCombination',
  'InvalidParameterValueException',
  'InvalidParameterCombinationException',
]);

/** The AWS calls of `DocdbAdapter`, per method (shared/aws/permissions.ts). */
export const DOCDB_CALLS = {
  listClusters: {
    command: DescribeDBClustersCommand,
    actions: ['rds:DescribeDBClusters'],
    resources: ['cluster'],
    why: 'list the DocumentDB clusters of a Region (engine=docdb)',
  },
  listClustersOfAnyEngine: {
    command: DescribeDBClustersCommand,
    actions: ['rds:DescribeDBClusters'],
    resources: ['cluster'],
    why: 'the CLI explains clusters of other engines that no policy backs up',
  },
  listTags: {
    command: ListTagsForResourceCommand,
    actions: ['rds:ListTagsForResource'],
    resources: ['cluster', 'cluster-snapshot'],
    why: 'select clusters by tag, copy cluster tags, confirm a snapshot is ours',
  },
  createSnapshot: {
    command: CreateDBClusterSnapshotCommand,
    actions: ['rds:CreateDBClusterSnapshot', 'rds:AddTagsToResource'],
    resources: ['cluster', 'cluster-snapshot'],
    why: 'take the tagged manual snapshot',
  },
  findSnapshot: { ...DESCRIBE_SNAPSHOTS, why: 'confirm an existing snapshot of the slot' },
  snapshotState: { ...DESCRIBE_SNAPSHOTS, why: "follow a backup job: its snapshot's status" },
  listManualSnapshots: { ...DESCRIBE_SNAPSHOTS, why: 'count the manual snapshot quota' },
  listClusterSnapshots: { ...DESCRIBE_SNAPSHOTS, why: 'retention: the snapshots of a cluster' },
  deleteSnapshot: [
    {
      command: DeleteDBClusterSnapshotCommand,
      actions: ['rds:DeleteDBClusterSnapshot'],
      resources: ['cluster-snapshot'],
      why: 'retention: delete expired snapshots this service created (IAM also requires the managed-by and policy tags)',
    },
    { ...DESCRIBE_SNAPSHOTS, why: 'tell a snapshot another run is deleting from one that cannot be' },
  ] satisfies DeclaredCall[],
  copySnapshot: [
    {
      command: CopyDBClusterSnapshotCommand,
      actions: ['rds:CopyDBClusterSnapshot', 'rds:AddTagsToResource'],
      resources: ['cluster-snapshot', COPY_SNAPSHOT],
      why: 'copy a snapshot to a disaster-recovery Region or account, tagged as our copy',
    },
    {
      command: CopyDBClusterSnapshotCommand,
      actions: ['kms:CreateGrant', 'kms:DescribeKey'],
      resources: ['kms-key'],
      why: "encrypt the copy with the destination's key (granted through RDS only: kms:ViaService)",
    },
  ] satisfies DeclaredCall[],
  shareSnapshot: {
    command: ModifyDBClusterSnapshotAttributeCommand,
    actions: ['rds:ModifyDBClusterSnapshotAttribute'],
    resources: ['cluster-snapshot'],
    why: 'share a snapshot with a destination account so it can copy it',
  },
  unshareSnapshot: {
    command: ModifyDBClusterSnapshotAttributeCommand,
    actions: ['rds:ModifyDBClusterSnapshotAttribute'],
    resources: ['cluster-snapshot'],
    why: 'take the share back once the destination has its copy',
  },
  copyState: { ...DESCRIBE_COPIES, why: "follow a copy: the copy's status in its destination" },
  listCopies: { ...DESCRIBE_COPIES, why: "destination retention: the destination's manual snapshots" },
  copyTags: {
    command: ListTagsForResourceCommand,
    actions: ['rds:ListTagsForResource'],
    resources: [COPY_SNAPSHOT],
    why: 'prove a copy is ours from the tags read in its destination',
  },
  deleteCopy: [
    {
      command: DeleteDBClusterSnapshotCommand,
      actions: ['rds:DeleteDBClusterSnapshot'],
      resources: [COPY_SNAPSHOT],
      why: 'destination retention: delete expired copies this service made (IAM also requires our tags)',
    },
    { ...DESCRIBE_COPIES, why: 'tell a copy another pass is deleting from one that cannot be' },
  ] satisfies DeclaredCall[],
} as const satisfies CallDeclarations;

/** A snapshot as DescribeDBClusterSnapshots describes it, without tags. */
function manualSnapshotOf(found: DBClusterSnapshot, askedFor: string): ManualSnapshot {
  return {
    snapshotId: found.DBClusterSnapshotIdentifier ?? askedFor,
    clusterId: found.DBClusterIdentifier ?? '',
    arn: found.DBClusterSnapshotArn ?? '',
    status: found.Status ?? 'unknown',
    createdAt: found.SnapshotCreateTime,
    ...(found.StorageEncrypted === undefined ? {} : { encrypted: found.StorageEncrypted }),
    ...(found.KmsKeyId ? { kmsKeyId: found.KmsKeyId } : {}),
  };
}

/** A copy's SDK fault in the engine's words. */
function translateCopy(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const options = { cause: error };
  if (error instanceof KMSKeyNotAccessibleFault)
    return new CopyRefusedError('kms-misconfigured', error.message, options);
  if (error instanceof DBClusterSnapshotNotFoundFault)
    return new CopyRefusedError(
      'copy-failed',
      `the source snapshot cannot be found from the destination (deleted, or not shared with it): ${error.message}`,
      options,
    );
  // AWS answers the in-flight copy limit with the quota's fault: "Cannot copy more than 5 snapshots across
  // regions" (Aurora user guide, USER_CopySnapshot; reported in pbudzon/aws-maintenance#19).
  if (
    error instanceof SnapshotQuotaExceededFault &&
    /copy more than|concurrent|in progress/i.test(error.message)
  )
    return new CopyLimitError(error.message, options);
  if (REFUSING_PARAMETERS.has(error.name)) {
    // Which advice fits: AWS names the KMS key when the key is what it refuses.
    const code = /\bKMS\b|KmsKeyId/i.test(error.message) ? 'kms-misconfigured' : 'copy-failed';
    return new CopyRefusedError(code, error.message, options);
  }
  return translate(error);
}

/** DocdbPort (and the CLI's ClusterInventory) over one SDK client per location (account and Region). */
export class DocdbAdapter implements DocdbPort, ClusterInventory {
  constructor(private readonly clientFor: (at: Location) => DocDBClient) {}

  async listClusters(at: Location, signal?: AbortSignal): Promise<ClusterInfo[]> {
    const clusters: ClusterInfo[] = [];
    const filter = { Filters: [{ Name: 'engine', Values: ['docdb'] }] };
    for await (const page of this.pages<DescribeDBClustersCommandOutput>(
      at,
      (Marker) => new DescribeDBClustersCommand({ ...filter, Marker, MaxRecords: PAGE_SIZE }),
      signal,
    )) {
      for (const cluster of page.DBClusters ?? []) {
        // The filter is the contract, but never snapshot another engine's cluster if it ever slips through.
        if (cluster.Engine !== 'docdb' || !cluster.DBClusterIdentifier || !cluster.DBClusterArn) continue;
        clusters.push({
          id: cluster.DBClusterIdentifier.toLowerCase(),
          arn: cluster.DBClusterArn,
          status: cluster.Status ?? 'unknown',
        });
      }
    }
    return clusters;
  }

  /** For the operator CLI: every cluster of any engine (no `engine` filter), to explain what is not backed up. */
  async listClustersOfAnyEngine(at: Location, signal?: AbortSignal): Promise<AnyEngineCluster[]> {
    const clusters: AnyEngineCluster[] = [];
    for await (const page of this.pages<DescribeDBClustersCommandOutput>(
      at,
      (Marker) => new DescribeDBClustersCommand({ Marker, MaxRecords: PAGE_SIZE }),
      signal,
    )) {
      for (const cluster of page.DBClusters ?? []) {
        if (!cluster.DBClusterIdentifier || !cluster.DBClusterArn) continue;
        clusters.push({
          id: cluster.DBClusterIdentifier.toLowerCase(),
          arn: cluster.DBClusterArn,
          status: cluster.Status ?? 'unknown',
          engine: cluster.Engine ?? 'unknown',
          ...(cluster.StorageEncrypted === undefined ? {} : { encrypted: cluster.StorageEncrypted }),
          ...(cluster.KmsKeyId ? { kmsKeyId: cluster.KmsKeyId } : {}),
        });
      }
    }
    return clusters;
  }

  async listTags(at: Location, arn: string, signal?: AbortSignal): Promise<Record<string, string>> {
    const out = await this.clientFor(at).send(new ListTagsForResourceCommand({ ResourceName: arn }), {
      abortSignal: signal,
    });
    return Object.fromEntries((out.TagList ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
  }

  async createSnapshot(
    at: Location,
    request: { clusterId: string; snapshotId: string; tags: Tag[] },
    signal?: AbortSignal,
  ): Promise<CreatedSnapshot> {
    try {
      const out = await this.clientFor(at).send(
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
    at: Location,
    snapshotId: string,
    signal?: AbortSignal,
  ): Promise<DBClusterSnapshot | undefined> {
    try {
      const out = await this.clientFor(at).send(
        new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: snapshotId }),
        { abortSignal: signal },
      );
      return out.DBClusterSnapshots?.[0];
    } catch (error) {
      if (error instanceof DBClusterSnapshotNotFoundFault) return undefined;
      throw error;
    }
  }

  async snapshotState(
    at: Location,
    snapshotId: string,
    signal?: AbortSignal,
  ): Promise<ManualSnapshot | undefined> {
    const found = await this.describeSnapshot(at, snapshotId, signal);
    return found ? manualSnapshotOf(found, snapshotId) : undefined;
  }

  async findSnapshot(
    at: Location,
    snapshotId: string,
    signal?: AbortSignal,
  ): Promise<ExistingSnapshot | undefined> {
    const found = await this.describeSnapshot(at, snapshotId, signal);
    if (!found?.DBClusterSnapshotArn) return undefined;
    const { arn: _arn, ...snapshot } = manualSnapshotOf(found, snapshotId);
    const tags = await this.listTags(at, found.DBClusterSnapshotArn, signal);
    return { ...snapshot, type: found.SnapshotType ?? 'unknown', tags };
  }

  async listManualSnapshots(at: Location, signal?: AbortSignal): Promise<ManualSnapshot[]> {
    return this.manualSnapshots(at, { SnapshotType: 'manual' }, signal);
  }

  async listClusterSnapshots(
    at: Location,
    clusterId: string,
    signal?: AbortSignal,
  ): Promise<ManualSnapshot[]> {
    return this.manualSnapshots(at, { SnapshotType: 'manual', DBClusterIdentifier: clusterId }, signal);
  }

  async deleteSnapshot(at: Location, snapshotId: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.clientFor(at).send(
        new DeleteDBClusterSnapshotCommand({ DBClusterSnapshotIdentifier: snapshotId }),
        { abortSignal: signal },
      );
    } catch (error) {
      const options = { cause: error };
      if (error instanceof DBClusterSnapshotNotFoundFault)
        throw new SnapshotGoneError(`snapshot ${snapshotId} is already gone`, options);
      // Another run's delete leaves the snapshot `deleting` for a while: that is gone too.
      if (error instanceof InvalidDBClusterSnapshotStateFault) {
        const now = await this.describeSnapshot(at, snapshotId, signal);
        if (!now || now.Status === 'deleting')
          throw new SnapshotGoneError(`snapshot ${snapshotId} is already being deleted`, options);
      }
      throw error;
    }
  }

  async copySnapshot(at: Location, request: CopyRequest, signal?: AbortSignal): Promise<CreatedSnapshot> {
    try {
      const out = await this.clientFor(at).send(
        new CopyDBClusterSnapshotCommand({
          SourceDBClusterSnapshotIdentifier: request.sourceArn,
          TargetDBClusterSnapshotIdentifier: request.snapshotId,
          ...(request.kmsKeyId ? { KmsKeyId: request.kmsKeyId } : {}),
          CopyTags: request.copyTags,
          Tags: request.tags,
        }),
        { abortSignal: signal },
      );
      return {
        snapshotId: out.DBClusterSnapshot?.DBClusterSnapshotIdentifier ?? request.snapshotId,
        status: out.DBClusterSnapshot?.Status ?? 'copying',
      };
    } catch (error) {
      throw translateCopy(error);
    }
  }

  async shareSnapshot(at: Location, snapshotId: string, account: string, signal?: AbortSignal) {
    await this.modifyRestore(at, snapshotId, { ValuesToAdd: [account] }, signal);
  }

  async unshareSnapshot(at: Location, snapshotId: string, account: string, signal?: AbortSignal) {
    try {
      await this.modifyRestore(at, snapshotId, { ValuesToRemove: [account] }, signal);
    } catch (error) {
      // A snapshot that is gone is shared with nobody.
      if (!(error instanceof DBClusterSnapshotNotFoundFault)) throw error;
    }
  }

  /** A copy's status in its destination (the same call as snapshotState, declared for the destination). */
  copyState(at: Location, snapshotId: string, signal?: AbortSignal) {
    return this.snapshotState(at, snapshotId, signal);
  }

  /** Every manual snapshot of a destination: copies keep their source cluster's id, a cluster not there. */
  listCopies(at: Location, signal?: AbortSignal) {
    return this.listManualSnapshots(at, signal);
  }

  copyTags(at: Location, arn: string, signal?: AbortSignal) {
    return this.listTags(at, arn, signal);
  }

  deleteCopy(at: Location, snapshotId: string, signal?: AbortSignal) {
    return this.deleteSnapshot(at, snapshotId, signal);
  }

  private async modifyRestore(
    at: Location,
    snapshotId: string,
    change: { ValuesToAdd?: string[]; ValuesToRemove?: string[] },
    signal?: AbortSignal,
  ): Promise<void> {
    try {
      await this.clientFor(at).send(
        new ModifyDBClusterSnapshotAttributeCommand({
          DBClusterSnapshotIdentifier: snapshotId,
          AttributeName: 'restore',
          ...change,
        }),
        { abortSignal: signal },
      );
    } catch (error) {
      const options = { cause: error };
      if (
        error instanceof SharedSnapshotQuotaExceededFault ||
        REFUSING_PARAMETERS.has((error as Error)?.name)
      )
        throw new CopyRefusedError('share-refused', (error as Error).message, options);
      throw error;
    }
  }

  private async manualSnapshots(
    at: Location,
    filter: { SnapshotType: 'manual'; DBClusterIdentifier?: string },
    signal?: AbortSignal,
  ): Promise<ManualSnapshot[]> {
    const snapshots: ManualSnapshot[] = [];
    const command = (Marker?: string) =>
      new DescribeDBClusterSnapshotsCommand({ ...filter, Marker, MaxRecords: PAGE_SIZE });
    for await (const page of this.pages<DescribeDBClusterSnapshotsCommandOutput>(at, command, signal)) {
      for (const s of page.DBClusterSnapshots ?? []) {
        snapshots.push(manualSnapshotOf(s, ''));
      }
    }
    return snapshots;
  }

  /**
   * Every page of a listing, each request carrying the abort signal. A throttled page is asked for again
   * (full jitter, growing) from the same marker, not from the first page: a listing longer than AWS's
   * burst still finishes when its pages are spaced. Gives up when the signal fires (or after
   * PAGE_THROTTLES_WITHOUT_SIGNAL throttles of one page without one).
   */
  private async *pages<Out extends { Marker?: string }>(
    at: Location,
    command: (marker: string | undefined) => { readonly input: object },
    signal?: AbortSignal,
  ): AsyncGenerator<Out> {
    let marker: string | undefined;
    do {
      let page: Out | undefined;
      for (let throttles = 0; page === undefined; ) {
        try {
          const out = (await this.clientFor(at).send(command(marker) as never, {
            abortSignal: signal,
          })) as unknown as Out | undefined;
          page = out ?? ({} as Out); // an empty answer is an empty last page
        } catch (error) {
          if (!(error instanceof Error && THROTTLING_ERRORS.has(error.name))) throw error;
          throttles++;
          if (!signal && throttles >= PAGE_THROTTLES_WITHOUT_SIGNAL) throw error;
          const ceiling = Math.min(5_000, 250 * 2 ** (throttles - 1));
          await setTimeout(Math.floor(Math.random() * ceiling), undefined, { signal });
        }
      }
      yield page;
      // A marker that does not move would ask for the same page forever.
      if (page.Marker !== undefined && page.Marker === marker)
        throw new Error(`the listing returned the same page marker twice (${describeLocation(at)})`);
      marker = page.Marker;
    } while (marker);
  }
}

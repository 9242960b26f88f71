/**
 * Turns a policy into snapshot tasks for one Region: reads the Region's DocumentDB clusters (and their tags
 * only when the policy needs them), applies the selection, names each snapshot and builds its tags.
 */
import {
  buildSnapshotTags,
  type ClusterInfo,
  needsTagsForSelection,
  selectClusters,
  snapshotIdFor,
  type Tag,
} from '../planning/index.js';
import type { ResolvedPolicy } from '../policy/schema.js';
import { describeFailure } from './failures.js';
import { inPool } from './pool.js';
import type { ClusterResult, DocdbPort, RunLog } from './ports.js';

export interface SnapshotTask {
  region: string;
  cluster: ClusterInfo;
  snapshotId: string;
  tags: Tag[];
}

export interface RegionPlan {
  region: string;
  tasks: SnapshotTask[];
  /** Explicit identifiers with no DocumentDB cluster in this Region; undefined when the Region could not be read. */
  missing?: string[];
  /** Clusters (or the whole Region, as `*`) that failed before any snapshot was asked for. */
  failures: ClusterResult[];
  /** DocumentDB clusters of this Region that `clusters.exclude` names (for the CLI's `plan`), sorted. */
  excluded?: string[];
}

export interface PlanContext {
  docdb: DocdbPort;
  log: RunLog;
  concurrency: number;
  signal?: AbortSignal;
}

function failed(region: string, clusterId: string, error: ClusterResult['error']): ClusterResult {
  return { region, clusterId, outcome: 'failed', attempts: 0, error, durationMs: 0 };
}

/** Fetches tags for the given clusters; a cluster whose tags cannot be read becomes a failure. */
async function withTags(
  ctx: PlanContext,
  region: string,
  clusters: ClusterInfo[],
): Promise<{ clusters: ClusterInfo[]; failures: ClusterResult[] }> {
  const failures: ClusterResult[] = [];
  const tagged = await inPool(clusters, ctx.concurrency, async (cluster) => {
    if (cluster.tags) return cluster;
    try {
      return { ...cluster, tags: await ctx.docdb.listTags(region, cluster.arn, ctx.signal) };
    } catch (error) {
      const failure = describeFailure(error);
      ctx.log.error('could not read cluster tags', { region, cluster: cluster.id, error: failure });
      failures.push(
        failed(region, cluster.id, { code: failure.code, message: `reading tags: ${failure.message}` }),
      );
      return undefined;
    }
  });
  return { clusters: tagged.filter((c): c is ClusterInfo => c !== undefined), failures };
}

function taskFor(
  ctx: PlanContext,
  policy: ResolvedPolicy,
  region: string,
  cluster: ClusterInfo,
  slot: Date,
): SnapshotTask {
  const snapshotId = snapshotIdFor(policy.snapshot.prefix, cluster.id, slot);
  const { tags, notCopied } = buildSnapshotTags({
    policyName: policy.name,
    policyTags: policy.snapshot.tags,
    clusterTags: policy.snapshot.copyClusterTags ? cluster.tags : undefined,
    slot,
  });
  if (notCopied.length) ctx.log.warn('cluster tags not copied', { region, cluster: cluster.id, notCopied });
  return { region, cluster, snapshotId, tags };
}

/**
 * Plans one Region of a run. Never throws: a Region that cannot be read becomes one `*` failure.
 * Explicit identifiers not found here are returned as `missing`: the run decides across all Regions.
 * @example await planRegion(ctx, policy, 'us-east-1', slot) // { tasks: [...], failures: [...] }
 */
export async function planRegion(
  ctx: PlanContext,
  policy: ResolvedPolicy,
  region: string,
  slot: Date,
): Promise<RegionPlan> {
  let clusters: ClusterInfo[];
  try {
    clusters = await ctx.docdb.listClusters(region, ctx.signal);
  } catch (error) {
    const failure = describeFailure(error);
    ctx.log.error('could not list clusters', { region, error: failure });
    const code = failure.code === 'aws-error' ? 'region-unavailable' : failure.code;
    return {
      region,
      tasks: [],
      failures: [failed(region, '*', { code, message: `listing DocumentDB clusters: ${failure.message}` })],
    };
  }

  const present = new Set(clusters.map((c) => c.id));
  const excludedHere = policy.clusters.exclude.filter((id) => present.has(id)).sort();
  const failures: ClusterResult[] = [];
  if (needsTagsForSelection(policy.clusters)) {
    const excluded = new Set(policy.clusters.exclude);
    const read = await withTags(
      ctx,
      region,
      clusters.filter((c) => !excluded.has(c.id)),
    );
    clusters = read.clusters;
    failures.push(...read.failures);
  }
  const selection = selectClusters(policy.clusters, clusters);
  let selected = selection.selected;
  if (policy.snapshot.copyClusterTags) {
    const read = await withTags(ctx, region, selected);
    selected = read.clusters;
    failures.push(...read.failures);
  }

  const tasks: SnapshotTask[] = [];
  for (const cluster of selected) {
    // One malformed cluster (an id no snapshot can be named after) is that cluster's failure, not the Region's.
    try {
      tasks.push(taskFor(ctx, policy, region, cluster, slot));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      ctx.log.error('could not plan the cluster', { region, cluster: cluster.id, error: message });
      failures.push(failed(region, cluster.id, { code: 'internal-error', message: `planning: ${message}` }));
    }
  }
  ctx.log.info('clusters selected', {
    region,
    selected: tasks.length,
    missing: selection.missing,
    excluded: selection.excluded,
  });
  return { region, tasks, failures, missing: selection.missing, excluded: excludedHere };
}

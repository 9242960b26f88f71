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
import type { RegionSelection } from '../planning/missing.js';
import type { ResolvedPolicy } from '../policy/schema.js';
import { describeFailure } from './failures.js';
import { describeLocation, type Location, locationFields } from './location.js';
import { inPool } from './pool.js';
import type { DocdbPort, RunLog } from './ports.js';
import { type ClusterResult, type Failure, failedBeforeStart } from './results.js';

export interface SnapshotTask {
  at: Location;
  cluster: ClusterInfo;
  snapshotId: string;
  tags: Tag[];
}

export interface RegionPlan {
  at: Location;
  tasks: SnapshotTask[];
  /** Explicit identifiers with no DocumentDB cluster in this Region; undefined when the Region could not be read. */
  missing?: string[];
  /** Clusters (or the whole Region, as `*`) that failed before any snapshot was asked for. */
  failures: ClusterResult[];
  /** DocumentDB clusters of this Region that `clusters.exclude` names (for the CLI's `plan`), sorted. */
  excluded?: string[];
}

export interface PlanContext {
  /** Only the listing calls: planning changes nothing. */
  docdb: Pick<DocdbPort, 'listClusters' | 'listTags'>;
  log: RunLog;
  concurrency: number;
  signal?: AbortSignal;
  /** Told the ids of the Region's DocumentDB clusters as soon as they are listed (the CLI's progress). */
  onClustersListed?: (at: Location, clusterIds: string[]) => void;
}

function failed(at: Location, clusterId: string, error: Failure): ClusterResult {
  return failedBeforeStart({ ...locationFields(at), clusterId }, error);
}

/**
 * What a Region's plan found, for the rule on identifiers found in no Region (planning/missing.ts).
 * @example missingEverywhere(plans.map(selectionOf))
 */
export function selectionOf(plan: RegionPlan): RegionSelection {
  return { found: plan.tasks.map((task) => task.cluster.id), missing: plan.missing };
}

/** Fetches tags for the given clusters; a cluster whose tags cannot be read becomes a failure. */
async function withTags(
  ctx: PlanContext,
  at: Location,
  clusters: ClusterInfo[],
): Promise<{ clusters: ClusterInfo[]; failures: ClusterResult[] }> {
  const failures: ClusterResult[] = [];
  const tagged = await inPool(clusters, ctx.concurrency, async (cluster) => {
    if (cluster.tags) return cluster;
    try {
      return { ...cluster, tags: await ctx.docdb.listTags(at, cluster.arn, ctx.signal) };
    } catch (error) {
      const failure = describeFailure(error);
      ctx.log.error('could not read cluster tags', {
        region: describeLocation(at),
        cluster: cluster.id,
        error: failure,
      });
      failures.push(
        failed(at, cluster.id, { code: failure.code, message: `reading tags: ${failure.message}` }),
      );
      return undefined;
    }
  });
  return { clusters: tagged.filter((c): c is ClusterInfo => c !== undefined), failures };
}

function taskFor(
  ctx: PlanContext,
  policy: ResolvedPolicy,
  at: Location,
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
  if (notCopied.length)
    ctx.log.warn('cluster tags not copied', { region: describeLocation(at), cluster: cluster.id, notCopied });
  return { at, cluster, snapshotId, tags };
}

/**
 * Plans one Region of a run. Never throws: a Region that cannot be read becomes one `*` failure.
 * Explicit identifiers not found here are returned as `missing`: the run decides across all Regions.
 * @example await planRegion(ctx, policy, 'us-east-1', slot) // { tasks: [...], failures: [...] }
 */
export async function planRegion(
  ctx: PlanContext,
  policy: ResolvedPolicy,
  at: Location,
  slot: Date,
): Promise<RegionPlan> {
  let clusters: ClusterInfo[];
  try {
    clusters = await ctx.docdb.listClusters(at, ctx.signal);
    ctx.onClustersListed?.(
      at,
      clusters.map((c) => c.id),
    );
  } catch (error) {
    const failure = describeFailure(error);
    ctx.log.error('could not list clusters', { region: describeLocation(at), error: failure });
    const code = failure.code === 'aws-error' ? 'region-unavailable' : failure.code;
    return {
      at,
      tasks: [],
      failures: [failed(at, '*', { code, message: `listing DocumentDB clusters: ${failure.message}` })],
    };
  }

  const present = new Set(clusters.map((c) => c.id));
  const excludedHere = policy.clusters.exclude.filter((id) => present.has(id)).sort();
  const failures: ClusterResult[] = [];
  if (needsTagsForSelection(policy.clusters)) {
    const excluded = new Set(policy.clusters.exclude);
    const read = await withTags(
      ctx,
      at,
      clusters.filter((c) => !excluded.has(c.id)),
    );
    clusters = read.clusters;
    failures.push(...read.failures);
  }
  const selection = selectClusters(policy.clusters, clusters);
  let selected = selection.selected;
  if (policy.snapshot.copyClusterTags) {
    const read = await withTags(ctx, at, selected);
    selected = read.clusters;
    failures.push(...read.failures);
  }

  const tasks: SnapshotTask[] = [];
  for (const cluster of selected) {
    // One malformed cluster (an id no snapshot can be named after) is that cluster's failure, not the Region's.
    try {
      tasks.push(taskFor(ctx, policy, at, cluster, slot));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      ctx.log.error('could not plan the cluster', {
        region: describeLocation(at),
        cluster: cluster.id,
        error: message,
      });
      failures.push(failed(at, cluster.id, { code: 'internal-error', message: `planning: ${message}` }));
    }
  }
  ctx.log.info('clusters selected', {
    region: describeLocation(at),
    selected: tasks.length,
    missing: selection.missing,
    excluded: selection.excluded,
  });
  return { at, tasks, failures, missing: selection.missing, excluded: excludedHere };
}

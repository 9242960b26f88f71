/**
 * Cluster selection: which DocumentDB clusters of one Region a policy covers. Pure: the caller brings the
 * Region's clusters (and their tags when the policy selects by tag).
 */
import type { ClusterSelection } from '../policy/resolved.js';

/** A DocumentDB cluster as the selection and the engine see it. */
export interface ClusterInfo {
  id: string;
  arn: string;
  status: string;
  /** Present when they were fetched (tag selection or copyClusterTags). */
  tags?: Record<string, string>;
}

/** What a policy's `clusters` block asks for, already lowercased and merged (resolved.ts). */
export type { ClusterSelection };

export interface SelectionResult {
  /** Clusters to snapshot, sorted by id, each once. */
  selected: ClusterInfo[];
  /** Explicit identifiers with no DocumentDB cluster of that id in the Region. */
  missing: string[];
  /** Clusters that matched but were excluded, sorted. */
  excluded: string[];
}

/** True when the policy selects by tag, so every cluster's tags must be known. */
export function needsTagsForSelection(selection: ClusterSelection): boolean {
  return Object.keys(selection.tags).length > 0;
}

function hasAllTags(cluster: ClusterInfo, wanted: Record<string, string>): boolean {
  const tags = cluster.tags ?? {};
  return Object.entries(wanted).every(([key, value]) => tags[key] === value);
}

/**
 * Applies identifiers, tags and excludes to one Region's clusters.
 * @example selectClusters({ identifiers: ['a'], tags: {}, exclude: [] }, [{ id: 'a', arn: 'arn:…', status: 'available' }])
 *   // { selected: [cluster a], missing: [], excluded: [] }
 */
export function selectClusters(
  selection: ClusterSelection,
  clusters: readonly ClusterInfo[],
): SelectionResult {
  const byId = new Map(clusters.map((c) => [c.id.toLowerCase(), c]));
  const excludedIds = new Set(selection.exclude.map((id) => id.toLowerCase()));
  const chosen = new Map<string, ClusterInfo>();
  const missing: string[] = [];

  for (const raw of selection.identifiers) {
    const id = raw.toLowerCase();
    const cluster = byId.get(id);
    if (cluster) chosen.set(id, cluster);
    else if (!excludedIds.has(id)) missing.push(id);
  }
  if (needsTagsForSelection(selection)) {
    for (const cluster of clusters) {
      if (hasAllTags(cluster, selection.tags)) chosen.set(cluster.id.toLowerCase(), cluster);
    }
  }
  const excluded = [...chosen.keys()].filter((id) => excludedIds.has(id)).sort();
  for (const id of excluded) chosen.delete(id);
  const selected = [...chosen.values()].sort((a, b) => a.id.localeCompare(b.id));
  return { selected, missing: [...new Set(missing)].sort(), excluded };
}

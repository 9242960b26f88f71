/** DescribeDBClusters and CreateDBCluster (the latter minimal, for fixtures). */
import { parseArn } from '../aws-ids.js';
import type { CallContext } from '../context.js';
import { invalidParameterValue, missingParameter } from '../errors.js';
import { maxRecords, paginate } from '../paging.js';
import { type QueryParams, readTags } from '../query.js';
import type { ClusterRecord } from '../world.js';
import { list, wrap } from '../xml.js';
import { clusterAlreadyExists, clusterNotFound } from './errors.js';
import { buildCluster } from './records.js';
import { renderCluster } from './render.js';
import { checkIdentifier, checkResourceTags } from './rules.js';
import { clusterStatusIn } from './status.js';

/** An identifier or cluster ARN, as the identifier lowercase. */
function clusterIdOf(value: string): string {
  const arn = parseArn(value);
  const id = arn?.resource.startsWith('cluster:') ? arn.resource.slice('cluster:'.length) : value;
  return id.toLowerCase();
}

/** Clusters of every engine unless filtered by `engine`; paged by Marker/MaxRecords (20–100). */
export function describeDBClusters(ctx: CallContext, params: QueryParams): string {
  const size = maxRecords(params.int('MaxRecords'));
  let clusters = [...ctx.store.clusters.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const requested = params.string('DBClusterIdentifier');
  if (requested) {
    const cluster = ctx.store.clusters.get(clusterIdOf(requested));
    if (!cluster) throw clusterNotFound(requested);
    clusters = [cluster];
  }
  for (const filter of params.structs('Filters', 'Filter')) {
    clusters = applyFilter(clusters, filter);
  }
  const page = paginate(clusters, (cluster) => cluster.id, size, params.string('Marker'));
  const marker = page.marker === undefined ? '' : `<Marker>${page.marker}</Marker>`;
  return (
    marker +
    list('DBClusters', 'DBCluster', page.items, (cluster) =>
      renderCluster(cluster, ctx.region, ctx.accountId, clusterStatusIn(ctx, cluster), ctx.nowMs),
    )
  );
}

function applyFilter(clusters: ClusterRecord[], filter: QueryParams): ClusterRecord[] {
  const name = filter.string('Name');
  if (!name) throw missingParameter('Filters.Filter.N.Name');
  const values = filter.list('Values', 'Value');
  if (values.length === 0) throw invalidParameterValue(`Filter ${name} must have at least one value.`);
  switch (name) {
    case 'engine':
      return clusters.filter((cluster) => values.includes(cluster.engine));
    case 'db-cluster-id': {
      const ids = new Set(values.map(clusterIdOf));
      return clusters.filter((cluster) => ids.has(cluster.id));
    }
    default:
      throw invalidParameterValue(`Unrecognized filter name: ${name}`);
  }
}

/** A new cluster, `creating` for `clusterAvailableAfterMs`, then `available`. */
export function createDBCluster(ctx: CallContext, params: QueryParams): string {
  const id = checkIdentifier('DBClusterIdentifier', params.required('DBClusterIdentifier'));
  const engine = params.required('Engine');
  const tags = readTags(params, 'Tag');
  checkResourceTags(tags);
  if (ctx.store.clusters.has(id)) throw clusterAlreadyExists(id);
  const cluster = buildCluster(ctx.store, {
    id,
    engine,
    engineVersion: params.string('EngineVersion'),
    status: 'available',
    availableAtMs: ctx.nowMs + ctx.world.settings.clusterAvailableAfterMs,
    createdAtMs: ctx.nowMs,
    encrypted: params.bool('StorageEncrypted') ?? false,
    kmsKeyId: params.string('KmsKeyId'),
    tags,
  });
  ctx.store.clusters.set(id, cluster);
  return wrap('DBCluster', renderCluster(cluster, ctx.region, ctx.accountId, 'creating', ctx.nowMs));
}

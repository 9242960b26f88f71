/** ListTagsForResource, AddTagsToResource and RemoveTagsFromResource on cluster and snapshot ARNs. */
import { parseArn } from '../aws-ids.js';
import type { CallContext } from '../context.js';
import { invalidParameterValue } from '../errors.js';
import { type QueryParams, readTags } from '../query.js';
import { clusterNotFound, snapshotNotFound } from './errors.js';
import { renderTagList } from './render.js';
import { checkResourceTags } from './rules.js';

/** The tag map of the cluster or cluster snapshot an ARN names in the caller's account and Region. */
function tagsOf(ctx: CallContext, resourceName: string): Map<string, string> {
  const arn = parseArn(resourceName);
  if (arn?.service !== 'rds' || arn.region !== ctx.region) {
    throw invalidParameterValue(
      `The specified resource name does not match an RDS resource in this region: ${resourceName}`,
    );
  }
  const separator = arn.resource.indexOf(':');
  const kind = arn.resource.slice(0, separator);
  const id = arn.resource.slice(separator + 1).toLowerCase();
  if (kind === 'cluster') {
    const cluster = arn.accountId === ctx.accountId ? ctx.store.clusters.get(id) : undefined;
    if (!cluster) throw clusterNotFound(id);
    return cluster.tags;
  }
  if (kind === 'cluster-snapshot') {
    const snapshot = arn.accountId === ctx.accountId ? ctx.store.snapshots.get(id) : undefined;
    if (!snapshot) throw snapshotNotFound(id);
    return snapshot.tags;
  }
  throw invalidParameterValue(`Unsupported resource type in ${resourceName}`);
}

/** The resource's tags as `<TagList>`; `Filters` are ignored like the real service. */
export function listTagsForResource(ctx: CallContext, params: QueryParams): string {
  return renderTagList(tagsOf(ctx, params.required('ResourceName')));
}

/** Adds or overwrites tags; at most 50 per resource. */
export function addTagsToResource(ctx: CallContext, params: QueryParams): undefined {
  const tags = tagsOf(ctx, params.required('ResourceName'));
  const added = readTags(params, 'Tag');
  checkResourceTags(added, tags);
  for (const [key, value] of added) tags.set(key, value);
  return undefined;
}

/** Removes the tags with the given keys; unknown keys are ignored. */
export function removeTagsFromResource(ctx: CallContext, params: QueryParams): undefined {
  const tags = tagsOf(ctx, params.required('ResourceName'));
  for (const key of params.list('TagKeys')) tags.delete(key);
  return undefined;
}

/** The DocumentDB (Query protocol, signing name `rds`, Version 2014-10-31) actions the emulator answers. */
import type { QueryHandler } from '../context.js';
import { describeDBClusterSnapshotAttributes, modifyDBClusterSnapshotAttribute } from './attributes.js';
import { createDBCluster, describeDBClusters } from './clusters.js';
import { copyDBClusterSnapshot } from './copies.js';
import { describeDBClusterSnapshots } from './snapshot-listing.js';
import { createDBClusterSnapshot, deleteDBClusterSnapshot } from './snapshots.js';
import { addTagsToResource, listTagsForResource, removeTagsFromResource } from './tags.js';

export const DOCDB_NAMESPACE = 'http://rds.amazonaws.com/doc/2014-10-31/';
export const DOCDB_VERSION = '2014-10-31';

export const DOCDB_ACTIONS: Readonly<Record<string, QueryHandler>> = {
  DescribeDBClusters: describeDBClusters,
  CreateDBCluster: createDBCluster,
  CreateDBClusterSnapshot: createDBClusterSnapshot,
  DescribeDBClusterSnapshots: describeDBClusterSnapshots,
  DeleteDBClusterSnapshot: deleteDBClusterSnapshot,
  CopyDBClusterSnapshot: copyDBClusterSnapshot,
  ModifyDBClusterSnapshotAttribute: modifyDBClusterSnapshotAttribute,
  DescribeDBClusterSnapshotAttributes: describeDBClusterSnapshotAttributes,
  ListTagsForResource: listTagsForResource,
  AddTagsToResource: addTagsToResource,
  RemoveTagsFromResource: removeTagsFromResource,
};

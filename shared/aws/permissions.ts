/**
 * Every AWS call the product makes, declared once with the IAM actions it needs and the kind of resource
 * it touches. serverless.yml's IAM statements are derived from this list, and a test fails when the code
 * sends a command that is not declared here.
 */

export type ResourceKind =
  | 'cluster'
  | 'cluster-snapshot'
  | 'results-table'
  | 'alert-topic'
  | 'event-bus'
  | 'any';

export type Caller = 'function' | 'cli';

export interface DeclaredCall {
  /** The SDK command class the code sends. */
  command: string;
  /**
   * Who sends it: the deployed backup function (its IAM role gets the actions) and/or the operator CLI
   * (documented as the operator's required permissions, never granted to the function).
   */
  usedBy: Caller[];
  /** IAM actions the call needs (tag-on-create also needs rds:AddTagsToResource). */
  actions: string[];
  /** What the call touches, narrowed to ARNs by the deploy. `any`: the API does not support resource scoping. */
  resources: ResourceKind[];
  why: string;
}

export const AWS_CALLS: readonly DeclaredCall[] = [
  {
    command: 'DescribeDBClustersCommand',
    usedBy: ['function', 'cli'],
    actions: ['rds:DescribeDBClusters'],
    resources: ['cluster'],
    why: 'list the DocumentDB clusters of a Region (engine=docdb)',
  },
  {
    command: 'ListTagsForResourceCommand',
    usedBy: ['function', 'cli'],
    actions: ['rds:ListTagsForResource'],
    resources: ['cluster', 'cluster-snapshot'],
    why: 'select clusters by tag, copy cluster tags, confirm a snapshot is ours',
  },
  {
    command: 'CreateDBClusterSnapshotCommand',
    usedBy: ['function', 'cli'],
    actions: ['rds:CreateDBClusterSnapshot', 'rds:AddTagsToResource'],
    resources: ['cluster', 'cluster-snapshot'],
    why: 'take the tagged manual snapshot',
  },
  {
    command: 'DescribeDBClusterSnapshotsCommand',
    usedBy: ['function', 'cli'],
    actions: ['rds:DescribeDBClusterSnapshots'],
    resources: ['cluster', 'cluster-snapshot'],
    why: 'confirm an existing snapshot, count the manual snapshot quota',
  },
  {
    command: 'DeleteDBClusterSnapshotCommand',
    usedBy: ['function', 'cli'],
    actions: ['rds:DeleteDBClusterSnapshot'],
    resources: ['cluster-snapshot'],
    why: 'retention: delete expired snapshots this service created (IAM also requires the managed-by and policy tags)',
  },
  {
    command: 'BatchWriteItemCommand',
    usedBy: ['function', 'cli'],
    actions: ['dynamodb:BatchWriteItem'],
    resources: ['results-table'],
    why: 'record one result per cluster',
  },
  {
    command: 'PutItemCommand',
    usedBy: ['function', 'cli'],
    actions: ['dynamodb:PutItem'],
    resources: ['results-table'],
    why: 'claim the one alert of a slot, record each retention deletion as it happens (conditional puts)',
  },
  {
    command: 'GetItemCommand',
    usedBy: ['function', 'cli'],
    actions: ['dynamodb:GetItem'],
    resources: ['results-table'],
    why: 'tell a sent alert from one another run is sending',
  },
  {
    command: 'UpdateItemCommand',
    usedBy: ['function', 'cli'],
    actions: ['dynamodb:UpdateItem'],
    resources: ['results-table'],
    why: 'claim, confirm or release the page of a slot (conditional updates)',
  },
  {
    command: 'QueryCommand',
    usedBy: ['cli'],
    actions: ['dynamodb:Query'],
    resources: ['results-table'],
    why: 'status: the latest recorded result of a cluster',
  },
  {
    command: 'PutEventsCommand',
    usedBy: ['function', 'cli'],
    actions: ['events:PutEvents'],
    resources: ['event-bus'],
    why: 'publish one result event per cluster',
  },
  {
    command: 'PublishCommand',
    usedBy: ['function', 'cli'],
    actions: ['sns:Publish'],
    resources: ['alert-topic'],
    why: 'page on-call',
  },
];

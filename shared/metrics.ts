/**
 * The CloudWatch metrics the backup function publishes (Powertools Metrics, EMF), named once: the handler
 * emits them, the deploy generator's alarms watch them, serverless.yml's `POWERTOOLS_METRICS_NAMESPACE`
 * comes from here (through deploy/serverless.cjs). Every metric carries the dimensions `service` and `policy`.
 * @example new Metrics({ namespace: METRICS.namespace, serviceName: METRICS.service })
 */

/** Metric names, by what they count. */
export const METRIC_NAMES = {
  /** Snapshots the run created. */
  snapshotsCreated: 'SnapshotsCreated',
  /** Snapshots of the slot that already existed (a retried or duplicate run). */
  snapshotsAlreadyExisting: 'SnapshotsAlreadyExisting',
  /** Clusters that failed or were skipped. */
  snapshotsFailed: 'SnapshotsFailed',
  /** Attempts beyond the first, over all clusters. */
  snapshotRetries: 'SnapshotRetries',
  /** Result events the function could not deliver to EventBridge: the deploy alarms on it. */
  eventsFailed: 'EventsFailed',
  /** Clusters refused for the manual-snapshot quota. */
  quotaExceeded: 'QuotaExceeded',
} as const;

export const METRICS = {
  namespace: 'DocdbBackup',
  /** The default `service` dimension. */
  service: 'docdb-backup',
  /** Dimension that names the policy of the run. */
  policyDimension: 'policy',
  /** What the no-snapshot alarm sums: a run succeeded for a cluster when either is counted. */
  succeeded: [METRIC_NAMES.snapshotsCreated, METRIC_NAMES.snapshotsAlreadyExisting],
  eventsFailed: METRIC_NAMES.eventsFailed,
} as const;

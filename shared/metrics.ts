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
  /** Clusters still busy at the end of the run, inside their start window: the reconciler tries again. */
  snapshotsPending: 'SnapshotsPending',
  /** Clusters that failed or were skipped. */
  snapshotsFailed: 'SnapshotsFailed',
  /** Attempts beyond the first, over all clusters. */
  snapshotRetries: 'SnapshotRetries',
  /** Result events the function could not deliver to EventBridge: the deploy alarms on it. */
  eventsFailed: 'EventsFailed',
  /** Clusters refused for the manual-snapshot quota. */
  quotaExceeded: 'QuotaExceeded',
  /** A Region's manual cluster snapshots after the run (all engines and owners), dimension `region`. */
  manualSnapshotsUsed: 'ManualSnapshotsUsed',
  /** A Region's manual cluster snapshot quota as the policy file states it, dimension `region`. */
  manualSnapshotQuota: 'ManualSnapshotQuota',
} as const;

/**
 * The reconcile function's metrics, once per pass, with the `service` dimension only. `OpenJobs` is
 * emitted on every pass (0 when nothing is open): the deploy alarms when it stops arriving (the reconciler
 * is not running) and when the oldest open job is older than its windows allow.
 */
export const RECONCILE_METRIC_NAMES = {
  /** Jobs still `pending` or `creating` after the pass. */
  openJobs: 'OpenJobs',
  /** Age of the oldest open job (since its run asked for it), in seconds; 0 when none is open. */
  oldestOpenJobAge: 'OldestOpenJobAgeSeconds',
  /** Jobs whose snapshot became available in the pass. */
  jobsCompleted: 'JobsCompleted',
  /** Jobs that failed in the pass (snapshot failed or vanished, a window closed). */
  jobsFailed: 'JobsFailed',
  /** From AWS accepting a snapshot to it being available, one value per completed job, in seconds. */
  completionLatency: 'JobCompletionSeconds',
  /** Events of the pass that could not be delivered to EventBridge. */
  eventsFailed: 'JobEventsFailed',
  /** Disaster-recovery copies still `waiting` or `copying` after the pass. */
  openCopies: 'OpenCopies',
  /** Age of the oldest open copy (since its backup became available), in seconds; 0 when none. */
  oldestOpenCopyAge: 'OldestOpenCopyAgeSeconds',
  /** Copies that became available in the pass, per destination (dimension `destination`). */
  copiesCompleted: 'CopiesCompleted',
  /** Copies that failed in the pass, per destination (dimension `destination`). */
  copiesFailed: 'CopiesFailed',
  /** From the first hop accepted to the copy available, one value per copy, in seconds. */
  copyLatency: 'CopyCompletionSeconds',
} as const;

export const METRICS = {
  namespace: 'DocdbBackup',
  /** The default `service` dimension. */
  service: 'docdb-backup',
  /** Dimension that names the policy of the run. */
  policyDimension: 'policy',
  /** Dimension of the quota metrics: the Region (with `service`; not per policy, the quota is the account's). */
  regionDimension: 'region',
  /** Dimension of the per-destination copy metrics: `<region>` or `<account>/<region>`. */
  destinationDimension: 'destination',
  /** What the no-snapshot alarm sums: a run succeeded for a cluster when either is counted. */
  succeeded: [METRIC_NAMES.snapshotsCreated, METRIC_NAMES.snapshotsAlreadyExisting],
  eventsFailed: METRIC_NAMES.eventsFailed,
  /**
   * Invocations of either function that ended in an error (functions/common/entry.ts), 1 each, with the
   * `service` dimension (and `policy` when the run had set it); absent, not 0, when none failed.
   */
  invocationsFailed: 'InvocationsFailed',
} as const;

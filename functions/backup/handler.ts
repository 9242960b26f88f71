/**
 * The scheduled backup function: parse the event, find the policy, run the engine, emit metrics, return
 * the summary. Per-cluster failures are in the result; it throws only when the run could not happen.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  type ClusterResult,
  countOutcomes,
  type DeletionResult,
  type Outcome,
  type RunNotice,
  type RunReport,
  runBackup,
} from '../../shared/backup/index.js';
import { METRIC_NAMES, METRICS } from '../../shared/metrics.js';
import { lambdaEntry } from '../common/entry.js';
import type { FunctionWiring } from '../common/wiring.js';
import { parseBackupEvent } from './event.js';

/** What the function returns; documented in docs/how-it-works.md. */
export interface BackupResult {
  policy: string;
  scheduledAt: string;
  results: ClusterResult[];
  /** Snapshots retention deleted (or failed to delete) in this run. */
  deletions: DeletionResult[];
  /** Run-level warnings: Regions (or `*`, the whole policy) whose selection matched no cluster. */
  notices: RunNotice[];
  counts: Record<Outcome, number>;
  alert: { subject: string; severity: string; sent: boolean; note?: string } | null;
  eventsFailed: number;
}

export const logger = new Logger({ serviceName: 'docdb-backup' });
export const metrics = new Metrics({ namespace: METRICS.namespace, serviceName: METRICS.service });

function emitMetrics(target: Metrics, report: RunReport): void {
  const { results } = report.summary;
  target.addDimension(METRICS.policyDimension, report.summary.policy);
  const counts = countOutcomes(results);
  target.addMetric(METRIC_NAMES.snapshotsCreated, MetricUnit.Count, counts.created);
  target.addMetric(METRIC_NAMES.snapshotsAlreadyExisting, MetricUnit.Count, counts['already-exists']);
  target.addMetric(METRIC_NAMES.snapshotsPending, MetricUnit.Count, counts.pending);
  target.addMetric(METRIC_NAMES.snapshotsFailed, MetricUnit.Count, counts.failed + counts.skipped);
  target.addMetric(
    METRIC_NAMES.snapshotRetries,
    MetricUnit.Count,
    results.reduce((sum, r) => sum + Math.max(0, r.attempts - 1), 0),
  );
  // Result events that could not be delivered: the deploy alarms on it (nothing else would notice).
  target.addMetric(METRIC_NAMES.eventsFailed, MetricUnit.Count, report.eventsFailed);
  target.addMetric(
    METRIC_NAMES.quotaExceeded,
    MetricUnit.Count,
    results.filter((r) => r.error?.code === 'quota-exceeded').length,
  );
}

/** Each Region's manual snapshots against its quota, per Region (not per policy: the quota is the account's). */
function emitQuotaUse(target: Metrics, report: RunReport): void {
  for (const use of report.quotaUse) {
    const values = [
      [METRIC_NAMES.manualSnapshotsUsed, use.used],
      [METRIC_NAMES.manualSnapshotQuota, use.quota],
    ] as const;
    for (const [name, value] of values) {
      // A single metric is published at once, with its own dimensions (not the run's policy).
      const single = target.singleMetric();
      single.addDimension(METRICS.regionDimension, use.region);
      single.addMetric(name, MetricUnit.Count, value);
    }
  }
}

/**
 * One invocation, given the container's wiring. Exported for tests and the local runner.
 * @example await runScheduledBackup({ policy: 'nightly', time: '2026-11-28T03:00:00Z' }, 840_000, wiring)
 */
export async function runScheduledBackup(
  event: unknown,
  remainingMs: number,
  wiring: FunctionWiring,
  observability: { logger: Logger; metrics: Metrics } = { logger, metrics },
): Promise<BackupResult> {
  const request = parseBackupEvent(
    event,
    wiring.policies.map((p) => p.name),
    new Date(wiring.deps.clock.now()),
  );
  const policy = wiring.policies.find((p) => p.name === request.policy)!;
  const scheduledAt = request.slot.toISOString();
  observability.logger.appendKeys({ policy: policy.name, scheduledAt });
  if (!policy.enabled)
    observability.logger.warn('policy is disabled in the policy file; running because invoked');
  const deadline = wiring.deps.clock.now() + remainingMs;
  const report = await runBackup(wiring.deps, {
    policy,
    slot: request.slot,
    deadline,
    concurrency: wiring.env.concurrency,
    prefixOwners: wiring.policies.map((p) => ({ policy: p.name, prefix: p.snapshot.prefix })),
    signal: AbortSignal.timeout(Math.max(1, remainingMs - 1_000)),
  });
  emitMetrics(observability.metrics, report);
  emitQuotaUse(observability.metrics, report);
  const counts = countOutcomes(report.summary.results);
  observability.logger.info('run finished', {
    counts,
    alert: report.alert,
    eventsFailed: report.eventsFailed,
  });
  return {
    ...report.summary,
    notices: report.summary.notices ?? [],
    counts,
    alert: report.alert ?? null,
    eventsFailed: report.eventsFailed,
  };
}

/** The Lambda entry point. */
export const handler = lambdaEntry(logger, metrics, runScheduledBackup);

/**
 * The reconcile function: one pass over every policy's followed jobs (shared/lifecycle), metrics, and the
 * result `{ open, transitions }`. It fails the invocation (after doing all it could) when a page could not
 * be sent or a policy's jobs could not be read: the next pass, or Lambda's retry, tries again.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { RunFailedError } from '../../shared/backup/errors.js';
import { locationKey } from '../../shared/backup/location.js';
import { type ReconcileReport, reconcile } from '../../shared/lifecycle/pass.js';
import { METRICS, RECONCILE_METRIC_NAMES } from '../../shared/metrics.js';
import type { CopyTransition } from '../../shared/planning/copies.js';
import type { JobTransition } from '../../shared/planning/jobs.js';
import { lambdaEntry } from '../common/entry.js';
import type { FunctionWiring } from '../common/wiring.js';
import { checkReconcileEvent } from './event.js';

/** What the function returns; documented in docs/how-it-works.md. */
export interface ReconcileResult {
  /** Jobs still open (`pending` or `creating`) after the pass. */
  open: number;
  transitions: JobTransition[];
  pages: ReconcileReport['pages'];
  eventsFailed: number;
  /** Copies still open after the pass, and the copies' moves in it. */
  copies: { open: number; transitions: CopyTransition[] };
}

export const logger = new Logger({ serviceName: 'docdb-backup' });
export const metrics = new Metrics({ namespace: METRICS.namespace, serviceName: METRICS.service });

/** Time kept back before Lambda's timeout: the pass ends its work and pages before it. */
const MARGIN_MS = 5_000;

function emitMetrics(target: Metrics, report: ReconcileReport, now: number): void {
  const names = RECONCILE_METRIC_NAMES;
  const oldest = Math.min(now, ...report.open.map((job) => Date.parse(job.requestedAt)));
  target.addMetric(names.openJobs, MetricUnit.Count, report.open.length);
  target.addMetric(
    names.oldestOpenJobAge,
    MetricUnit.Seconds,
    Math.max(0, Math.round((now - oldest) / 1000)),
  );
  target.addMetric(
    names.jobsCompleted,
    MetricUnit.Count,
    report.transitions.filter((t) => t.to === 'available').length,
  );
  target.addMetric(
    names.jobsFailed,
    MetricUnit.Count,
    report.transitions.filter((t) => t.to === 'failed').length,
  );
  for (const t of report.transitions)
    if (t.durationMs !== undefined)
      target.addMetric(names.completionLatency, MetricUnit.Seconds, t.durationMs / 1000);
  target.addMetric(names.eventsFailed, MetricUnit.Count, report.eventsFailed);
}

/** The copies' metrics: open and oldest for the pass, completions and failures per destination. */
function emitCopyMetrics(target: Metrics, report: ReconcileReport, now: number): void {
  const names = RECONCILE_METRIC_NAMES;
  const { open, transitions } = report.copies;
  const oldest = Math.min(now, ...open.map((job) => Date.parse(job.requestedAt)));
  target.addMetric(names.openCopies, MetricUnit.Count, open.length);
  target.addMetric(
    names.oldestOpenCopyAge,
    MetricUnit.Seconds,
    Math.max(0, Math.round((now - oldest) / 1000)),
  );
  for (const t of transitions)
    if (t.durationMs !== undefined)
      target.addMetric(names.copyLatency, MetricUnit.Seconds, t.durationMs / 1000);
  const counts = new Map<string, { completed: number; failed: number }>();
  for (const t of transitions) {
    if (t.to !== 'available' && t.to !== 'failed') continue;
    const key = locationKey(t.destination);
    const count = counts.get(key) ?? { completed: 0, failed: 0 };
    if (t.to === 'available') count.completed++;
    else count.failed++;
    counts.set(key, count);
  }
  for (const [destination, count] of counts) {
    const values = [
      [names.copiesCompleted, count.completed],
      [names.copiesFailed, count.failed],
    ] as const;
    for (const [name, value] of values) {
      // A single metric is published at once with its own dimension (the destination), then forgets it:
      // one per metric, or the second would go out without the destination.
      const single = target.singleMetric();
      single.addDimension(METRICS.destinationDimension, destination);
      single.addMetric(name, MetricUnit.Count, value);
    }
  }
}

/**
 * One pass, given the container's wiring. Exported for tests, the CLI and the local demo.
 * @example await runReconcilePass({}, 240_000, wiring)
 */
export async function runReconcilePass(
  event: unknown,
  remainingMs: number,
  wiring: FunctionWiring,
  observability: { logger: Logger; metrics: Metrics } = { logger, metrics },
): Promise<ReconcileResult> {
  checkReconcileEvent(event);
  const { deps } = wiring;
  const report = await reconcile(deps, {
    policies: wiring.policies,
    maxCopiesInFlight: wiring.reconcile.maxCopiesInFlight,
    deadline: deps.clock.now() + remainingMs - MARGIN_MS,
    concurrency: wiring.env.concurrency,
    signal: AbortSignal.timeout(Math.max(1, remainingMs - 1_000)),
  });
  emitMetrics(observability.metrics, report, deps.clock.now());
  emitCopyMetrics(observability.metrics, report, deps.clock.now());
  observability.logger.info('pass finished', {
    open: report.open.length,
    transitions: report.transitions.length,
    openCopies: report.copies.open.length,
    copyTransitions: report.copies.transitions.length,
    pages: report.pages,
    eventsFailed: report.eventsFailed,
  });
  const unsent = report.pages.filter((page) => page.failed);
  const { leftovers } = report.copies;
  if (unsent.length || report.unread.length || leftovers.length) {
    const why = [
      ...unsent.map((page) => `the page for policy "${page.policy}" could not be sent (${page.note})`),
      ...report.unread.map((u) => `the jobs of policy "${u.policy}" could not be read (${u.error})`),
    ];
    const retried = why.length ? `${why.join('; ')}; the next pass tries again` : '';
    // Nothing retries what ended copies left: the error (and its alarm) is how someone hears of it.
    const byHand = leftovers.map((left) => `not undone, remove by hand: ${left}`).join('; ');
    throw new RunFailedError([retried, byHand].filter(Boolean).join('; '));
  }
  return {
    open: report.open.length,
    transitions: report.transitions,
    pages: report.pages,
    eventsFailed: report.eventsFailed,
    copies: { open: report.copies.open.length, transitions: report.copies.transitions },
  };
}

/** The Lambda entry point. */
export const handler = lambdaEntry(logger, metrics, runReconcilePass);

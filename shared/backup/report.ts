/**
 * Reporting a finished run: record every outcome, publish the result events and page on-call at most once
 * per policy and slot, side by side, on the time left after the work phase. A page is claimed, sent, then
 * confirmed; one that could not be sent releases its claim so that a retry of the slot pages.
 */

import type { BackupJob } from '../planning/jobs.js';
import { quotaOf } from '../policy/limits.js';
import type { ResolvedPolicy } from '../policy/schema.js';
import { composeAlert, type PrefixOwner, type QuotaReport, quotaReport } from './alert.js';
import { describeFailure } from './failures.js';
import { inOwnAccount } from './location.js';
import { inPool } from './pool.js';
import type { Alert, AlertClaim, EngineDeps } from './ports.js';
import type { QuotaUsage } from './quota-usage.js';
import type { DeletionResult, QuotaWarning, RunSummary } from './results.js';

/** What reporting uses of the run's dependencies. */
export type ReportDeps = Omit<EngineDeps, 'random'>;

/** What paging uses: the ledger, SNS, and DocumentDB to say who holds the quota. */
export type PageDeps = Pick<EngineDeps, 'docdb' | 'alerts' | 'alerter' | 'clock' | 'log'>;

export interface ReportRequest {
  policy: ResolvedPolicy;
  /** Every policy's prefix, to tell who holds the quota. */
  prefixOwners: PrefixOwner[];
  /** When this run ends (epoch ms): a page claim is never held past it. */
  deadline: number;
  /** The Regions' manual snapshots as counted after the work, reused to name who holds the quota. */
  usage?: QuotaUsage;
  /** How long a page claim is held while sending (default PAGE_LEASE_MS). */
  pageLeaseMs?: number;
  /** Fires at the deadline (not at the work cutoff): reporting has its own time. */
  signal?: AbortSignal;
}

/**
 * How long a claimed page is held while it is sent (SNS answers in well under this). A run that crashes
 * holding it delays nobody for long: Lambda retries a failed invocation a minute or more later.
 */
export const PAGE_LEASE_MS = 60_000;

/** Conditional job writes in flight at once while reporting (jobs of busy or existing snapshots). */
const JOBS_IN_FLIGHT = 8;

/** What became of the run's page. `failed`: it had to be sent and was not; the run must fail. */
export interface RunAlert {
  subject: string;
  severity: string;
  sent: boolean;
  note?: string;
  failed?: boolean;
}

export interface RunReporting {
  recorded: boolean;
  alert?: RunAlert;
  eventsFailed: number;
}

/** Who holds the snapshot slots of the Regions the page talks about (one listing per Region). */
async function quotaReports(
  deps: PageDeps,
  request: ReportRequest,
  regions: string[],
): Promise<QuotaReport[]> {
  const reports: QuotaReport[] = [];
  for (const region of regions) {
    try {
      const snapshots =
        request.usage?.get(region) ??
        (await deps.docdb.listManualSnapshots(inOwnAccount(region), request.signal));
      reports.push(
        quotaReport(region, quotaOf(request.policy.quota, region), snapshots, request.prefixOwners),
      );
    } catch (error) {
      deps.log.warn('could not count manual snapshots for the alert', {
        region,
        error: describeFailure(error),
      });
    }
  }
  return reports;
}

/** How often a run that finds another run sending the slot's page looks again. */
const CLAIM_POLL_MS = 2_000;
/** A send must end this long before its claim's lease does. */
export const SEND_SAFETY_MS = 500;
/** Time kept to send a page after waiting for another run's claim. */
const SEND_MARGIN_MS = 5_000;

/**
 * Claims the slot's page at the alert's severity. While another run holds it, waits for that run to
 * confirm, release or pass its lease (then takes over), as long as this run has time; undefined when the
 * claim cannot be checked at all (the caller pages anyway: a double page beats none).
 */
async function claim(
  deps: PageDeps,
  request: ReportRequest,
  summary: RunSummary,
  alert: Alert,
): Promise<AlertClaim | undefined> {
  const lease = request.pageLeaseMs ?? PAGE_LEASE_MS;
  for (;;) {
    let held: AlertClaim;
    try {
      const leaseUntil = Math.min(request.deadline, deps.clock.now() + lease);
      held = await deps.alerts.claimAlert(summary.policy, summary.scheduledAt, leaseUntil, {
        severity: alert.severity,
        signal: request.signal,
      });
    } catch (error) {
      deps.log.warn('could not check whether this slot already paged; paging anyway', {
        error: describeFailure(error),
      });
      return undefined;
    }
    // Wait no later than leaves this run time to send the page itself if the holder gives it up.
    const waitUntil = Math.min(
      held.state === 'in-progress' ? held.until + 1 : 0,
      request.deadline - SEND_MARGIN_MS,
    );
    if (held.state !== 'in-progress' || deps.clock.now() >= waitUntil) return held;
    deps.log.info('another run of this slot is sending its page; waiting for it', { until: held.until });
    try {
      await deps.clock.sleep(Math.min(CLAIM_POLL_MS, waitUntil - deps.clock.now()), request.signal);
    } catch {
      return held;
    }
  }
}

/**
 * Sends the run's page when someone must act, unless this slot's page (at this severity or more) was
 * already sent. `failed`: it had to go out and could not (SNS refused, or another run held it past this
 * run's time): the run fails so that its retry pages.
 * @example await pageOnce(deps, request, summary, []) // undefined when all went well
 */
export async function pageOnce(
  deps: PageDeps,
  request: ReportRequest,
  summary: RunSummary,
  warnings: QuotaWarning[],
): Promise<RunAlert | undefined> {
  const quotaRegions = summary.results.filter((r) => r.error?.code === 'quota-exceeded').map((r) => r.region);
  const regions = [...new Set([...quotaRegions, ...warnings.map((w) => w.region)])];
  const alert = composeAlert(summary, {
    quotaReports: regions.length ? await quotaReports(deps, request, regions) : [],
    warnings,
    hasRetention: request.policy.retention !== undefined,
  });
  if (!alert) return undefined;
  const report = { subject: alert.subject, severity: alert.severity };
  const held = await claim(deps, request, summary, alert);
  if (held?.state === 'sent') {
    deps.log.info('alert already sent for this slot; not paging again', { subject: alert.subject });
    return { ...report, sent: false, note: 'already sent for this slot' };
  }
  if (held?.state === 'in-progress') {
    deps.log.error(
      "another run of this slot held its page past this run's time; failing so a retry makes sure",
      {
        subject: alert.subject,
      },
    );
    return { ...report, sent: false, failed: true, note: 'another run of this slot was still sending it' };
  }
  // Sending may not outlast the claim's lease, or a run taking it over would page a second time: the
  // time left is counted from the lease the claim was given, not from when its answer arrived.
  const lease = request.pageLeaseMs ?? PAGE_LEASE_MS;
  const sendMs = (held ? held.leaseUntil : deps.clock.now() + lease) - deps.clock.now() - SEND_SAFETY_MS;
  if (sendMs <= 0) {
    if (held) await deps.alerts.releaseAlert(held, request.signal).catch(() => undefined);
    deps.log.error('no time left to send the page within its claim; the run fails so that it is retried');
    return { ...report, sent: false, failed: true, note: 'the claim left no time to send the page' };
  }
  const sendSignal = AbortSignal.any([
    ...(request.signal ? [request.signal] : []),
    AbortSignal.timeout(sendMs),
  ]);
  try {
    await deps.alerter.send(alert, sendSignal);
  } catch (error) {
    const failure = describeFailure(error);
    deps.log.error('could not send the alert; the run fails so that it is retried', { error: failure });
    if (held) await deps.alerts.releaseAlert(held, request.signal).catch(() => undefined);
    return { ...report, sent: false, failed: true, note: failure.message };
  }
  deps.log.warn('on-call alerted', { subject: alert.subject, severity: alert.severity });
  if (held) {
    await deps.alerts
      .confirmAlert(held, request.signal)
      .catch((error: unknown) =>
        deps.log.warn('alert sent, but its claim could not be confirmed', { error: describeFailure(error) }),
      );
  }
  return { ...report, sent: true };
}

/**
 * Records (results and the jobs the run started), publishes and pages side by side. `unrecorded`:
 * deletions that could not be recorded as they happened (written again here). Never throws; the caller decides the verdict from what it returns.
 * @example const { recorded, alert } = await reportRun(deps, request, summary, warnings, [])
 */
export async function reportRun(
  deps: ReportDeps,
  request: ReportRequest,
  summary: RunSummary,
  warnings: QuotaWarning[],
  unrecorded: DeletionResult[],
  jobs: readonly { job: BackupJob; created: boolean }[] = [],
): Promise<RunReporting> {
  const created = jobs.filter((j) => j.created).map((j) => j.job);
  const found = jobs.filter((j) => !j.created).map((j) => j.job);
  const [recorded, alert, eventsFailed] = await Promise.all([
    Promise.all([
      deps.results.record({ ...summary, deletions: unrecorded }, request.signal),
      deps.jobs.record(created, request.signal),
      // A job already there (a retried run of the slot) is kept as it is: the first run's times stand.
      inPool(found, JOBS_IN_FLIGHT, (job) => deps.jobs.put(job, request.signal)),
      // The policy's note lets a pass find these jobs even after the policy leaves the file.
      jobs.length > 0 ? deps.jobs.remember(summary.policy, request.signal) : undefined,
    ]).then(
      () => true,
      (error: unknown) => {
        deps.log.error('could not record the results and jobs', { error: describeFailure(error) });
        return false;
      },
    ),
    pageOnce(deps, request, summary, warnings),
    deps.events.publish(summary, request.signal).then(
      (out) => out.failed,
      (error: unknown) => {
        deps.log.error('could not publish the result events', { error: describeFailure(error) });
        return summary.results.length + summary.deletions.length + (summary.notices?.length ?? 0);
      },
    ),
  ]);
  if (eventsFailed > 0) deps.log.warn('some result events were not delivered', { eventsFailed });
  return { recorded, alert, eventsFailed };
}

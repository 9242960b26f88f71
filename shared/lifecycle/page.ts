/**
 * At most one page per policy per reconcile pass, covering every failed job of the policy not paged yet,
 * with the backup run's safety: each job's page is claimed (conditional write, with a lease) before the
 * page is sent, confirmed once SNS accepted it, and released when it could not be sent, so the next pass
 * pages it. Two passes at once never page one failure twice; a crash between send and confirm is bounded
 * by the lease, like the run's.
 */
import { randomUUID } from 'node:crypto';
import { describeFailure } from '../backup/failures.js';
import { inPool } from '../backup/pool.js';
import type { Alert, EngineDeps } from '../backup/ports.js';
import { PAGE_LEASE_MS, SEND_SAFETY_MS } from '../backup/report.js';
import type { BackupJob } from '../planning/jobs.js';
import { composeJobAlert } from './alert.js';

/** Page claims written at once. */
const CLAIMS_IN_FLIGHT = 8;

export type PageDeps = Pick<EngineDeps, 'jobs' | 'alerter' | 'clock' | 'log'>;

/** What became of a policy's page in a pass. `failed`: it had to go out and did not (the pass fails). */
export interface JobsPage {
  policy: string;
  subject: string;
  jobs: number;
  sent: boolean;
  failed?: boolean;
  note?: string;
}

/** A store's page claims for one kind of followed job (backup jobs, copy jobs). */
export interface PageClaims<J> {
  claimPage(job: J, token: string, leaseUntil: number): Promise<boolean>;
  confirmPage(job: J, token: string): Promise<void>;
  releasePage(job: J, token: string): Promise<void>;
}

type Paged = { snapshotId: string };

async function claimAll<J extends Paged>(
  deps: Pick<PageDeps, 'log'>,
  claims: PageClaims<J>,
  jobs: readonly J[],
  token: string,
  leaseUntil: number,
) {
  const claimed = await inPool(jobs, CLAIMS_IN_FLIGHT, async (job) => {
    try {
      return (await claims.claimPage(job, token, leaseUntil)) ? job : undefined;
    } catch (error) {
      deps.log.warn('could not claim the page of a failed job; the next pass pages it', {
        snapshotId: job.snapshotId,
        error: describeFailure(error),
      });
      return undefined;
    }
  });
  return claimed.filter((job): job is Awaited<J> & J => job !== undefined);
}

/**
 * Pages the failed jobs of one policy that no pass paged yet (those another pass holds are left to it).
 * @example await pageFailedJobs(deps, 'nightly', failedJobs, { deadline }) // { sent: true, jobs: 2, … }
 */
export function pageFailedJobs(
  deps: PageDeps,
  policy: string,
  failed: readonly BackupJob[],
  request: { deadline: number; signal?: AbortSignal },
): Promise<JobsPage | undefined> {
  return pageFailed(deps, deps.jobs, (jobs) => composeJobAlert(policy, jobs), policy, failed, request);
}

/**
 * Claims, sends and confirms one page for failed jobs of one policy, through `claims`; `compose` writes
 * it for the jobs this pass claimed.
 */
export async function pageFailed<J extends Paged>(
  deps: Omit<PageDeps, 'jobs'>,
  claims: PageClaims<J>,
  compose: (claimed: readonly J[]) => Alert,
  policy: string,
  failed: readonly J[],
  request: { deadline: number; signal?: AbortSignal },
): Promise<JobsPage | undefined> {
  if (failed.length === 0) return undefined;
  const token = randomUUID();
  const leaseUntil = Math.min(request.deadline, deps.clock.now() + PAGE_LEASE_MS);
  const claimed = await claimAll(deps, claims, failed, token, leaseUntil);
  if (claimed.length === 0) return undefined;
  const alert = compose(claimed);
  const outcome = { policy, subject: alert.subject, jobs: claimed.length };
  const release = () =>
    inPool(claimed, CLAIMS_IN_FLIGHT, (job) => claims.releasePage(job, token).catch(() => undefined));
  // Sending may not outlast the claims' lease, or a pass taking them over would page a second time.
  const sendMs = leaseUntil - deps.clock.now() - SEND_SAFETY_MS;
  try {
    if (sendMs <= 0) throw new Error('the claim left no time to send the page');
    const timeout = AbortSignal.timeout(sendMs);
    await deps.alerter.send(alert, request.signal ? AbortSignal.any([request.signal, timeout]) : timeout);
  } catch (error) {
    const failure = describeFailure(error);
    deps.log.error('could not send the page of failed jobs; the next pass pages them', { error: failure });
    await release();
    return { ...outcome, sent: false, failed: true, note: failure.message };
  }
  deps.log.warn('on-call alerted', { subject: alert.subject, jobs: claimed.length });
  await inPool(claimed, CLAIMS_IN_FLIGHT, (job) =>
    claims.confirmPage(job, token).catch((error: unknown) =>
      deps.log.warn('page sent, but its claim could not be confirmed', {
        snapshotId: job.snapshotId,
        error: describeFailure(error),
      }),
    ),
  );
  return { ...outcome, sent: true };
}

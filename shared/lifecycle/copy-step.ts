/**
 * What one pass does to one copy job: a `waiting` job chosen to start reads its source (ARN, encryption)
 * and makes its first hop; a `copying` job reads its hop's copy where it is and, once that is available,
 * makes the next hop, or (the last one) undoes the shares and intermediates and completes. Failures are
 * definitive answers only; anything transient is "not now", bounded by the policy's completion window.
 */
import { describeFailure } from '../backup/failures.js';
import { describeLocation } from '../backup/location.js';
import {
  type CopyChange,
  type CopyJob,
  copyRoute,
  hopProgress,
  type Route,
  settingFor,
} from '../planning/copies.js';
import type { Failure } from '../planning/failure.js';
import type { CopySettings } from '../policy/resolved.js';
import { type HopContext, startHop, undo } from './copy-hop.js';

/** A copy job and what this pass does to it. */
export interface CopyMove {
  job: CopyJob;
  change: CopyChange;
}

export interface StepContext extends HopContext {
  now: () => Date;
}

function failed(ctx: StepContext, error: Failure): CopyChange {
  return { state: 'failed', completedAt: ctx.now().toISOString(), error };
}

/** The policy's setting for the job's destination; undefined when the file no longer copies there. */
function settingOf(ctx: StepContext, job: CopyJob): CopySettings | undefined {
  return settingFor(ctx.policy.copies, job.source.region, job.destination);
}

function noLongerCopied(ctx: StepContext, job: CopyJob): CopyChange {
  const message = `policy "${job.policy}" no longer copies to ${describeLocation(job.destination)}, so the copy of "${job.snapshotId}" was not finished`;
  return failed(ctx, { code: 'copy-failed', message });
}

/** The encrypted source needs keys the setting does not give: say which, before AWS refuses. */
function missingKey(job: CopyJob, route: Route): Failure | undefined {
  if (!job.encrypted) return undefined;
  const hop = route.hops.find(
    (h) => !h.kmsKeyId && (h.share || h.at.region !== job.source.region || h.at.account),
  );
  if (!hop) return undefined;
  const field = hop.at.region === job.destination.region ? 'kmsKeyId' : 'transitKmsKeyId';
  const message = `snapshot "${job.snapshotId}" is encrypted, so its copy to ${describeLocation(hop.at)} needs a key of that account and Region: set copies[].${field} for ${describeLocation(job.destination)} in the policy file`;
  return { code: 'kms-misconfigured', message };
}

/** Best-effort undo after a failure: a share left in place is logged (the next failure page names it). */
async function undoAfterFailure(ctx: StepContext, job: CopyJob, route: Route): Promise<void> {
  try {
    await undo(ctx, { unshare: route.cleanup.unshare, remove: [] }, job.sourceArn ?? '');
  } catch (error) {
    ctx.log.error('could not take back the share of a failed copy; remove it by hand', {
      snapshotId: job.snapshotId,
      error: describeFailure(error),
    });
  }
}

/**
 * Starts a waiting copy job: reads its source and makes the first hop.
 * @example await startCopy(ctx, waitingJob) // { state: 'copying', step: 0, startedAt, sourceArn, encrypted }
 */
export async function startCopy(ctx: StepContext, job: CopyJob): Promise<CopyChange | undefined> {
  const setting = settingOf(ctx, job);
  if (!setting) return noLongerCopied(ctx, job);
  const source = await ctx.docdb.snapshotState(job.source, job.snapshotId, ctx.signal);
  if (source?.status !== 'available') {
    const now = source ? `is "${source.status}"` : 'no longer exists';
    const message = `the source snapshot "${job.snapshotId}" in ${describeLocation(job.source)} ${now}, so it cannot be copied to ${describeLocation(job.destination)}`;
    return failed(ctx, { code: 'copy-failed', message });
  }
  const started: CopyJob = { ...job, sourceArn: source.arn, encrypted: source.encrypted ?? false };
  const route = copyRoute(started, source.arn, setting);
  const keyProblem = missingKey(started, route);
  if (keyProblem) return failed(ctx, keyProblem);
  const outcome = await startHop(ctx, started, route.hops[0] as Route['hops'][number], source.arn);
  if (!outcome) return undefined;
  if ('failure' in outcome) {
    await undoAfterFailure(ctx, started, route);
    return failed(ctx, outcome.failure);
  }
  return {
    state: 'copying',
    step: 0,
    startedAt: ctx.now().toISOString(),
    sourceArn: source.arn,
    encrypted: started.encrypted,
  };
}

/** The last hop is available: undo, then complete (or, past the window, fail naming what is left). */
async function complete(ctx: StepContext, job: CopyJob, route: Route, completionMinutes: number) {
  try {
    await undo(ctx, route.cleanup, job.sourceArn as string);
    return { state: 'available', completedAt: ctx.now().toISOString() } satisfies CopyChange;
  } catch (error) {
    const failure = describeFailure(error);
    const ends = Date.parse(job.startedAt ?? job.requestedAt) + completionMinutes * 60_000;
    ctx.log.warn('copy available, but its share or intermediate copy could not be removed yet', {
      snapshotId: job.snapshotId,
      error: failure,
    });
    if (ctx.now().getTime() < ends) return undefined;
    const message = `the copy of "${job.snapshotId}" in ${describeLocation(job.destination)} is available, but the share or intermediate copy could not be removed before the completion window closed: ${failure.message}`;
    return failed(ctx, { code: 'copy-failed', message });
  }
}

/**
 * Carries a copying job forward: its hop's copy done → the next hop, or the end; failed → failed.
 * @example await advanceCopy(ctx, copyingJob) // { state: 'available', completedAt }
 */
export async function advanceCopy(ctx: StepContext, job: CopyJob): Promise<CopyChange | undefined> {
  const setting = settingOf(ctx, job);
  if (!setting || !job.sourceArn) return noLongerCopied(ctx, job);
  const route = copyRoute(job, job.sourceArn, setting);
  const hop = route.hops[job.step];
  if (!hop)
    return failed(ctx, { code: 'copy-failed', message: `copy route changed under "${job.snapshotId}"` });
  const copy = await ctx.docdb.copyState(hop.at, hop.snapshotId, ctx.signal);
  const progress = hopProgress(copy, job, ctx.policy.windows.completionMinutes, ctx.now());
  if (progress.next === 'wait') return undefined;
  if (progress.next === 'fail') {
    await undoAfterFailure(ctx, job, route);
    return failed(ctx, progress.error);
  }
  const next = route.hops[job.step + 1];
  if (!next) return complete(ctx, job, route, ctx.policy.windows.completionMinutes);
  const outcome = await startHop(ctx, job, next, job.sourceArn);
  if (!outcome) return undefined;
  if ('failure' in outcome) {
    await undoAfterFailure(ctx, job, route);
    return failed(ctx, outcome.failure);
  }
  return { state: 'copying', step: job.step + 1 };
}

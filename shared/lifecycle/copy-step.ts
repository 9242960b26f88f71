/**
 * What one pass does to one copy job: a `waiting` job chosen to start reads its source (ARN, encryption)
 * and makes its first hop; a `copying` job reads its hop's copy where it is and, once that is available,
 * makes the next hop, or (the last one) undoes the shares and intermediates and completes. A definitive
 * answer fails the job; anything transient is "later", with why, and the completion window bounds it:
 * past the window a copy that cannot move fails, naming the last reason. Whenever a copy ends without
 * completing, every share and intermediate copy it may have left is undone, and what could not be undone
 * is named in its failure (so the page says what to remove by hand).
 */
import { describeFailure } from '../backup/failures.js';
import { describeLocation } from '../backup/location.js';
import {
  type CopyChange,
  type CopyJob,
  copyRoute,
  copyWindowEndsAt,
  fullCleanup,
  hopProgress,
  ownedPart,
  type Route,
  settingFor,
} from '../planning/copies.js';
import type { Failure } from '../planning/failure.js';
import type { CopySettings } from '../policy/resolved.js';
import { type HopContext, startHop, type UndoContext, undo } from './copy-hop.js';

/** A copy job and what this pass does to it. */
export interface CopyMove {
  job: CopyJob;
  change: CopyChange;
}

export interface StepContext extends HopContext {
  now: () => Date;
  /**
   * What completed copies left that could not be undone (each with the command to do it by hand): the
   * pass fails its invocation for them, so the errors alarm says so (nothing else would page).
   */
  leftovers: string[];
}

/** No move in this pass, and why (for the failure, should the window close before the next move). */
export interface Later {
  later: string;
}

export type StepOutcome = CopyChange | Later;

/** The source's ARN: the job's, else read from AWS (a waiting job never recorded it); undefined if gone. */
async function sourceArnOf(ctx: UndoContext, job: CopyJob): Promise<string | undefined> {
  if (job.sourceArn) return job.sourceArn;
  try {
    return (await ctx.docdb.snapshotState(job.source, job.snapshotId, ctx.signal))?.arn;
  } catch {
    return undefined;
  }
}

/**
 * Fails a copy job after undoing everything it may have left (shares, intermediate copies); what could not
 * be undone is added to the failure's message, with the command to do it by hand.
 * @example await abandon(ctx, job, { code: 'copy-failed', message: '…' }, now) // { state: 'failed', … }
 */
export async function abandon(
  ctx: UndoContext,
  job: CopyJob,
  error: Failure,
  now: Date,
): Promise<CopyChange> {
  // The source's own share is the pass's to take back, once no copy into the account needs it.
  const left = await undo(ctx, ownedPart(job, fullCleanup(job)), await sourceArnOf(ctx, job));
  if (left.length) {
    ctx.log.error('a copy ended, but not everything it left could be undone', {
      snapshotId: job.snapshotId,
      left,
    });
  }
  const message = left.length
    ? `${error.message}; not undone, remove by hand: ${left.join('; ')}`
    : error.message;
  return { state: 'failed', completedAt: now.toISOString(), error: { code: error.code, message } };
}

/** The policy's setting for the job's destination; undefined when the file no longer copies there. */
function settingOf(ctx: StepContext, job: CopyJob): CopySettings | undefined {
  return settingFor(ctx.policy.copies, job.source.region, job.destination);
}

function noLongerCopied(ctx: StepContext, job: CopyJob): Promise<CopyChange> {
  const message = `policy "${job.policy}" no longer copies to ${describeLocation(job.destination)}, so the copy of "${job.snapshotId}" was not finished`;
  return abandon(ctx, job, { code: 'copy-failed', message }, ctx.now());
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

/**
 * Starts a waiting copy job: reads its source and makes the first hop.
 * @example await startCopy(ctx, waitingJob) // { state: 'copying', step: 0, startedAt, sourceArn, encrypted }
 */
export async function startCopy(ctx: StepContext, job: CopyJob): Promise<StepOutcome> {
  const setting = settingOf(ctx, job);
  if (!setting) return noLongerCopied(ctx, job);
  const source = await ctx.docdb.snapshotState(job.source, job.snapshotId, ctx.signal);
  if (source?.status !== 'available') {
    const now = source ? `is "${source.status}"` : 'no longer exists';
    const message = `the source snapshot "${job.snapshotId}" in ${describeLocation(job.source)} ${now}, so it cannot be copied to ${describeLocation(job.destination)}`;
    return abandon(ctx, job, { code: 'copy-failed', message }, ctx.now());
  }
  const started: CopyJob = { ...job, sourceArn: source.arn, encrypted: source.encrypted ?? false };
  const route = copyRoute(started, source.arn, setting);
  const keyProblem = missingKey(started, route);
  if (keyProblem) return abandon(ctx, started, keyProblem, ctx.now());
  const outcome = await startHop(ctx, started, route.hops[0] as Route['hops'][number], source.arn);
  if ('later' in outcome) return outcome;
  if ('failure' in outcome) return abandon(ctx, started, outcome.failure, ctx.now());
  return {
    state: 'copying',
    step: 0,
    startedAt: ctx.now().toISOString(),
    sourceArn: source.arn,
    encrypted: started.encrypted,
  };
}

/**
 * The last hop is available: the copy is complete. What it leaves on the way (its share copy's share, its
 * intermediate copies) is undone now; what cannot be is noted for the pass to report (the copy itself is
 * restorable: it is not failed for that).
 */
async function complete(ctx: StepContext, job: CopyJob, route: Route): Promise<StepOutcome> {
  const left = await undo(ctx, ownedPart(job, route.cleanup), job.sourceArn);
  if (left.length) {
    ctx.log.error('copy available, but not everything it left could be undone: remove it by hand', {
      snapshotId: job.snapshotId,
      left,
    });
    ctx.leftovers.push(
      ...left.map(
        (what) => `after the copy of ${job.snapshotId} to ${describeLocation(job.destination)}: ${what}`,
      ),
    );
  }
  return { state: 'available', completedAt: ctx.now().toISOString() };
}

/**
 * Carries a copying job forward: its hop's copy done → the next hop, or the end; failed → failed.
 * @example await advanceCopy(ctx, copyingJob) // { state: 'available', completedAt }
 */
export async function advanceCopy(ctx: StepContext, job: CopyJob): Promise<StepOutcome> {
  const setting = settingOf(ctx, job);
  if (!setting || !job.sourceArn) return noLongerCopied(ctx, job);
  const route = copyRoute(job, job.sourceArn, setting);
  const hop = route.hops[job.step];
  if (!hop)
    return abandon(
      ctx,
      job,
      { code: 'copy-failed', message: `copy route changed under "${job.snapshotId}"` },
      ctx.now(),
    );
  const copy = await ctx.docdb.copyState(hop.at, hop.snapshotId, ctx.signal);
  const progress = hopProgress(copy, job, ctx.policy.windows.completionMinutes, ctx.now());
  if (progress.next === 'wait')
    return { later: `still ${copy?.status ?? 'copying'} in ${describeLocation(hop.at)}` };
  if (progress.next === 'fail') return abandon(ctx, job, progress.error, ctx.now());
  const next = route.hops[job.step + 1];
  if (!next) return complete(ctx, job, route);
  const outcome = await startHop(ctx, job, next, job.sourceArn);
  if ('later' in outcome) return outcome;
  if ('failure' in outcome) return abandon(ctx, job, outcome.failure, ctx.now());
  return { state: 'copying', step: job.step + 1 };
}

/**
 * A copy that did not move in this pass, past its completion window: it fails, naming why it could not
 * move, after everything it may have left is undone. Undefined while the window is open.
 * @example await overdue(ctx, job, 'ThrottlingException: …') // { state: 'failed', error: { code: 'copy-failed', … } }
 */
export async function overdue(ctx: StepContext, job: CopyJob, why: string): Promise<CopyChange | undefined> {
  const minutes = ctx.policy.windows.completionMinutes;
  const ends = copyWindowEndsAt(job, minutes);
  if (ctx.now().getTime() < ends) return undefined;
  const what = job.state === 'waiting' ? 'could not be started' : 'did not complete';
  const message = `the copy of "${job.snapshotId}" to ${describeLocation(job.destination)} ${what} before the completion window (${minutes} min) closed at ${new Date(ends).toISOString()}: ${why}`;
  return abandon(ctx, job, { code: 'copy-failed', message }, ctx.now());
}

/** The reason of an error a step threw, for `overdue`. */
export function reasonOf(error: unknown): string {
  const failure = describeFailure(error);
  return `${failure.code}: ${failure.message}`;
}

/**
 * One hop of a copy, as the reconciler makes it: share the hop's source when it crosses accounts, then
 * CopyDBClusterSnapshot in the hop's place, tagged as ours and as a copy of the source. Idempotent: a
 * copy already there under the id is taken as this hop's when its `docdb-backup:copy-of` tag (read where
 * it is) names our source, and is a name conflict otherwise. Also the undoing at the end: shares taken
 * back, intermediate copies deleted once their tags prove them ours.
 */
import {
  CopyLimitError,
  CopyRefusedError,
  SnapshotAlreadyExistsError,
  SnapshotGoneError,
  SnapshotQuotaExceededError,
} from '../backup/errors.js';
import { describeFailure } from '../backup/failures.js';
import { describeLocation } from '../backup/location.js';
import type { DocdbPort, RunLog } from '../backup/ports.js';
import type { Cleanup, CopyJob, Hop } from '../planning/copies.js';
import type { Failure } from '../planning/failure.js';
import {
  buildSnapshotTags,
  COPY_OF_TAG,
  MANAGED_BY_TAG,
  MANAGED_BY_VALUE,
  type Tag,
} from '../planning/tags.js';
import type { ResolvedPolicy } from '../policy/schema.js';

export interface HopContext {
  docdb: DocdbPort;
  log: RunLog;
  policy: ResolvedPolicy;
  signal?: AbortSignal;
}

/** What a hop attempt came to: started (or found started), a failure, or "not now", with why. */
export type HopOutcome = { started: true } | { failure: Failure } | { later: string };

/** What undoing needs: no policy (a removed policy's copies are undone too). */
export type UndoContext = Pick<HopContext, 'docdb' | 'log' | 'signal'>;

/** The tags every copy carries: the policy's ownership and own tags, and the source's ARN. */
export function copyTagsOf(policy: ResolvedPolicy, job: CopyJob, sourceArn: string): Tag[] {
  const { tags } = buildSnapshotTags({
    policyName: policy.name,
    policyTags: policy.snapshot.tags,
    slot: new Date(job.scheduledAt),
  });
  return [...tags, { Key: COPY_OF_TAG, Value: sourceArn }];
}

/** A snapshot already under the hop's id: ours when it is a copy of our source, else a conflict. */
async function existing(ctx: HopContext, hop: Hop, sourceArn: string): Promise<HopOutcome> {
  const found = await ctx.docdb.copyState(hop.at, hop.snapshotId, ctx.signal);
  // Gone between the two calls: the next pass starts it again.
  if (!found) return { later: `"${hop.snapshotId}" was there, then gone` };
  const tags = await ctx.docdb.copyTags(hop.at, found.arn, ctx.signal);
  if (tags[COPY_OF_TAG] === sourceArn && tags[MANAGED_BY_TAG] === MANAGED_BY_VALUE) return { started: true };
  const message = `a snapshot "${hop.snapshotId}" already exists in ${describeLocation(hop.at)} and is not this service's copy of ${sourceArn}: rename or delete it, or change the policy's prefix`;
  return { failure: { code: 'name-conflict', message } };
}

function refused(error: unknown, hop: Hop): HopOutcome | undefined {
  const where = describeLocation(hop.at);
  if (error instanceof CopyRefusedError)
    return { failure: { code: error.code, message: `copy to ${where} refused: ${error.message}` } };
  if (error instanceof SnapshotQuotaExceededError)
    return {
      failure: {
        code: 'quota-exceeded',
        message: `the manual cluster snapshot quota of ${where} is used up, so the copy could not start: ${error.message}`,
      },
    };
  return undefined;
}

/**
 * Makes one hop: shares its source when it crosses accounts, then starts its copy.
 * @example await startHop(ctx, job, hop, sourceArn) // { started: true }
 */
export async function startHop(
  ctx: HopContext,
  job: CopyJob,
  hop: Hop,
  sourceArn: string,
): Promise<HopOutcome> {
  try {
    if (hop.share)
      await ctx.docdb.shareSnapshot(hop.share.from, hop.share.snapshotId, hop.share.account, ctx.signal);
    await ctx.docdb.copySnapshot(
      hop.at,
      {
        sourceArn: hop.sourceArn,
        snapshotId: hop.snapshotId,
        ...(hop.kmsKeyId ? { kmsKeyId: hop.kmsKeyId } : {}),
        copyTags: hop.copyTags,
        tags: copyTagsOf(ctx.policy, job, sourceArn),
      },
      ctx.signal,
    );
    return { started: true };
  } catch (error) {
    if (error instanceof SnapshotAlreadyExistsError) return existing(ctx, hop, sourceArn);
    const outcome = refused(error, hop);
    if (outcome) return outcome;
    if (error instanceof CopyLimitError)
      return { later: `${describeLocation(hop.at)} has as many copies in flight as AWS allows` };
    const failure = describeFailure(error);
    ctx.log.warn('copy not started in this pass; the next pass tries again', {
      snapshotId: job.snapshotId,
      destination: describeLocation(hop.at),
      error: failure,
    });
    return { later: `${failure.code}: ${failure.message}` };
  }
}

/** Deletes an intermediate copy, after its tags (read where it is) prove it is our copy of the source. */
async function removeIntermediate(ctx: UndoContext, at: Cleanup['remove'][number], sourceArn: string) {
  const found = await ctx.docdb.copyState(at.at, at.snapshotId, ctx.signal);
  if (!found) return;
  const tags = await ctx.docdb.copyTags(at.at, found.arn, ctx.signal);
  if (tags[COPY_OF_TAG] !== sourceArn || tags[MANAGED_BY_TAG] !== MANAGED_BY_VALUE) {
    ctx.log.warn('intermediate copy left in place: its tags do not prove it ours', {
      snapshotId: at.snapshotId,
      where: describeLocation(at.at),
    });
    return;
  }
  try {
    // A copy still copying is deleted too: AWS then stops the copy (DeleteDBClusterSnapshot, API reference).
    await ctx.docdb.deleteCopy(at.at, at.snapshotId, ctx.signal);
  } catch (error) {
    if (!(error instanceof SnapshotGoneError)) throw error;
  }
}

/** The manual command that takes a share back, for a page when the service could not. */
function unshareCommand(share: Cleanup['unshare'][number]): string {
  return `aws docdb modify-db-cluster-snapshot-attribute --region ${share.at.region} --db-cluster-snapshot-identifier ${share.snapshotId} --attribute-name restore --values-to-remove ${share.account}`;
}

/**
 * Takes every share back and deletes the intermediate copies (those whose tags prove them copies of
 * `sourceArn`; none when it is unknown), each step on its own: returns what could not be undone, each
 * with what to do by hand (empty when all is undone).
 * @example await undo(ctx, route.cleanup, sourceArn) // []
 */
export async function undo(
  ctx: UndoContext,
  cleanup: Cleanup,
  sourceArn: string | undefined,
): Promise<string[]> {
  const left: string[] = [];
  for (const share of cleanup.unshare) {
    try {
      await ctx.docdb.unshareSnapshot(share.at, share.snapshotId, share.account, ctx.signal);
    } catch (error) {
      left.push(
        `the share of ${share.snapshotId} with ${share.account} (${describeFailure(error).message}): ${unshareCommand(share)}`,
      );
    }
  }
  for (const intermediate of sourceArn ? cleanup.remove : []) {
    try {
      await removeIntermediate(ctx, intermediate, sourceArn as string);
    } catch (error) {
      left.push(
        `the intermediate copy ${intermediate.snapshotId} in ${describeLocation(intermediate.at)} (${describeFailure(error).message})`,
      );
    }
  }
  return left;
}

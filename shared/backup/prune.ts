/**
 * Retention in a run: after a cluster's snapshot for the slot exists, delete what the policy no longer
 * keeps. Deciding is pure (planning/retention.ts); here the candidates are read, the ownership of every
 * snapshot that counts toward a rule is proven from tags read from AWS (planning/ownership.ts), and each
 * deletion is handed to the recorder as soon as it is done.
 */
import { hasSnapshotIdShape, snapshotIdFor } from '../planning/naming.js';
import { ownershipOf } from '../planning/ownership.js';
import { planRetention, type RetentionCandidate, slotFromSnapshotId } from '../planning/retention.js';
import { COPY_OF_TAG } from '../planning/tags.js';
import type { RetentionRules } from '../policy/schema.js';
import type { Clock } from './clock.js';
import { SnapshotGoneError } from './errors.js';
import { describeFailure } from './failures.js';
import { describeLocation, type Location, locationFields } from './location.js';
import type { DocdbPort, ManualSnapshot, RunLog } from './ports.js';
import { type DeletionRecord, type DeletionResult, WHOLE_CLUSTER } from './results.js';

/** The calls retention makes: list a cluster's snapshots, read their tags, delete. */
export type RetentionPort = Pick<DocdbPort, 'listClusterSnapshots' | 'listTags' | 'deleteSnapshot'>;

export interface PruneContext {
  docdb: RetentionPort;
  clock: Clock;
  log: RunLog;
  policyName: string;
  prefix: string;
  rules: RetentionRules;
  /** The run's slot: nothing taken for a newer slot is deleted. Windows are measured from `clock.now()`. */
  slot: Date;
  /** No retention call starts at or after this time (epoch ms). Default: no limit. */
  cutoff?: number;
  /**
   * Records one deletion as it happens: `deleting` before the call (no record, no delete), then its
   * outcome; resolves false when it could not be recorded.
   */
  recordDeletion?: (deletion: DeletionRecord) => Promise<boolean>;
  /** Every retention call but the delete: fires at the cutoff. */
  signal?: AbortSignal;
  /** The delete itself, once sent, is not abandoned at the cutoff (AWS may have done it): fires at the deadline. */
  deleteSignal?: AbortSignal;
  /**
   * A tag a snapshot must carry to count as ours besides the ownership tags: destination retention asks
   * for `docdb-backup:copy-of`, so only copies this service made count there.
   */
  mustCarry?: string;
  /**
   * Snapshots never deleted now whatever the rules say: the sources of copies still open (deleting a
   * snapshot being copied stops its copy). Retention deletes them later, once their copies are done.
   */
  keep?: ReadonlySet<string>;
}

/** The run reached its cutoff in the middle of retention: what is left waits for the next slot. */
class RetentionCutoff extends Error {
  override readonly name = 'RetentionCutoff';
}

function beforeCutoff(ctx: PruneContext): void {
  if (ctx.cutoff !== undefined && ctx.clock.now() >= ctx.cutoff)
    throw new RetentionCutoff('the run reached its cutoff; retention continues at the next slot');
}

/** Cheap, before any tag is read: the id must be the one this policy gives the cluster for its slot. */
function namedLikeOurs(ctx: PruneContext, clusterId: string, snapshot: ManualSnapshot): boolean {
  if (snapshot.clusterId.toLowerCase() !== clusterId || !hasSnapshotIdShape(ctx.prefix, snapshot.snapshotId))
    return false;
  const slot = slotFromSnapshotId(snapshot.snapshotId);
  try {
    return slot !== undefined && snapshotIdFor(ctx.prefix, clusterId, slot) === snapshot.snapshotId;
  } catch {
    return false;
  }
}

/**
 * Copies and snapshots apart: a destination counts only our copies (`mustCarry`), a source never counts a
 * copy (a disaster-recovery copy that landed here from another deployment is not this policy's backup).
 */
function copyRule(ctx: PruneContext, tags: Readonly<Record<string, string>>) {
  if (ctx.mustCarry !== undefined && !tags[ctx.mustCarry])
    return { ours: false as const, reason: `it has no ${ctx.mustCarry} tag` };
  if (ctx.mustCarry === undefined && tags[COPY_OF_TAG])
    return { ours: false as const, reason: `it is a copy (${COPY_OF_TAG}), not a backup taken here` };
  return undefined;
}

/** The candidates that count: proven ours from tags read now, with the slot their tag proves. */
async function provenCandidates(
  ctx: PruneContext,
  at: Location,
  clusterId: string,
  listed: ManualSnapshot[],
): Promise<RetentionCandidate[]> {
  const owner = { policyName: ctx.policyName, prefix: ctx.prefix };
  const candidates: RetentionCandidate[] = [];
  for (const snapshot of listed) {
    beforeCutoff(ctx);
    const tags = await ctx.docdb.listTags(at, snapshot.arn, ctx.signal);
    const ownership = copyRule(ctx, tags) ?? ownershipOf({ ...snapshot, tags }, owner, clusterId);
    if (ownership.ours) {
      candidates.push({ ...snapshot, takenAt: ownership.slot, owned: true });
    } else {
      ctx.log.info('snapshot not counted by retention: not proven ours', {
        region: describeLocation(at),
        cluster: clusterId,
        snapshotId: snapshot.snapshotId,
        why: ownership.reason,
      });
    }
  }
  return candidates;
}

/** A deletion retention would make, with its reason; ownership already proven from tags. */
export interface PlannedDeletion {
  snapshotId: string;
  reason: string;
}

/**
 * What retention would delete for one cluster once `current` (this slot's snapshot) exists: read-only.
 * Only `available` snapshots proven ours count toward the rules, `current` too once it is available; `current`
 * and newer slots' snapshots are always kept.
 * Throws on AWS errors and at the cutoff.
 * @example await retentionPreview(ctx, { region: 'us-east-1' }, 'orders', 'nightly-orders-20261128-0300')
 */
export async function retentionPreview(
  ctx: PruneContext,
  at: Location,
  clusterId: string,
  current: string,
): Promise<PlannedDeletion[]> {
  beforeCutoff(ctx);
  const listed = (await ctx.docdb.listClusterSnapshots(at, clusterId, ctx.signal)).filter((s) =>
    namedLikeOurs(ctx, clusterId, s),
  );
  const counted = listed.filter((s) => s.status === 'available' && s.snapshotId !== current);
  const candidates = await provenCandidates(ctx, at, clusterId, counted);
  const status = listed.find((s) => s.snapshotId === current)?.status ?? 'creating';
  // The slot's snapshot failed (or is going) since it was taken: this slot has no backup, nothing goes.
  if (status !== 'creating' && status !== 'available') {
    ctx.log.warn("retention skipped: this slot's snapshot is no longer good", {
      region: describeLocation(at),
      cluster: clusterId,
      snapshotId: current,
      status,
    });
    return [];
  }
  // A snapshot still `creating` may yet fail: it fills no place until it is available (the reconciler
  // prunes again then), so what retention keeps never depends on a backup that does not exist yet.
  if (status === 'available')
    candidates.push({ snapshotId: current, status, takenAt: ctx.slot, owned: true });
  const now = new Date(ctx.clock.now());
  const planned = planRetention(candidates, ctx.rules, now, { slot: ctx.slot, current }).delete;
  const kept = planned.filter((deletion) => ctx.keep?.has(deletion.snapshotId));
  if (kept.length)
    ctx.log.info(
      'retention keeps snapshots whose copies are still open; it deletes them once they are done',
      {
        region: describeLocation(at),
        cluster: clusterId,
        snapshotIds: kept.map((deletion) => deletion.snapshotId),
      },
    );
  return planned.filter((deletion) => !ctx.keep?.has(deletion.snapshotId));
}

/** Deletes one snapshot; one already gone (another run deleted it) counts as deleted. */
async function deleteOne(
  ctx: PruneContext,
  at: Location,
  clusterId: string,
  planned: PlannedDeletion,
): Promise<DeletionResult> {
  const { snapshotId, reason } = planned;
  try {
    await ctx.docdb.deleteSnapshot(at, snapshotId, ctx.deleteSignal ?? ctx.signal);
    ctx.log.info('snapshot deleted', {
      region: describeLocation(at),
      cluster: clusterId,
      snapshotId,
      reason,
    });
    return { ...locationFields(at), clusterId, snapshotId, outcome: 'deleted', reason };
  } catch (error) {
    if (error instanceof SnapshotGoneError) {
      ctx.log.info('snapshot already deleted by another run', {
        region: describeLocation(at),
        cluster: clusterId,
        snapshotId,
      });
      return {
        ...locationFields(at),
        clusterId,
        snapshotId,
        outcome: 'deleted',
        reason: `${reason}; already deleted`,
      };
    }
    const failure = describeFailure(error);
    ctx.log.warn('could not delete snapshot', {
      region: describeLocation(at),
      cluster: clusterId,
      snapshotId,
      error: failure,
    });
    return { ...locationFields(at), clusterId, snapshotId, outcome: 'failed', reason, error: failure };
  }
}

/** A retention result and whether it is already recorded. */
export interface PruneOutcome {
  deletion: DeletionResult;
  recorded: boolean;
}

/**
 * Applies the policy's retention to one cluster whose snapshot for this slot exists (`current`).
 * Never throws: a failure to read or delete becomes a failed deletion result; reaching the cutoff stops
 * quietly (the next slot continues). Each deletion is recorded as soon as it is made.
 * @example await pruneCluster(ctx, { region: 'us-east-1' }, 'orders', 'nightly-orders-20261128-0300')
 */
export async function pruneCluster(
  ctx: PruneContext,
  at: Location,
  clusterId: string,
  current: string,
): Promise<PruneOutcome[]> {
  const outcomes: PruneOutcome[] = [];
  const done = async (deletion: DeletionResult) => {
    const recorded = ctx.recordDeletion ? await ctx.recordDeletion(deletion) : false;
    outcomes.push({ deletion, recorded });
  };
  try {
    const planned = await retentionPreview(ctx, at, clusterId, current);
    for (const deletion of planned) {
      beforeCutoff(ctx);
      // No deletion the table would not know of: the intent is written first, or nothing is deleted.
      const intent: DeletionRecord = { ...locationFields(at), clusterId, ...deletion, outcome: 'deleting' };
      if (ctx.recordDeletion && !(await ctx.recordDeletion(intent))) {
        ctx.log.error('retention stopped: its deletions cannot be recorded', {
          region: describeLocation(at),
          cluster: clusterId,
        });
        break;
      }
      await done(await deleteOne(ctx, at, clusterId, deletion));
    }
  } catch (error) {
    if (error instanceof RetentionCutoff) {
      ctx.log.warn('retention stopped at the run cutoff; it continues at the next slot', {
        region: describeLocation(at),
        cluster: clusterId,
      });
      return outcomes;
    }
    const failure = describeFailure(error);
    ctx.log.error('could not apply retention', {
      region: describeLocation(at),
      cluster: clusterId,
      error: failure,
    });
    await done({
      ...locationFields(at),
      clusterId,
      snapshotId: WHOLE_CLUSTER,
      outcome: 'failed',
      reason: 'reading snapshots',
      error: failure,
    });
  }
  return outcomes;
}

/**
 * Disaster-recovery copy jobs: one per backup job and destination of its policy (`copies[]`), opened when
 * the backup's snapshot is `available` and followed by the reconciler until the copy in the destination
 * is `available` or `failed`. A copy keeps the source's id; it reaches its destination in one or more
 * hops (route): another Region of this account is one copy; another account is a share and a copy there
 * (then, for another Region there, a second copy); a source re-encrypted for sharing first is one more.
 * Pure: the reconciler (shared/lifecycle/copy-*.ts) makes the calls.
 */
import { createHash } from 'node:crypto';
import {
  describeLocation as describePlace,
  type Location as Place,
  locationKey as placeKey,
} from '../backup/location.js';
import type { CopySettings } from '../policy/resolved.js';
import type { Failure } from './failure.js';

/** `waiting`: not started (its destination has as many copies in flight as allowed); `copying`: a hop is in flight. */
export type CopyState = 'waiting' | 'copying' | 'available' | 'failed';

export const OPEN_COPY_STATES: readonly CopyState[] = ['waiting', 'copying'];

export interface CopyJob {
  policy: string;
  /** The slot of the backup copied, ISO 8601 UTC. */
  scheduledAt: string;
  clusterId: string;
  /** Where the source snapshot is (the backup job's location). */
  source: Place;
  /** The source snapshot's id, and the copy's in its destination. */
  snapshotId: string;
  destination: Place;
  state: CopyState;
  /** The hop in flight (0 first) while `copying`. */
  step: number;
  /** When the source became available and the copy job was opened. */
  requestedAt: string;
  /** When AWS accepted the first hop. */
  startedAt?: string;
  completedAt?: string;
  /** The source snapshot's ARN, known once started. */
  sourceArn?: string;
  /** Whether the source is encrypted, known once started. */
  encrypted?: boolean;
  error?: Failure;
}

/** What a copy job's move writes. */
export interface CopyChange {
  state: CopyState;
  step?: number;
  startedAt?: string;
  completedAt?: string;
  sourceArn?: string;
  encrypted?: boolean;
  error?: Failure;
}

/**
 * Forward only; `copying` may move to `copying` (the next hop) but never back to `waiting`.
 * @example canMoveCopy('copying', 'copying') // true
 */
export function canMoveCopy(from: CopyState, to: CopyState): boolean {
  if (!OPEN_COPY_STATES.includes(from)) return false;
  if (from === 'copying') return to !== 'waiting';
  return to !== 'waiting';
}

/**
 * Where a copy setting sends a snapshot taken in `sourceRegion`; undefined when it would land on the
 * source itself (validation refuses that; kept here as a guard).
 * @example destinationOf({ region: 'us-west-2' }, 'us-east-1') // { region: 'us-west-2' }
 */
export function destinationOf(copy: CopySettings, sourceRegion: string): Place | undefined {
  const region = copy.region ?? sourceRegion;
  if (copy.account === undefined && region === sourceRegion) return undefined;
  return copy.account === undefined ? { region } : { region, account: copy.account };
}

/** The copy setting of a policy that sends to `destination` from `sourceRegion`. */
export function settingFor(
  copies: readonly CopySettings[],
  sourceRegion: string,
  destination: Place,
): CopySettings | undefined {
  const key = placeKey(destination);
  return copies.find((copy) => {
    const at = destinationOf(copy, sourceRegion);
    return at !== undefined && placeKey(at) === key;
  });
}

/** One CopyDBClusterSnapshot on the way, made in `at`, after sharing its source when `shareWith` is set. */
export interface Hop {
  at: Place;
  /** The ARN of what this hop copies. */
  sourceArn: string;
  /** The id the hop's copy gets in `at`. */
  snapshotId: string;
  kmsKeyId?: string;
  /** Copy the source's tags too (same account only: another account cannot read them). */
  copyTags: boolean;
  /** Share the hop's source (in `from`, by id) with this account before copying. */
  share?: { from: Place; snapshotId: string; account: string };
}

/** What is left to undo once the copy is available (or failed): shares, and intermediate copies. */
export interface Cleanup {
  unshare: { at: Place; snapshotId: string; account: string }[];
  /** Intermediate copies (this service's), deleted once the final copy is available. */
  remove: { at: Place; snapshotId: string }[];
}

export interface Route {
  hops: Hop[];
  cleanup: Cleanup;
}

/**
 * The id of a copy made on the way (not the destination's): the source id with a suffix naming its role,
 * hashed when it would pass AWS's 63 characters, so two slots or two destinations never share one.
 * @example derivedId('nightly-orders-20261128-0300', 'tr') // 'nightly-orders-20261128-0300-tr'
 */
export function derivedId(snapshotId: string, suffix: string): string {
  const plain = `${snapshotId}-${suffix}`;
  if (plain.length <= 63) return plain;
  const hash = createHash('sha256').update(snapshotId).digest('hex').slice(0, 8);
  const head = snapshotId.slice(0, 63 - suffix.length - hash.length - 2).replace(/-+$/, '');
  return `${head}-${hash}-${suffix}`;
}

/** A short tag of a destination for the ids of the copies made on the way to it. */
function destinationTag(destination: Place): string {
  return createHash('sha256').update(placeKey(destination)).digest('hex').slice(0, 6);
}

/**
 * The id of the re-encrypted copy a share is made of: one per destination (each may use its own share
 * key, and each route deletes its own at the end).
 * @example shareCopyId('nightly-orders-20261128-0300', { region: 'us-east-1', account: '444455556666' }) // 'nightly-orders-20261128-0300-dr-…'
 */
export function shareCopyId(snapshotId: string, destination: Place): string {
  return derivedId(snapshotId, `dr-${destinationTag(destination)}`);
}

/**
 * The id of the intermediate copy in another account's source Region, on the way to another Region there:
 * one per destination, so one destination's end never deletes what another's copy is made from.
 */
export function transitCopyId(snapshotId: string, destination: Place): string {
  return derivedId(snapshotId, `tr-${destinationTag(destination)}`);
}

/**
 * The ARN of a snapshot in a place, in the partition and (own) account of a known ARN.
 * @example snapshotArnAt('arn:aws:rds:us-east-1:111122223333:cluster-snapshot:a', { region: 'eu-west-1' }, 'a')
 *   // 'arn:aws:rds:eu-west-1:111122223333:cluster-snapshot:a'
 */
export function snapshotArnAt(knownArn: string, at: Place, snapshotId: string): string {
  const [arn, partition, service, , ownAccount] = knownArn.split(':');
  return `${arn}:${partition}:${service}:${at.region}:${at.account ?? ownAccount}:cluster-snapshot:${snapshotId}`;
}

/** The hop that re-encrypts the source with the share key, in the source's place (own account). */
function shareCopyHop(job: CopyJob, sourceArn: string, copy: CopySettings): Hop {
  return {
    at: job.source,
    sourceArn,
    snapshotId: shareCopyId(job.snapshotId, job.destination),
    kmsKeyId: copy.shareKmsKeyId,
    copyTags: true,
  };
}

/** The hops to another account: share, copy in its source Region, then on to another Region there. */
function otherAccountHops(job: CopyJob, shared: { arn: string; id: string }, copy: CopySettings): Route {
  const account = job.destination.account as string;
  const landing: Place = { region: job.source.region, account };
  const onward = job.destination.region !== job.source.region;
  // On the way to another Region, the landing copy is an intermediate with its own id: the account may
  // also be a destination in this Region, whose copy has the source's id.
  const landingId = onward ? transitCopyId(job.snapshotId, job.destination) : job.snapshotId;
  const first: Hop = {
    at: landing,
    sourceArn: shared.arn,
    snapshotId: landingId,
    kmsKeyId: job.encrypted ? (onward ? copy.transitKmsKeyId : copy.kmsKeyId) : undefined,
    copyTags: false,
    share: { from: job.source, snapshotId: shared.id, account },
  };
  const hops = [first];
  const remove: Cleanup['remove'] = [];
  if (onward) {
    hops.push({
      at: job.destination,
      sourceArn: snapshotArnAt(shared.arn, landing, landingId),
      snapshotId: job.snapshotId,
      kmsKeyId: job.encrypted ? copy.kmsKeyId : undefined,
      copyTags: false,
    });
    remove.push({ at: landing, snapshotId: landingId });
  }
  return { hops, cleanup: { unshare: [{ at: job.source, snapshotId: shared.id, account }], remove } };
}

/**
 * The hops that take a started job's source to its destination, and what to undo at the end.
 * @example copyRoute({ ...job, destination: { region: 'us-west-2' } }, arn, { region: 'us-west-2' }).hops.length // 1
 */
export function copyRoute(job: CopyJob, sourceArn: string, copy: CopySettings): Route {
  if (job.destination.account === undefined) {
    const hop: Hop = {
      at: job.destination,
      sourceArn,
      snapshotId: job.snapshotId,
      kmsKeyId: job.encrypted ? copy.kmsKeyId : undefined,
      copyTags: true,
    };
    return { hops: [hop], cleanup: { unshare: [], remove: [] } };
  }
  if (!(job.encrypted && copy.shareKmsKeyId))
    return otherAccountHops(job, { arn: sourceArn, id: job.snapshotId }, copy);
  const reencrypt = shareCopyHop(job, sourceArn, copy);
  const shared = {
    arn: snapshotArnAt(sourceArn, job.source, reencrypt.snapshotId),
    id: reencrypt.snapshotId,
  };
  const rest = otherAccountHops(job, shared, copy);
  return {
    hops: [reencrypt, ...rest.hops],
    cleanup: {
      unshare: rest.cleanup.unshare,
      remove: [...rest.cleanup.remove, { at: job.source, snapshotId: reencrypt.snapshotId }],
    },
  };
}

/**
 * Everything a copy job may have left on its way, whatever its setting says now (the setting may be gone):
 * the shares of the source and of a re-encrypted share copy, the share copy and the transit copy. Undoing
 * something that is not there is harmless; used when a copy fails, is abandoned or its policy is removed.
 * @example fullCleanup({ ...job, destination: { region: 'eu-west-1', account: '444455556666' } }).remove.length // 2
 */
export function fullCleanup(job: Pick<CopyJob, 'source' | 'destination' | 'snapshotId'>): Cleanup {
  const account = job.destination.account;
  if (account === undefined) return { unshare: [], remove: [] };
  const shareCopy = shareCopyId(job.snapshotId, job.destination);
  const unshare = [job.snapshotId, shareCopy].map((snapshotId) => ({ at: job.source, snapshotId, account }));
  const remove: Cleanup['remove'] = [];
  if (job.destination.region !== job.source.region)
    remove.push({
      at: { region: job.source.region, account },
      snapshotId: transitCopyId(job.snapshotId, job.destination),
    });
  remove.push({ at: job.source, snapshotId: shareCopy });
  return { unshare, remove };
}

/**
 * The share of the source snapshot itself with the destination's account: the one thing a copy job does not
 * own alone (every copy of that source into that account needs it until its first hop is done), so it is
 * taken back once no copy of the source into the account is open (copy-pass.ts), not by each job.
 */
export function sourceShareOf(
  job: Pick<CopyJob, 'source' | 'destination' | 'snapshotId'>,
): Cleanup['unshare'][number] | undefined {
  const account = job.destination.account;
  return account === undefined ? undefined : { at: job.source, snapshotId: job.snapshotId, account };
}

/** A share as a key: where, what, with whom. */
export function shareKey(share: Cleanup['unshare'][number]): string {
  return `${placeKey(share.at)}|${share.snapshotId}|${share.account}`;
}

/** A cleanup without the source's own share (see sourceShareOf): what one job undoes itself. */
export function ownedPart(
  job: Pick<CopyJob, 'source' | 'destination' | 'snapshotId'>,
  cleanup: Cleanup,
): Cleanup {
  const common = sourceShareOf(job);
  const key = common && shareKey(common);
  return { unshare: cleanup.unshare.filter((share) => shareKey(share) !== key), remove: cleanup.remove };
}

/** When a copy job's window closes (epoch ms): from its first hop, or, not started yet, from its opening. */
export function copyWindowEndsAt(
  job: Pick<CopyJob, 'startedAt' | 'requestedAt'>,
  completionMinutes: number,
): number {
  return Date.parse(job.startedAt ?? job.requestedAt) + completionMinutes * 60_000;
}

/** Statuses of a copy still on its way (RDS shows `copying`; `creating` is accepted too). */
const IN_FLIGHT: ReadonlySet<string> = new Set(['copying', 'creating', 'pending']);

/**
 * What becomes of a copying job's hop, given the hop's copy as AWS shows it now: `done` (available),
 * `wait` (still copying inside the window) or a failure.
 * @example hopProgress({ status: 'available' }, job, 1440, now) // { next: 'done' }
 */
export function hopProgress(
  copy: { status: string } | undefined,
  job: Pick<CopyJob, 'snapshotId' | 'destination' | 'startedAt' | 'requestedAt'>,
  completionMinutes: number,
  now: Date,
): { next: 'done' } | { next: 'wait' } | { next: 'fail'; error: Failure } {
  const where = describePlace(job.destination);
  if (copy?.status === 'available') return { next: 'done' };
  if (!copy)
    return {
      next: 'fail',
      error: {
        code: 'copy-failed',
        message: `the copy of "${job.snapshotId}" to ${where} vanished while copying`,
      },
    };
  if (!IN_FLIGHT.has(copy.status))
    return {
      next: 'fail',
      error: {
        code: 'copy-failed',
        message: `the copy of "${job.snapshotId}" to ${where} ended "${copy.status}" instead of becoming available`,
      },
    };
  const ends = copyWindowEndsAt(job, completionMinutes);
  if (now.getTime() < ends) return { next: 'wait' };
  return {
    next: 'fail',
    error: {
      code: 'copy-failed',
      message: `the copy of "${job.snapshotId}" to ${where} was still "${copy.status}" when the completion window (${completionMinutes} min) closed at ${new Date(ends).toISOString()}`,
    },
  };
}

/**
 * The waiting jobs that may start now: per destination, as many as `maxInFlight` leaves room for beside
 * the copying ones, oldest slot first.
 * @example startable(jobs, 5) // the waiting jobs to start
 */
export function startable(jobs: readonly CopyJob[], maxInFlight: number): CopyJob[] {
  const inFlight = new Map<string, number>();
  for (const job of jobs)
    if (job.state === 'copying') {
      const key = placeKey(job.destination);
      inFlight.set(key, (inFlight.get(key) ?? 0) + 1);
    }
  const waiting = jobs
    .filter((job) => job.state === 'waiting')
    .sort((a, b) => a.scheduledAt.localeCompare(b.scheduledAt) || a.requestedAt.localeCompare(b.requestedAt));
  const chosen: CopyJob[] = [];
  for (const job of waiting) {
    const key = placeKey(job.destination);
    const used = inFlight.get(key) ?? 0;
    if (used >= maxInFlight) continue;
    inFlight.set(key, used + 1);
    chosen.push(job);
  }
  return chosen;
}

/**
 * The copy jobs a backup job opens once its snapshot is available: one per destination of its policy.
 * @example copyJobsFor(job, policy.copies, now) // [{ state: 'waiting', destination: { region: 'us-west-2' }, … }]
 */
export function copyJobsFor(
  job: {
    policy: string;
    scheduledAt: string;
    region: string;
    account?: string;
    clusterId: string;
    snapshotId: string;
  },
  copies: readonly CopySettings[],
  now: Date,
): CopyJob[] {
  const source: Place =
    job.account === undefined ? { region: job.region } : { region: job.region, account: job.account };
  return copies.flatMap((copy) => {
    const destination = destinationOf(copy, job.region);
    if (!destination) return [];
    return [
      {
        policy: job.policy,
        scheduledAt: job.scheduledAt,
        clusterId: job.clusterId,
        source,
        snapshotId: job.snapshotId,
        destination,
        state: 'waiting' as const,
        step: 0,
        requestedAt: now.toISOString(),
      },
    ];
  });
}

/** A copy job's move, as the reconciler returns, records and publishes it. */
export interface CopyTransition
  extends Pick<CopyJob, 'policy' | 'scheduledAt' | 'clusterId' | 'source' | 'destination' | 'snapshotId'> {
  from: CopyState;
  to: CopyState;
  step: number;
  error?: Failure;
  /** From the first hop accepted to the copy available, for `available`. */
  durationMs?: number;
}

/** The transition record of a copy job moved by `change`. */
export function copyTransitionOf(job: CopyJob, change: CopyChange): CopyTransition {
  const transition: CopyTransition = {
    policy: job.policy,
    scheduledAt: job.scheduledAt,
    clusterId: job.clusterId,
    source: job.source,
    destination: job.destination,
    snapshotId: job.snapshotId,
    from: job.state,
    to: change.state,
    step: change.step ?? job.step,
  };
  if (change.error) transition.error = change.error;
  const started = change.startedAt ?? job.startedAt;
  if (change.state === 'available' && started && change.completedAt)
    transition.durationMs = Math.max(0, Date.parse(change.completedAt) - Date.parse(started));
  return transition;
}

/** The copy job as it is after `change`. */
export function movedCopy(job: CopyJob, change: CopyChange): CopyJob {
  const next: CopyJob = { ...job, state: change.state };
  for (const key of ['step', 'startedAt', 'completedAt', 'sourceArn', 'encrypted', 'error'] as const)
    if (change[key] !== undefined) (next as unknown as Record<string, unknown>)[key] = change[key];
  return next;
}

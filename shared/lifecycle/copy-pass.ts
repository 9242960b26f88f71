/**
 * The copies' part of a reconcile pass: every policy's followed copy jobs are read first (so the copies in
 * flight per destination are counted across policies), the waiting ones that fit under
 * `reconcile.maxCopiesInFlight` are started oldest slot first, the copying ones carried forward
 * (copy-step.ts), each move written conditionally, each destination pruned once its new copy is
 * available, and the failures paged once per policy. One policy whose copies cannot be read does not stop
 * the others.
 */
import { describeFailure } from '../backup/failures.js';
import { describeLocation, locationKey } from '../backup/location.js';
import { inPool } from '../backup/pool.js';
import type { EngineDeps } from '../backup/ports.js';
import { openScope, type RunScope } from '../backup/scope.js';
import {
  type Cleanup,
  type CopyJob,
  type CopyTransition,
  copyTransitionOf,
  movedCopy,
  OPEN_COPY_STATES,
  shareKey,
  sourceShareOf,
  startable,
} from '../planning/copies.js';
import type { ResolvedPolicy } from '../policy/schema.js';
import { composeCopyAlert } from './copy-alert.js';
import { undo } from './copy-hop.js';
import { pruneDestinations } from './copy-retain.js';
import {
  abandon,
  advanceCopy,
  type CopyMove,
  overdue,
  reasonOf,
  type StepContext,
  type StepOutcome,
  startCopy,
} from './copy-step.js';
import type { FollowRequest, SlotDeletions } from './follow.js';
import { type JobsPage, pageFailed } from './page.js';

export interface CopiesRequest extends FollowRequest {
  /** Every policy of the file. */
  policies: readonly ResolvedPolicy[];
  /** Policies with jobs that the file no longer has: their open copies fail. */
  removed: readonly string[];
  /** Copies in flight at once per destination (reconcile.maxCopiesInFlight). */
  maxInFlight: number;
  /**
   * Leave copies into other accounts alone (an operator's pass: the target role trusts only the reconcile
   * function's role, so the function follows them).
   */
  ownAccountOnly?: boolean;
}

export interface CopiesPass {
  transitions: CopyTransition[];
  /** Copy jobs still open after the pass. */
  open: CopyJob[];
  deletions: (SlotDeletions & { policy: string })[];
  pages: JobsPage[];
  unread: { policy: string; error: string }[];
  /** What copies that ended left and could not be undone, with the command to do it by hand. */
  leftovers: string[];
}

/** A copy job's identity across policies. */
function copyKey(job: CopyJob): string {
  return `${job.policy}|${job.scheduledAt}|${locationKey(job.source)}|${job.clusterId}|${locationKey(job.destination)}`;
}

type Listed = { policy: string; jobs: CopyJob[] } | { policy: string; error: string };

async function listAll(deps: EngineDeps, names: readonly string[], signal?: AbortSignal): Promise<Listed[]> {
  return inPool(names, 4, async (policy) => {
    try {
      return { policy, jobs: await deps.copies.listFollowed(policy, signal) };
    } catch (error) {
      const failure = describeFailure(error);
      deps.log.error("could not read the policy's copies; the next pass tries again", {
        policy,
        error: failure,
      });
      return { policy, error: failure.message };
    }
  });
}

/** What one pass does to one open copy: its step, or, when it cannot move, the window's verdict. */
async function decideOne(ctx: StepContext, job: CopyJob, chosen: boolean): Promise<CopyMove | undefined> {
  let outcome: StepOutcome;
  try {
    if (job.state === 'waiting' && !chosen)
      outcome = {
        later: `it waited for a free place among the copies in flight in ${describeLocation(job.destination)}`,
      };
    else outcome = job.state === 'waiting' ? await startCopy(ctx, job) : await advanceCopy(ctx, job);
  } catch (error) {
    ctx.log.warn('could not follow a copy in this pass; the next pass tries again', {
      snapshotId: job.snapshotId,
      destination: describeLocation(job.destination),
      error: describeFailure(error),
    });
    outcome = { later: reasonOf(error) };
  }
  if (!('later' in outcome)) return { job, change: outcome };
  const change = await overdue(ctx, job, outcome.later);
  return change && { job, change };
}

/** The moves of one policy's open copies. */
async function decide(
  ctx: StepContext,
  jobs: readonly CopyJob[],
  chosen: ReadonlySet<string>,
): Promise<CopyMove[]> {
  const moves = await inPool(jobs, 8, (job) => decideOne(ctx, job, chosen.has(copyKey(job))));
  return moves.filter((move): move is CopyMove => move !== undefined);
}

/**
 * The open copies of a policy no longer in the file: nobody can follow them by its rules any more. Each
 * fails, after everything it may have left (shares, intermediate copies) is undone.
 */
async function removedMoves(
  deps: EngineDeps,
  policy: string,
  jobs: readonly CopyJob[],
  signal?: AbortSignal,
) {
  const ctx = { docdb: deps.docdb, log: deps.log, signal };
  const open = jobs.filter((job) => OPEN_COPY_STATES.includes(job.state));
  return inPool(open, 4, async (job): Promise<CopyMove> => {
    const message = `policy "${policy}" is no longer in the policy file, so the copy of "${job.snapshotId}" to ${describeLocation(job.destination)} is not followed any more`;
    const now = new Date(deps.clock.now());
    return { job, change: await abandon(ctx, job, { code: 'policy-removed', message }, now) };
  });
}

/** Writes the moves; returns those this pass made. */
async function apply(
  deps: EngineDeps,
  moves: readonly CopyMove[],
  signal?: AbortSignal,
): Promise<CopyMove[]> {
  const made = await inPool(moves, 8, async (move) => {
    try {
      return (await deps.copies.transition(move.job, move.change, signal)) ? move : undefined;
    } catch (error) {
      deps.log.error('could not record a copy transition; the next pass decides again', {
        snapshotId: move.job.snapshotId,
        error: describeFailure(error),
      });
      return undefined;
    }
  });
  return made.filter((move): move is CopyMove => move !== undefined);
}

interface PolicyCopies {
  transitions: CopyTransition[];
  open: CopyJob[];
  deletions: (SlotDeletions & { policy: string })[];
  page?: JobsPage;
}

/** The jobs as they are after the moves. */
function afterMoves(jobs: readonly CopyJob[], made: readonly CopyMove[]): CopyJob[] {
  const after = new Map(jobs.map((job) => [copyKey(job), job]));
  for (const { job, change } of made) after.set(copyKey(job), movedCopy(job, change));
  return [...after.values()];
}

type Listed1 = { policy: string; jobs: CopyJob[] };

/** Where one policy's copies are followed from: its scope (undefined: the policy left the file). */
interface PolicyCopiesScope {
  listed: Listed1;
  scope?: RunScope;
  ctx?: StepContext;
}

function scopeFor(
  deps: EngineDeps,
  request: CopiesRequest,
  listed: Listed1,
  leftovers: string[],
): PolicyCopiesScope {
  const policy = request.policies.find((p) => p.name === listed.policy);
  if (!policy) return { listed };
  const now = () => new Date(deps.clock.now());
  const scope = openScope(deps, { ...request, policy, slot: now() });
  const ctx = { docdb: scope.deps.docdb, log: deps.log, policy, signal: scope.workSignal, now, leftovers };
  return { listed, scope, ctx };
}

/**
 * Takes back the shares of sources with other accounts once no copy of that source into that account is
 * open any more (another copy's first hop may still be reading it). Returns what could not be taken back,
 * with the command to do it by hand.
 */
async function releaseShares(
  deps: EngineDeps,
  made: readonly CopyMove[],
  after: readonly CopyJob[],
  signal?: AbortSignal,
): Promise<string[]> {
  const needed = new Set(
    after
      .filter((job) => OPEN_COPY_STATES.includes(job.state))
      .flatMap((job) => {
        const share = sourceShareOf(job);
        return share ? [shareKey(share)] : [];
      }),
  );
  const ended = new Map<string, Cleanup['unshare'][number]>();
  for (const { job, change } of made) {
    const share = sourceShareOf(job);
    if (share && !OPEN_COPY_STATES.includes(change.state) && !needed.has(shareKey(share)))
      ended.set(shareKey(share), share);
  }
  const ctx = { docdb: deps.docdb, log: deps.log, signal };
  const left = await inPool([...ended.values()], 4, (share) =>
    undo(ctx, { unshare: [share], remove: [] }, undefined),
  );
  return left.flat();
}

/** A pass's two steps: the copies in flight (and a removed policy's), then the waiting ones. */
type Step = 'in-flight' | 'waiting';

/** Moves one policy's open copies of `step` (a removed policy's all fail, after undoing, at the first). */
async function move(
  deps: EngineDeps,
  request: CopiesRequest,
  at: PolicyCopiesScope,
  step: Step,
  chosen: ReadonlySet<string>,
): Promise<CopyMove[]> {
  const open = at.listed.jobs.filter((job) => OPEN_COPY_STATES.includes(job.state));
  if (!at.ctx) {
    if (step === 'waiting') return [];
    return apply(deps, await removedMoves(deps, at.listed.policy, open, request.signal), request.signal);
  }
  const reachable = request.ownAccountOnly
    ? open.filter((job) => job.destination.account === undefined)
    : open;
  const mine = reachable.filter((job) => (job.state === 'waiting') === (step === 'waiting'));
  return apply(deps, await decide(at.ctx, mine, chosen), request.signal);
}

/** One policy's copies after its moves: destination retention, the page, what it did. */
async function conclude(
  deps: EngineDeps,
  request: CopiesRequest,
  at: PolicyCopiesScope,
  made: readonly CopyMove[],
): Promise<PolicyCopies> {
  const { policy } = at.listed;
  const copied = made.filter((m) => m.change.state === 'available').map((m) => movedCopy(m.job, m.change));
  const deletions = at.scope ? await pruneDestinations(at.scope, copied) : [];
  const jobs = afterMoves(at.listed.jobs, made);
  const failed = jobs.filter((job) => job.state === 'failed');
  const compose = (claimed: readonly CopyJob[]) => composeCopyAlert(policy, claimed);
  const page = await pageFailed(deps, deps.copies, compose, policy, failed, request);
  return {
    transitions: made.map((m) => copyTransitionOf(m.job, m.change)),
    open: jobs.filter((job) => OPEN_COPY_STATES.includes(job.state)),
    deletions: deletions.map((slot) => ({ policy, ...slot })),
    ...(page ? { page } : {}),
  };
}

/**
 * Follows every policy's copies through one pass, in two steps: the copies in flight move first (and a
 * removed policy's fail), then the waiting ones start in the places that frees, oldest slot first, at
 * most `maxInFlight` per destination over every policy. Never throws for a policy or a copy.
 * @example await followCopies(deps, { policies, removed: [], maxInFlight: 5, deadline }) // { transitions, open, … }
 */
export async function followCopies(deps: EngineDeps, request: CopiesRequest): Promise<CopiesPass> {
  const names = [...request.policies.map((p) => p.name), ...request.removed];
  const listed = await listAll(deps, names, request.signal);
  const read = listed.filter((l): l is Listed1 => 'jobs' in l && l.jobs.length > 0);
  const leftovers: string[] = [];
  const scopes = read.map((entry) => scopeFor(deps, request, entry, leftovers));
  const first = await inPool(scopes, 4, (at) => move(deps, request, at, 'in-flight', new Set()));
  const afterFirst = scopes.map((at, i) => afterMoves(at.listed.jobs, first[i] ?? []));
  const chosen = new Set(startable(afterFirst.flat(), request.maxInFlight).map(copyKey));
  const second = await inPool(scopes, 4, (at) => move(deps, request, at, 'waiting', chosen));
  const made = scopes.map((_, i) => [...(first[i] ?? []), ...(second[i] ?? [])]);
  const after = scopes.map((at, i) => afterMoves(at.listed.jobs, made[i] ?? []));
  leftovers.push(...(await releaseShares(deps, made.flat(), after.flat(), request.signal)));
  const passes = await inPool(
    scopes.map((at, i) => ({ at, made: made[i] ?? [] })),
    4,
    ({ at, made }) => conclude(deps, request, at, made),
  );
  return {
    transitions: passes.flatMap((p) => p.transitions),
    open: passes.flatMap((p) => p.open),
    deletions: passes.flatMap((p) => p.deletions),
    pages: passes.flatMap((p) => (p.page ? [p.page] : [])),
    unread: listed.filter((l): l is { policy: string; error: string } => 'error' in l),
    leftovers,
  };
}

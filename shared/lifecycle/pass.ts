/**
 * One reconcile pass over every policy (level-triggered: AWS is the truth, the results table the memory):
 * each policy's followed jobs are carried forward (follow.ts), the completions and failures published as
 * events, and what is still open counted. One policy whose jobs cannot be read does not stop the others.
 */
import { describeFailure } from '../backup/failures.js';
import { inPool } from '../backup/pool.js';
import type { EngineDeps } from '../backup/ports.js';
import type { CopyJob, CopyTransition } from '../planning/copies.js';
import type { BackupJob, JobTransition } from '../planning/jobs.js';
import type { ResolvedPolicy } from '../policy/schema.js';
import { followCopies } from './copy-pass.js';
import {
  type FollowRequest,
  followPolicy,
  followRemovedPolicy,
  type PolicyPass,
  type SlotDeletions,
} from './follow.js';
import type { JobsPage } from './page.js';

/** Policies followed side by side. */
const POLICIES_IN_FLIGHT = 4;

export interface ReconcileRequest extends FollowRequest {
  /** Every policy of the file, enabled or not (a disabled policy's started jobs are still followed). */
  policies: readonly ResolvedPolicy[];
  /** Copies in flight at once per destination (reconcile.maxCopiesInFlight). Default 5. */
  maxCopiesInFlight?: number;
  /** Leave copies into other accounts to the reconcile function (an operator's pass cannot assume its roles). */
  ownAccountCopiesOnly?: boolean;
}

export interface ReconcileReport {
  /** Jobs still open (`pending` or `creating`) after the pass. */
  open: BackupJob[];
  transitions: JobTransition[];
  deletions: (SlotDeletions & { policy: string })[];
  pages: JobsPage[];
  /** Policies whose jobs could not be read, with why. */
  unread: { policy: string; error: string }[];
  eventsFailed: number;
  /**
   * The disaster-recovery copies: their moves in this pass, those still open after it, and what copies
   * that ended left and could not be undone (shares, intermediate copies), each with the command to do it
   * by hand: the caller fails the invocation for them.
   */
  copies: { transitions: CopyTransition[]; open: CopyJob[]; leftovers: string[] };
}

async function followOrNote(
  deps: EngineDeps,
  policy: string,
  follow: () => Promise<PolicyPass>,
): Promise<PolicyPass | { policy: string; error: string }> {
  try {
    return await follow();
  } catch (error) {
    const failure = describeFailure(error);
    deps.log.error("could not read the policy's jobs; the next pass tries again", {
      policy,
      error: failure,
    });
    return { policy, error: failure.message };
  }
}

/** The policies a run noted jobs for that the file no longer has (removed or renamed). */
async function removedPolicies(
  deps: EngineDeps,
  request: ReconcileRequest,
): Promise<string[] | { policy: string; error: string }> {
  const known = new Set(request.policies.map((policy) => policy.name));
  try {
    const noted = await deps.jobs.listPolicies(request.signal);
    return noted.filter((policy) => !known.has(policy));
  } catch (error) {
    const failure = describeFailure(error);
    deps.log.error('could not read which policies have jobs; the next pass tries again', { error: failure });
    return { policy: '(policies with jobs)', error: failure.message };
  }
}

/** What a pass publishes: job and copy moves, and retention's deletions by slot. */
interface PassEvents {
  transitions: JobTransition[];
  copies: CopyTransition[];
  slots: (SlotDeletions & { policy: string })[];
}

/** Publishes the pass's completions, failures and deletions; returns how many events were not delivered. */
async function publish(deps: EngineDeps, events: PassEvents, signal?: AbortSignal): Promise<number> {
  const { transitions, copies, slots } = events;
  try {
    const sent = await Promise.all([
      deps.events.publishTransitions(transitions, signal),
      deps.events.publishCopyTransitions(copies, signal),
      ...slots.map((slot) => deps.events.publish({ ...slot, results: [] }, signal)),
    ]);
    return sent.reduce((sum, out) => sum + out.failed, 0);
  } catch (error) {
    deps.log.error('could not publish the pass events', { error: describeFailure(error) });
    return transitions.length + copies.length + slots.reduce((sum, slot) => sum + slot.deletions.length, 0);
  }
}

/**
 * Runs one reconcile pass: the backup jobs of every policy (and of policies removed from the file), then
 * the disaster-recovery copies, which the backups completed in this pass may just have opened. Never
 * throws for a policy or a job: the caller fails the invocation when a page could not be sent or a
 * policy's jobs could not be read (`pages[].failed`, `unread`).
 * @example const { open, transitions } = await reconcile(deps, { policies, deadline: Date.now() + 240_000 })
 */
export async function reconcile(deps: EngineDeps, request: ReconcileRequest): Promise<ReconcileReport> {
  const outcomes = await inPool(request.policies, POLICIES_IN_FLIGHT, (policy) =>
    followOrNote(deps, policy.name, () => followPolicy(deps, policy, request)),
  );
  const removed = await removedPolicies(deps, request);
  const gone = Array.isArray(removed) ? removed : [];
  if (!Array.isArray(removed)) outcomes.push(removed);
  outcomes.push(
    ...(await inPool(gone, POLICIES_IN_FLIGHT, (policy) =>
      followOrNote(deps, policy, () => followRemovedPolicy(deps, policy, request)),
    )),
  );
  const copies = await followCopies(deps, {
    ...request,
    removed: gone,
    maxInFlight: request.maxCopiesInFlight ?? 5,
    ownAccountOnly: request.ownAccountCopiesOnly,
  });
  const passes = outcomes.filter((o): o is PolicyPass => 'transitions' in o);
  const unread = outcomes.filter((o): o is { policy: string; error: string } => 'error' in o);
  const deletions = [
    ...passes.flatMap((p) => p.deletions.map((slot) => ({ policy: p.policy, ...slot }))),
    ...copies.deletions,
  ];
  const transitions = passes.flatMap((p) => p.transitions);
  const events = { transitions, copies: copies.transitions, slots: deletions };
  const eventsFailed = await publish(deps, events, request.signal);
  return {
    open: passes.flatMap((p) => p.open),
    transitions,
    deletions,
    pages: [...passes.flatMap((p) => (p.page ? [p.page] : [])), ...copies.pages],
    unread: [...unread, ...copies.unread],
    eventsFailed,
    copies: { transitions: copies.transitions, open: copies.open, leftovers: copies.leftovers },
  };
}

/**
 * One reconcile pass over every policy (level-triggered: AWS is the truth, the results table the memory):
 * each policy's followed jobs are carried forward (follow.ts), the completions and failures published as
 * events, and what is still open counted. One policy whose jobs cannot be read does not stop the others.
 */
import { describeFailure } from '../backup/failures.js';
import { inPool } from '../backup/pool.js';
import type { EngineDeps } from '../backup/ports.js';
import type { BackupJob, JobTransition } from '../planning/jobs.js';
import type { ResolvedPolicy } from '../policy/schema.js';
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

/** The jobs of policies a run noted that the file no longer has (removed or renamed). */
async function followRemoved(deps: EngineDeps, request: ReconcileRequest) {
  const known = new Set(request.policies.map((policy) => policy.name));
  let noted: string[];
  try {
    noted = await deps.jobs.listPolicies(request.signal);
  } catch (error) {
    const failure = describeFailure(error);
    deps.log.error('could not read which policies have jobs; the next pass tries again', { error: failure });
    return [{ policy: '(policies with jobs)', error: failure.message }];
  }
  const removed = noted.filter((policy) => !known.has(policy));
  return inPool(removed, POLICIES_IN_FLIGHT, (policy) =>
    followOrNote(deps, policy, () => followRemovedPolicy(deps, policy, request)),
  );
}

/** Publishes the pass's completions, failures and deletions; returns how many events were not delivered. */
async function publish(
  deps: EngineDeps,
  passes: readonly PolicyPass[],
  signal?: AbortSignal,
): Promise<number> {
  const transitions = passes.flatMap((p) => p.transitions);
  const slots = passes.flatMap((p) => p.deletions.map((slot) => ({ policy: p.policy, ...slot })));
  try {
    const sent = await Promise.all([
      deps.events.publishTransitions(transitions, signal),
      ...slots.map((slot) => deps.events.publish({ ...slot, results: [] }, signal)),
    ]);
    return sent.reduce((sum, out) => sum + out.failed, 0);
  } catch (error) {
    deps.log.error('could not publish the pass events', { error: describeFailure(error) });
    return transitions.length + slots.reduce((sum, slot) => sum + slot.deletions.length, 0);
  }
}

/**
 * Runs one reconcile pass. Never throws for a policy or a job: the caller fails the invocation when a
 * page could not be sent or a policy's jobs could not be read (`pages[].failed`, `unread`).
 * @example const { open, transitions } = await reconcile(deps, { policies, deadline: Date.now() + 240_000 })
 */
export async function reconcile(deps: EngineDeps, request: ReconcileRequest): Promise<ReconcileReport> {
  const outcomes = await inPool(request.policies, POLICIES_IN_FLIGHT, (policy) =>
    followOrNote(deps, policy.name, () => followPolicy(deps, policy, request)),
  );
  outcomes.push(...(await followRemoved(deps, request)));
  const passes = outcomes.filter((o): o is PolicyPass => 'transitions' in o);
  const unread = outcomes.filter((o): o is { policy: string; error: string } => 'error' in o);
  const eventsFailed = await publish(deps, passes, request.signal);
  return {
    open: passes.flatMap((p) => p.open),
    transitions: passes.flatMap((p) => p.transitions),
    deletions: passes.flatMap((p) => p.deletions.map((slot) => ({ policy: p.policy, ...slot }))),
    pages: passes.flatMap((p) => (p.page ? [p.page] : [])),
    unread,
    eventsFailed,
  };
}

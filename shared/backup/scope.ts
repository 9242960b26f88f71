/**
 * What one run shares between its phases: its dependencies and request, the work phase's cutoff and
 * signal, the request limits per location and the locations whose quota it hit.
 */

import { setMaxListeners } from 'node:events';
import type { BackupJob } from '../planning/jobs.js';
import type { ResolvedPolicy } from '../policy/schema.js';
import type { PrefixOwner } from './alert.js';
import { jobOf } from './jobs.js';
import { type Location, locationKey } from './location.js';
import { PacedDocdb } from './paced.js';
import type { SnapshotTask } from './plan-region.js';
import { Limiter } from './pool.js';
import type { DocdbPort, EngineDeps } from './ports.js';

export type { EngineDeps } from './ports.js';

import { QuotaLedger } from './quota-ledger.js';
import { RatePool } from './rate.js';
import type { ClusterResult } from './results.js';
import { type RetryNotice, takeSnapshot } from './take-snapshot.js';

/**
 * The per-Region rate a run starts at: high enough never to slow a run AWS does not throttle (a Region's
 * calls are bounded by BACKUP_CONCURRENCY in flight anyway); the first throttles bring it down to what
 * AWS grants (multiplicative decrease), and it grows back while calls go through.
 */
export const START_RATE_PER_SECOND = 200;
/** Listeners a run's signals may have at once: every request in flight adds one. */
const MAX_SIGNAL_LISTENERS = 10_000;
const MIN_RATE_PER_SECOND = 0.2;
/** Calls that may go back to back after a quiet spell before the rate spaces them. */
const RATE_BURST = 20;

export interface RunRequest {
  policy: ResolvedPolicy;
  /** The scheduled slot (whole minute, UTC); at most 5 minutes ahead of the clock. */
  slot: Date;
  /** When the run must be completely done, recording included (epoch ms). */
  deadline: number;
  /** Time kept back before the deadline for recording, events and the alert. Default 15 s. */
  reserveMs?: number;
  /** DocumentDB requests in flight at once per Region (Regions run side by side). Default 10. */
  concurrency?: number;
  /** Every policy's prefix, to tell who holds the quota. Default: this policy's. */
  prefixOwners?: PrefixOwner[];
  /** Fires when the run must stop altogether (the deadline, an interrupt). */
  signal?: AbortSignal;
  /** Told as the run goes (the CLI's progress); never changes what the run does. */
  observer?: RunObserver;
}

/** Hooks a caller can watch a run through. */
export interface RunObserver {
  /** A Region's DocumentDB clusters were listed. */
  onClustersListed?: (at: Location, clusterIds: string[]) => void;
  /** A CreateDBClusterSnapshot call is about to be sent. */
  onAttempt?: (at: Location, clusterId: string) => void;
  /** A busy cluster waits before its next attempt. */
  onRetry?: (notice: RetryNotice) => void;
  /** A cluster's result is known (a failure before any snapshot, or a snapshot's outcome). */
  onResult?: (result: ClusterResult) => void;
}

export interface RunScope {
  /** The run's dependencies; `docdb` is paced per Region (paced.ts). */
  deps: EngineDeps;
  request: RunRequest;
  /** No work-phase call starts after this, and calls in flight are aborted at it (epoch ms). */
  cutoff: number;
  /** Fires at the cutoff, or when the run must stop: for every call of the work phase. */
  workSignal: AbortSignal;
  /** The location's limit of DocumentDB requests in flight, created on first use and kept. */
  limiterFor(at: Location): Limiter;
  /** Where this run has hit the snapshot quota: no more attempts there until retention frees slots. */
  quota: QuotaLedger;
  /** DocumentDB for reporting: the same per-Region rates, throttles waited out until the deadline. */
  reportDocdb: DocdbPort;
  /** When the run began (epoch ms): its jobs' request time. */
  startedAt: number;
  /**
   * The jobs this run started, by whether this run created their snapshot (written batched when the run
   * reports) or found it busy or already there (written one by one, conditionally).
   */
  jobs: { job: BackupJob; created: boolean }[];
}

/**
 * Opens a run's scope: the cutoff is the deadline less the reserve for reporting.
 * @example const scope = openScope(deps, { policy, slot, deadline: Date.now() + 840_000 })
 */
export function openScope(deps: EngineDeps, request: RunRequest): RunScope {
  const concurrency = request.concurrency ?? 10;
  const cutoff = request.deadline - (request.reserveMs ?? 15_000);
  const atCutoff = AbortSignal.timeout(Math.max(1, cutoff - deps.clock.now()));
  const workSignal = request.signal ? AbortSignal.any([request.signal, atCutoff]) : atCutoff;
  // Every call in flight listens to these signals (the SDK adds one listener per request): many at once
  // is expected, not a leak, so Node's warning past 10 would only be noise in the function's logs.
  for (const signal of [workSignal, request.signal])
    if (signal) setMaxListeners(MAX_SIGNAL_LISTENERS, signal);
  // Any location asked for gets its own limit, named by the policy or not: none is ever unlimited.
  const limiters = new Map<string, Limiter>();
  const limiterFor = (at: Location) => {
    const key = locationKey(at);
    let limiter = limiters.get(key);
    if (!limiter) {
      limiter = new Limiter(concurrency);
      limiters.set(key, limiter);
    }
    return limiter;
  };
  const rates = new RatePool({
    initialPerSecond: START_RATE_PER_SECOND,
    maxPerSecond: START_RATE_PER_SECOND,
    minPerSecond: MIN_RATE_PER_SECOND,
    burst: RATE_BURST,
    clock: deps.clock,
  });
  const random = deps.random ?? Math.random;
  const docdb = new PacedDocdb(deps.docdb, { rates, clock: deps.clock, random, cutoff });
  const reportDocdb = new PacedDocdb(deps.docdb, {
    rates,
    clock: deps.clock,
    random,
    cutoff: request.deadline - 1_000,
  });
  return {
    deps: { ...deps, docdb },
    request,
    cutoff,
    workSignal,
    limiterFor,
    quota: new QuotaLedger(),
    reportDocdb,
    startedAt: deps.clock.now(),
    jobs: [],
  };
}

/**
 * Takes one cluster's snapshot within the scope (its limits, cutoff and quota ledger); never throws.
 * `earlierAttempts` are added to the result's attempts (a retry after retention freed the quota).
 * @example await take(scope, task) // { outcome: 'created', attempts: 1, ... }
 */
export async function take(scope: RunScope, task: SnapshotTask, earlierAttempts = 0): Promise<ClusterResult> {
  const { deps, request } = scope;
  const result = await takeSnapshot(
    {
      docdb: deps.docdb,
      clock: deps.clock,
      log: deps.log,
      random: deps.random ?? Math.random,
      policyName: request.policy.name,
      prefix: request.policy.snapshot.prefix,
      retry: request.policy.retry,
      cutoff: scope.cutoff,
      startWindowEndsAt: request.slot.getTime() + request.policy.windows.startMinutes * 60_000,
      quota: scope.quota,
      limiterFor: scope.limiterFor,
      signal: scope.workSignal,
      onRetry: request.observer?.onRetry,
      onAttempt: request.observer?.onAttempt,
    },
    task,
  );
  const merged = { ...result, attempts: result.attempts + earlierAttempts };
  const run = {
    policy: request.policy.name,
    scheduledAt: request.slot.toISOString(),
    requestedAt: new Date(scope.startedAt).toISOString(),
  };
  const job = jobOf(merged, run, new Date(deps.clock.now()));
  if (job) scope.jobs.push({ job, created: merged.outcome === 'created' });
  request.observer?.onResult?.(merged);
  return merged;
}

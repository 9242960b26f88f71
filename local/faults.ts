/**
 * Decides, call by call, which injected faults apply: latency, token-bucket throttling (throttle.ts),
 * random or counted throttling, server errors, busy or stuck clusters, how a cluster's snapshots go
 * and failed PutEvents entries. Deterministic for a given configuration, seed and sequence of call times.
 */
import type { CallFaults, ClusterFault, FaultConfig, SnapshotOutcome } from './config.js';
import { mulberry32 } from './prng.js';
import { type CallOrigin, ThrottleBuckets } from './throttle.js';

/** What to do with one API call before it is answered. */
export interface CallDecision {
  latencyMs: number;
  fault?: { kind: 'throttle' } | { kind: 'server-error'; status: 500 | 503 };
}

/** The fault state as shown by `state()`. */
export interface FaultState {
  config: FaultConfig;
  /** Remaining busy attempts per `clusters` key. */
  busyRemaining: Record<string, number>;
  /** The emulator time (ISO) each `clusters` key with `busyForMs` or `busyUntil` is busy until. */
  busyUntil: Record<string, string>;
  /** Tokens left per `throttle` bucket created so far, keyed `account/Region/key`. */
  throttleBuckets: Record<string, number>;
}

/** A cluster fault that applies to one cluster now. */
export interface ClusterOverride {
  /** The status DescribeDBClusters shows instead of the real one. */
  status: string;
  /** True while the override refuses CreateDBClusterSnapshot as busy (attempts left or busy time). */
  busy: boolean;
  /** Key in the `clusters` configuration, used to consume a busy attempt. */
  key: string;
}

/** How the next snapshot of a cluster goes, from its cluster fault. */
export interface SnapshotPlan {
  /** How long it stays `creating`; the cluster's or the emulator's setting when undefined. */
  availableAfterMs?: number;
  outcome: SnapshotOutcome;
}

/** How the next copy of a cluster's snapshot goes, from the source cluster's fault. */
export interface CopyPlan {
  /** How long it stays `copying`; the emulator's `copyAvailableAfterMs` when undefined. */
  availableAfterMs?: number;
  outcome: 'available' | 'failed';
}

type Kind = 'throttle' | 'serverError';

export class FaultEngine {
  private config: FaultConfig = {};
  private random = mulberry32(1);
  private allCalls = 0;
  private readonly actionCalls = new Map<string, number>();
  private putEventsCalls = 0;
  private readonly busyRemaining = new Map<string, number>();
  private readonly busyUntilMs = new Map<string, number>();
  private buckets = new ThrottleBuckets();

  /**
   * Replaces the configuration and restarts every counter and the PRNG; `nowMs`, the emulator's time,
   * starts the `busyForMs` periods.
   */
  set(config: FaultConfig, nowMs: number): void {
    this.config = structuredClone(config);
    this.random = mulberry32(config.seed ?? 1);
    this.allCalls = 0;
    this.actionCalls.clear();
    this.putEventsCalls = 0;
    this.busyRemaining.clear();
    this.busyUntilMs.clear();
    this.buckets = new ThrottleBuckets(config.throttle);
    for (const [key, fault] of Object.entries(config.clusters ?? {})) {
      if (fault.busyForAttempts) this.busyRemaining.set(key.toLowerCase(), fault.busyForAttempts);
      if (fault.busyForMs !== undefined) this.busyUntilMs.set(key.toLowerCase(), nowMs + fault.busyForMs);
      if (fault.busyUntil !== undefined) this.busyUntilMs.set(key.toLowerCase(), Date.parse(fault.busyUntil));
    }
  }

  /**
   * Counts one call of `action` (e.g. `rds:CreateDBClusterSnapshot`) and decides its faults. The token
   * buckets answer first (they need `origin`: without one, none applies); a call they admit has taken a
   * token even when another fault then hits it.
   */
  decide(action: string, origin?: CallOrigin): CallDecision {
    this.allCalls += 1;
    const actionCount = (this.actionCalls.get(action) ?? 0) + 1;
    this.actionCalls.set(action, actionCount);
    const scoped = this.config.actions?.[action];
    const latencyMs = scoped?.latencyMs ?? this.config.latencyMs ?? 0;
    if (origin && !this.buckets.admit(action, origin)) return { latencyMs, fault: { kind: 'throttle' } };
    if (this.hits('throttle', scoped, actionCount)) return { latencyMs, fault: { kind: 'throttle' } };
    if (this.hits('serverError', scoped, actionCount)) {
      const status =
        (usesScope('serverError', scoped) ? scoped?.serverErrorStatus : undefined) ??
        this.config.serverErrorStatus ??
        500;
      return { latencyMs, fault: { kind: 'server-error', status } };
    }
    return { latencyMs };
  }

  /**
   * The override for a cluster at the emulator's time `nowMs`, when a cluster fault applies to it:
   * busy (attempts left, or before its busy time is over) shows `busyStatus`, then `status` if any.
   */
  clusterOverride(
    accountId: string,
    region: string,
    clusterId: string,
    nowMs: number,
  ): ClusterOverride | undefined {
    const match = this.clusterFault(accountId, region, clusterId);
    if (!match) return undefined;
    const [key, fault] = match;
    const busyByAttempts = (this.busyRemaining.get(key) ?? 0) > 0;
    const busyByTime = nowMs < (this.busyUntilMs.get(key) ?? Number.NEGATIVE_INFINITY);
    if (busyByAttempts || busyByTime) return { status: fault.busyStatus ?? 'backing-up', busy: true, key };
    if (fault.status) return { status: fault.status, busy: false, key };
    return undefined;
  }

  /** How a snapshot of the cluster created now goes: its creation time and its end. */
  snapshotPlan(accountId: string, region: string, clusterId: string): SnapshotPlan {
    const fault = this.clusterFault(accountId, region, clusterId)?.[1];
    const plan: SnapshotPlan = { outcome: fault?.snapshotOutcome ?? 'available' };
    if (fault?.snapshotAvailableAfterMs !== undefined) plan.availableAfterMs = fault.snapshotAvailableAfterMs;
    return plan;
  }

  /**
   * How a copy of a snapshot of this cluster (the source's account, Region and cluster id) started now goes.
   * Example: `faults.copyPlan('111122223333', 'us-east-1', 'orders')` → `{ outcome: 'available' }`
   */
  copyPlan(accountId: string, region: string, clusterId: string): CopyPlan {
    const fault = this.clusterFault(accountId, region, clusterId)?.[1];
    const plan: CopyPlan = { outcome: fault?.copyOutcome ?? 'available' };
    if (fault?.copyAvailableAfterMs !== undefined) plan.availableAfterMs = fault.copyAvailableAfterMs;
    return plan;
  }

  /** Uses up one busy attempt of the cluster fault `key`. */
  consumeBusyAttempt(key: string): void {
    const remaining = this.busyRemaining.get(key) ?? 0;
    if (remaining > 0) this.busyRemaining.set(key, remaining - 1);
  }

  /** Which entries of one PutEvents call fail (true = fail with InternalFailure). */
  putEventsFailures(entryCount: number): boolean[] {
    this.putEventsCalls += 1;
    const rule = this.config.putEventsFailEntries;
    const failures = new Array<boolean>(entryCount).fill(false);
    if (!rule || (rule.forCalls !== undefined && this.putEventsCalls > rule.forCalls)) return failures;
    for (let i = 0; i < entryCount; i++) {
      const byCount = rule.count !== undefined && i < rule.count;
      const byRate = rule.rate !== undefined && this.random() < rule.rate;
      failures[i] = byCount || byRate;
    }
    return failures;
  }

  /** The state at the emulator's time `nowMs` (bucket levels depend on it). */
  snapshot(nowMs: number): FaultState {
    return {
      config: structuredClone(this.config),
      busyRemaining: Object.fromEntries(this.busyRemaining),
      busyUntil: Object.fromEntries(
        [...this.busyUntilMs].map(([key, ms]) => [key, new Date(ms).toISOString()]),
      ),
      throttleBuckets: this.buckets.levels(nowMs),
    };
  }

  private clusterFault(
    accountId: string,
    region: string,
    clusterId: string,
  ): [string, ClusterFault] | undefined {
    for (const [key, fault] of Object.entries(this.config.clusters ?? {})) {
      if (key.toLowerCase() !== clusterId) continue;
      if (fault.region !== undefined && fault.region !== region) continue;
      if (fault.accountId !== undefined && fault.accountId !== accountId) continue;
      return [key.toLowerCase(), fault];
    }
    return undefined;
  }

  /** Whether a fault kind hits this call; the action's settings win when it sets any of that kind. */
  private hits(kind: Kind, scoped: CallFaults | undefined, actionCount: number): boolean {
    const [settings, count] = usesScope(kind, scoped)
      ? [scoped ?? {}, actionCount]
      : [this.config, this.allCalls];
    const first = settings[`${kind}First`];
    const every = settings[`${kind}Every`];
    const rate = settings[`${kind}Rate`];
    if (first !== undefined && count <= first) return true;
    if (every !== undefined && count % every === 0) return true;
    return rate !== undefined && rate > 0 && this.random() < rate;
  }
}

function usesScope(kind: Kind, scoped: CallFaults | undefined): boolean {
  if (!scoped) return false;
  return (
    scoped[`${kind}First`] !== undefined ||
    scoped[`${kind}Every`] !== undefined ||
    scoped[`${kind}Rate`] !== undefined
  );
}

/**
 * Result events: one EventBridge event per cluster result, sent in PutEvents calls of at most 10 entries;
 * entries that fail are sent again a few times before they count as lost.
 */
import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import type { Clock } from '../backup/clock.js';
import { inPool } from '../backup/pool.js';
import type { ResultEvents } from '../backup/ports.js';
import type { RunSummary } from '../backup/results.js';
import type { CopyTransition } from '../planning/copies.js';
import type { JobTransition } from '../planning/jobs.js';
import type { CallDeclarations } from './permissions.js';

export const EVENT_SOURCE = 'docdb-backup';
export const EVENT_DETAIL_TYPE = 'DocumentDB Snapshot Result';
export const DELETION_DETAIL_TYPE = 'DocumentDB Snapshot Deleted';
/** A run-level warning, such as a selection that matched no cluster. */
export const NOTICE_DETAIL_TYPE = 'DocumentDB Backup Notice';
const MAX_ENTRIES = 10;
const MAX_ROUNDS = 4;
/** PutEvents calls in flight at once. */
export const BATCHES_IN_FLIGHT = 8;

/** The PutEvents entries for a run: one per cluster result, retention deletion and notice. */
export function resultEntries(summary: RunSummary, busName: string): PutEventsRequestEntry[] {
  const entry = (detailType: string, detail: object): PutEventsRequestEntry => ({
    Source: EVENT_SOURCE,
    DetailType: detailType,
    EventBusName: busName,
    Detail: JSON.stringify({ policy: summary.policy, scheduledAt: summary.scheduledAt, ...detail }),
  });
  return [
    ...summary.results.map((result) => entry(EVENT_DETAIL_TYPE, result)),
    ...summary.deletions.map((deletion) => entry(DELETION_DETAIL_TYPE, deletion)),
    ...(summary.notices ?? []).map((notice) => entry(NOTICE_DETAIL_TYPE, notice)),
  ];
}

/** A backup job whose snapshot became available. */
export const COMPLETED_DETAIL_TYPE = 'DocumentDB Snapshot Completed';
/** A backup job that failed after the run: its snapshot failed or vanished, or a window closed. */
export const FAILED_DETAIL_TYPE = 'DocumentDB Snapshot Failed';

/** A move of a followed job or copy: where it went. */
type Move = { to: string };

/** One event per move that ended (available or failed), with the move as its detail. */
function endedEntries(
  moves: readonly Move[],
  busName: string,
  types: { available: string; failed: string },
): PutEventsRequestEntry[] {
  return moves
    .filter((t) => t.to === 'available' || t.to === 'failed')
    .map((t) => ({
      Source: EVENT_SOURCE,
      DetailType: t.to === 'available' ? types.available : types.failed,
      EventBusName: busName,
      Detail: JSON.stringify(t),
    }));
}

/** The PutEvents entries for a reconcile pass: one per job that completed or failed. */
export function transitionEntries(
  transitions: readonly JobTransition[],
  busName: string,
): PutEventsRequestEntry[] {
  return endedEntries(transitions, busName, { available: COMPLETED_DETAIL_TYPE, failed: FAILED_DETAIL_TYPE });
}

/** A disaster-recovery copy that became available in its destination. */
export const COPIED_DETAIL_TYPE = 'DocumentDB Snapshot Copied';
/** A disaster-recovery copy that failed (refused, failed, vanished, or its window closed). */
export const COPY_FAILED_DETAIL_TYPE = 'DocumentDB Snapshot Copy Failed';

/** The PutEvents entries of a pass's copies: one per copy that became available or failed. */
export function copyTransitionEntries(
  transitions: readonly CopyTransition[],
  busName: string,
): PutEventsRequestEntry[] {
  return endedEntries(transitions, busName, {
    available: COPIED_DETAIL_TYPE,
    failed: COPY_FAILED_DETAIL_TYPE,
  });
}

/** The AWS calls of `EventBridgeResultEvents`, per method (shared/aws/permissions.ts). */
export const EVENTBRIDGE_CALLS = {
  publish: {
    command: PutEventsCommand,
    actions: ['events:PutEvents'],
    resources: ['event-bus'],
    why: 'publish one result event per cluster, deletion and notice',
  },
  publishTransitions: {
    command: PutEventsCommand,
    actions: ['events:PutEvents'],
    resources: ['event-bus'],
    why: 'publish one event per backup job that completed or failed',
  },
  publishCopyTransitions: {
    command: PutEventsCommand,
    actions: ['events:PutEvents'],
    resources: ['event-bus'],
    why: 'publish one event per copy that became available or failed',
  },
} as const satisfies CallDeclarations;

export class EventBridgeResultEvents implements ResultEvents {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
    private readonly clock: Clock,
  ) {}

  publish(summary: RunSummary, signal?: AbortSignal): Promise<{ failed: number }> {
    return this.putAll(resultEntries(summary, this.busName), signal);
  }

  publishTransitions(
    transitions: readonly JobTransition[],
    signal?: AbortSignal,
  ): Promise<{ failed: number }> {
    return this.putAll(transitionEntries(transitions, this.busName), signal);
  }

  publishCopyTransitions(
    transitions: readonly CopyTransition[],
    signal?: AbortSignal,
  ): Promise<{ failed: number }> {
    return this.putAll(copyTransitionEntries(transitions, this.busName), signal);
  }

  /** Sends entries in batches of ten, side by side; returns how many never got through. */
  private async putAll(entries: PutEventsRequestEntry[], signal?: AbortSignal): Promise<{ failed: number }> {
    const batches: PutEventsRequestEntry[][] = [];
    for (let i = 0; i < entries.length; i += MAX_ENTRIES) batches.push(entries.slice(i, i + MAX_ENTRIES));
    const failed = await inPool(batches, BATCHES_IN_FLIGHT, (batch) => this.putBatch(batch, signal));
    return { failed: failed.reduce((sum, n) => sum + n, 0) };
  }

  /** Sends one batch; resends only the entries that failed. Returns how many never got through. */
  private async putBatch(batch: PutEventsRequestEntry[], signal?: AbortSignal): Promise<number> {
    let pending = batch;
    for (let round = 0; round < MAX_ROUNDS && pending.length > 0; round++) {
      if (round > 0) await this.clock.sleep(100 * 2 ** round, signal);
      const out = await this.client.send(new PutEventsCommand({ Entries: pending }), { abortSignal: signal });
      if (!out.FailedEntryCount) return 0;
      pending = pending.filter((_, index) => out.Entries?.[index]?.ErrorCode !== undefined);
    }
    return pending.length;
  }
}

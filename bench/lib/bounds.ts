/**
 * Lower bounds on a run's duration, from the model of how the engine may spend its time, never from the
 * measured time itself. A run cannot beat a bound; when one does, the model no longer matches the code and
 * the report says so instead of printing a ratio below 1.
 *
 * The model (shared/backup/engine.ts, select.ts, create.ts; shared/aws/dynamodb.ts, eventbridge.ts):
 * - Regions run side by side; a Region lists its clusters (DescribeDBClusters, one page after the other,
 *   at most 100 per page as the API allows) before anything else of its own, then reads tags and creates
 *   snapshots with at most BACKUP_CONCURRENCY DocumentDB requests in flight. Its quota listing
 *   (DescribeDBClusterSnapshots) runs beside the plan.
 * - A cluster's attempts are one after another.
 * - Recording starts after the last snapshot: BatchWriteItem and PutEvents side by side, each at most
 *   their adapter's BATCHES_IN_FLIGHT in flight; a page is a claim, then a Publish.
 * - Every API call takes at least the emulator's injected latency.
 */

import { BATCHES_IN_FLIGHT as EVENTS_IN_FLIGHT } from '../../shared/aws/eventbridge.js';
import { BATCHES_IN_FLIGHT as DYNAMODB_IN_FLIGHT } from '../../shared/aws/results-table/runs.js';

/** DescribeDBClusters and DescribeDBClusterSnapshots return at most 100 records per page (API limit). */
export const API_PAGE_SIZE = 100;
/** BatchWriteItem takes at most 25 items, PutEvents at most 10 entries (API limits). */
export const ITEMS_PER_BATCH_WRITE = 25;
export const ENTRIES_PER_PUT_EVENTS = 10;

export interface RecordingCalls {
  batchWrites: number;
  putEvents: number;
  publishes: number;
}

export interface RecordingBound {
  ms: number;
  /** Round trips: DynamoDB batches, PutEvents, the page. */
  rounds: { dynamodb: number; events: number; page: number };
}

/**
 * Recording after the last snapshot: DynamoDB and EventBridge side by side, each in rounds of its
 * adapter's in-flight limit; a page (claim, then Publish) beside them.
 * @example recordingBound({ batchWrites: 16, putEvents: 40, publishes: 0 }, 50).ms // 250
 */
export function recordingBound(calls: RecordingCalls, latencyMs: number): RecordingBound {
  const rounds = {
    dynamodb: Math.ceil(calls.batchWrites / DYNAMODB_IN_FLIGHT),
    events: Math.ceil(calls.putEvents / EVENTS_IN_FLIGHT),
    page: calls.publishes > 0 ? 2 : 0,
  };
  return { ms: latencyMs * Math.max(rounds.dynamodb, rounds.events, rounds.page), rounds };
}

/** The recording calls a run of `results` cluster results needs at the least (full batches, no page). */
export function minimalRecording(results: number): RecordingCalls {
  return {
    batchWrites: Math.ceil(results / ITEMS_PER_BATCH_WRITE),
    putEvents: Math.ceil(results / ENTRIES_PER_PUT_EVENTS),
    publishes: 0,
  };
}

export interface RegionBound {
  region: string;
  ms: number;
  /** DescribeDBClusters pages, one after another, before the Region's first tag read or snapshot. */
  listingRoundTrips: number;
  /** The Region's other DocumentDB requests, BACKUP_CONCURRENCY at a time (quota listing excluded). */
  pooledCalls: number;
  /** The most attempts any one cluster of the Region made, one after another. */
  longestChain: number;
}

export interface FleetBound {
  ms: number;
  busiest: RegionBound;
  recording: RecordingBound;
}

/**
 * The fleet run's lower bound: the busiest Region's DocumentDB time (its listing pages in sequence, then
 * its other requests `concurrency` at a time, or its longest chain of attempts if that is longer, or its
 * quota listing beside it), then recording.
 * @example fleetBound({ 'eu-west-1': { 'rds:DescribeDBClusters': 1, 'rds:CreateDBClusterSnapshot': 40 } }, ...)
 */
export function fleetBound(options: {
  /** This run's calls per Region and action (emulator counters). */
  callsByRegion: Record<string, Record<string, number>>;
  /** This run's calls per action. */
  calls: Record<string, number>;
  /** The most attempts of one cluster, per Region (from the run's results). */
  longestChainByRegion: Record<string, number>;
  concurrency: number;
  latencyMs: number;
}): FleetBound {
  const { concurrency, latencyMs } = options;
  const regions: RegionBound[] = Object.entries(options.callsByRegion).map(([region, calls]) => {
    const docdb = Object.entries(calls)
      .filter(([action]) => action.startsWith('rds:'))
      .reduce((sum, [, n]) => sum + n, 0);
    const listing = calls['rds:DescribeDBClusters'] ?? 0;
    const quotaListing = calls['rds:DescribeDBClusterSnapshots'] ?? 0;
    const pooledCalls = docdb - listing - quotaListing;
    const longestChain = options.longestChainByRegion[region] ?? 0;
    const rounds = Math.max(
      listing + Math.max(Math.ceil(pooledCalls / concurrency), longestChain),
      quotaListing,
    );
    return { region, ms: rounds * latencyMs, listingRoundTrips: listing, pooledCalls, longestChain };
  });
  const busiest = regions.reduce<RegionBound>((a, b) => (b.ms > a.ms ? b : a), {
    region: '–',
    ms: 0,
    listingRoundTrips: 0,
    pooledCalls: 0,
    longestChain: 0,
  });
  const recording = recordingBound(
    {
      batchWrites: options.calls['dynamodb:BatchWriteItem'] ?? 0,
      putEvents: options.calls['events:PutEvents'] ?? 0,
      publishes: options.calls['sns:Publish'] ?? 0,
    },
    latencyMs,
  );
  return { ms: busiest.ms + recording.ms, busiest, recording };
}

export interface ThrottleBound {
  ms: number;
  /** (clusters − burst) ÷ rate: the bucket's own time for the snapshots beyond its burst. */
  bucketMs: number;
  listingRoundTrips: number;
  recording: RecordingBound;
  /** The calls the bound counts: listing pages, the quota listing, one create per cluster, recording. */
  calls: number;
}

/**
 * The throttling scenario's lower bound: the listing pages (⌈clusters ÷ 100⌉, in sequence, within the other
 * calls' burst), the create bucket's time for the snapshots beyond its burst ((clusters − burst) ÷ rate),
 * the last create's round trip, and the least recording of that many results.
 * @example throttleBound({ clusters: 400, rate: 5, burst: 5, latencyMs: 50 }).bucketMs // 79000
 */
export function throttleBound(options: {
  clusters: number;
  rate: number;
  burst: number;
  latencyMs: number;
}): ThrottleBound {
  const { clusters, rate, burst, latencyMs } = options;
  const listingRoundTrips = Math.max(1, Math.ceil(clusters / API_PAGE_SIZE));
  const bucketMs = (Math.max(0, clusters - burst) / rate) * 1000;
  const recordingCalls = minimalRecording(clusters);
  const recording = recordingBound(recordingCalls, latencyMs);
  return {
    ms: listingRoundTrips * latencyMs + bucketMs + latencyMs + recording.ms,
    bucketMs,
    listingRoundTrips,
    recording,
    calls: listingRoundTrips + 1 + clusters + recordingCalls.batchWrites + recordingCalls.putEvents,
  };
}

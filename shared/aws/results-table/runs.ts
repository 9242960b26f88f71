/**
 * A run's results in the results table: the writer (cluster results, notices, retention deletions) and
 * the reader `status` uses (a cluster's newest result, backup job and copies for a policy). Keys and
 * items: codec.ts, copy-codec.ts.
 */
import {
  BatchWriteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { type Location, locationKey } from '../../backup/location.js';
import { inPool } from '../../backup/pool.js';
import type { RunRecorder } from '../../backup/ports.js';
import type { DeletionRecord, RunSummary } from '../../backup/results.js';
import type { CopyJob } from '../../planning/copies.js';
import type { BackupJob } from '../../planning/jobs.js';
import type { CallDeclarations } from '../permissions.js';
import {
  deletionItem,
  type Item,
  jobFromItem,
  jobPk,
  noticeItem,
  type RecordedResult,
  resultFromItem,
  resultItem,
  resultPk,
} from './codec.js';
import { copyJobFromItem, copyPk } from './copy-codec.js';
import { BATCHES_IN_FLIGHT, TableWriter } from './writer.js';

export { BATCHES_IN_FLIGHT } from './writer.js';

/** The AWS calls of `DynamoRunRecorder`, per method (shared/aws/permissions.ts). */
export const RUN_RECORDER_CALLS = {
  record: {
    command: BatchWriteItemCommand,
    actions: ['dynamodb:BatchWriteItem'],
    resources: ['results-table'],
    why: 'record one result per cluster and each notice of a run',
  },
  recordDeletion: {
    command: PutItemCommand,
    actions: ['dynamodb:PutItem'],
    resources: ['results-table'],
    why: 'record each retention deletion as it happens (conditional put)',
  },
} as const satisfies CallDeclarations;

export class DynamoRunRecorder extends TableWriter implements RunRecorder {
  async record(summary: RunSummary, signal?: AbortSignal): Promise<void> {
    const now = this.options.clock.now();
    const expires = now + this.keepMs;
    const items = [
      ...summary.results.map((result) => resultItem(summary, result, now, expires)),
      ...(summary.notices ?? []).map((notice) => noticeItem(summary, notice, now, expires)),
    ];
    await Promise.all([
      this.putAll(items, (RequestItems) => new BatchWriteItemCommand({ RequestItems }), signal),
      inPool(summary.deletions, BATCHES_IN_FLIGHT, (deletion) =>
        this.recordDeletion(summary, deletion, signal),
      ),
    ]);
  }

  async recordDeletion(
    run: { policy: string; scheduledAt: string },
    deletion: DeletionRecord,
    signal?: AbortSignal,
  ): Promise<void> {
    const now = this.options.clock.now();
    // A failed condition: already recorded as deleted, which stands.
    await this.conditional(
      new PutItemCommand({
        TableName: this.table,
        Item: deletionItem(run, deletion, now, now + this.keepMs),
        // Overlapping runs: the one whose delete found the snapshot gone must not turn `deleted` into `failed`.
        ConditionExpression: 'attribute_not_exists(pk) OR outcome <> :deleted',
        ExpressionAttributeValues: { ':deleted': { S: 'deleted' } },
      }),
      signal,
    );
  }
}

/** The CLI's view of recorded results. */
export interface ResultsReader {
  /** The newest result of `clusterId` in `region` (`*` for "in no Region") for `policy`, if any. */
  latest(
    region: string,
    clusterId: string,
    policy: string,
    signal?: AbortSignal,
  ): Promise<RecordedResult | undefined>;
  /** The newest backup job of `clusterId` in `region` for `policy`, if any. */
  latestJob(
    region: string,
    clusterId: string,
    policy: string,
    signal?: AbortSignal,
  ): Promise<BackupJob | undefined>;
  /**
   * The newest copy job of `clusterId` (its backups taken in `source`) for `policy` to each of
   * `destinations` that has one, in the order of `destinations`.
   */
  latestCopies(
    source: Location,
    clusterId: string,
    policy: string,
    destinations: readonly Location[],
    signal?: AbortSignal,
  ): Promise<CopyJob[]>;
  /** The newest `limit` results of `clusterId` in `region` for `policy`, newest first (status --html). */
  history(
    region: string,
    clusterId: string,
    policy: string,
    limit: number,
    signal?: AbortSignal,
  ): Promise<RecordedResult[]>;
}

/** Items read per Query page; other policies' results of the same cluster are filtered out. */
const PAGE_LIMIT = 25;
/** Pages read before giving up: a cluster shared by several policies still finds its results. */
const MAX_PAGES = 8;

/** The AWS calls of `DynamoResultsReader`, per method (shared/aws/permissions.ts). */
export const RESULTS_READER_CALLS = {
  latest: {
    command: QueryCommand,
    actions: ['dynamodb:Query'],
    resources: ['results-table'],
    why: 'status: the latest recorded result of a cluster',
  },
  latestJob: {
    command: QueryCommand,
    actions: ['dynamodb:Query'],
    resources: ['results-table'],
    why: 'status: the latest backup job of a cluster',
  },
  latestCopies: {
    command: QueryCommand,
    actions: ['dynamodb:Query'],
    resources: ['results-table'],
    why: "status: a cluster's latest disaster-recovery copy to each destination",
  },
  history: {
    command: QueryCommand,
    actions: ['dynamodb:Query'],
    resources: ['results-table'],
    why: 'status --html: the recent results of a cluster',
  },
} as const satisfies CallDeclarations;

export class DynamoResultsReader implements ResultsReader {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  latest(
    region: string,
    clusterId: string,
    policy: string,
    signal?: AbortSignal,
  ): Promise<RecordedResult | undefined> {
    return this.newest(resultPk({ region, clusterId }), policy, resultFromItem, signal);
  }

  latestJob(
    region: string,
    clusterId: string,
    policy: string,
    signal?: AbortSignal,
  ): Promise<BackupJob | undefined> {
    return this.newest(jobPk({ region, clusterId }), policy, jobFromItem, signal);
  }

  /**
   * One Query on the cluster's copy partition (`copy#<source>#<cluster>`, sorted by slot: newest last),
   * read from its newest end until every destination asked for has its newest job, or MAX_PAGES pages.
   */
  async latestCopies(
    source: Location,
    clusterId: string,
    policy: string,
    destinations: readonly Location[],
    signal?: AbortSignal,
  ): Promise<CopyJob[]> {
    const wanted = new Set(destinations.map(locationKey));
    const found = new Map<string, CopyJob>();
    if (wanted.size === 0) return [];
    for await (const item of this.newestFirst(copyPk(source, clusterId), policy, signal)) {
      const job = copyJobFromItem(item);
      const key = job && locationKey(job.destination);
      if (job && key && wanted.has(key) && !found.has(key)) found.set(key, job);
      if (found.size === wanted.size) break;
    }
    return destinations.flatMap((at) => found.get(locationKey(at)) ?? []);
  }

  history(
    region: string,
    clusterId: string,
    policy: string,
    limit: number,
    signal?: AbortSignal,
  ): Promise<RecordedResult[]> {
    return this.collect(resultPk({ region, clusterId }), policy, resultFromItem, limit, signal);
  }

  /** The newest item of a partition that is the policy's and reads as a `T`. */
  private async newest<T>(
    pk: string,
    policy: string,
    read: (item: Item) => T | undefined,
    signal?: AbortSignal,
  ): Promise<T | undefined> {
    return (await this.collect(pk, policy, read, 1, signal))[0];
  }

  /** The newest `limit` items of a partition that are the policy's and read as a `T`, newest first. */
  private async collect<T>(
    pk: string,
    policy: string,
    read: (item: Item) => T | undefined,
    limit: number,
    signal?: AbortSignal,
  ): Promise<T[]> {
    const found: T[] = [];
    if (limit < 1) return found;
    for await (const item of this.newestFirst(pk, policy, signal)) {
      const value = read(item);
      if (value) found.push(value);
      if (found.length >= limit) break;
    }
    return found;
  }

  /** The policy's items of a partition, newest first, PAGE_LIMIT a Query page, at most MAX_PAGES pages. */
  private async *newestFirst(pk: string, policy: string, signal?: AbortSignal): AsyncGenerator<Item> {
    let startKey: Item | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          FilterExpression: '#policy = :policy',
          ExpressionAttributeNames: { '#policy': 'policy' },
          ExpressionAttributeValues: {
            ':pk': { S: pk },
            ':policy': { S: policy },
          },
          ScanIndexForward: false,
          Limit: PAGE_LIMIT,
          ExclusiveStartKey: startKey,
        }),
        { abortSignal: signal },
      );
      yield* out.Items ?? [];
      startKey = out.LastEvaluatedKey;
      if (!startKey) return;
    }
  }
}

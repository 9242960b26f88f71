/**
 * Test doubles shared by unit tests: a clock that never sleeps for real, a log that remembers, policies
 * built from plain data, and the product's real adapters over aws-sdk-client-mock'ed clients.
 */
import { DocDBClient } from '@aws-sdk/client-docdb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { DocdbAdapter } from '../../shared/aws/docdb.js';
import { EventBridgeResultEvents } from '../../shared/aws/eventbridge.js';
import { resultsTable } from '../../shared/aws/results-table/index.js';
import { SnsAlerter } from '../../shared/aws/sns.js';
import type { Clock } from '../../shared/backup/clock.js';
import type { EngineDeps } from '../../shared/backup/engine.js';
import type { RunLog } from '../../shared/backup/ports.js';
import type { ResolvedPolicy } from '../../shared/policy/schema.js';

export interface FakeClock extends Clock {
  sleeps: number[];
  advance(ms: number): void;
}

/** A clock whose sleep returns at once and moves time forward by the requested amount. */
export function fakeClock(start = Date.parse('2026-11-28T03:00:05Z')): FakeClock {
  let t = start;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
    advance: (ms) => {
      t += ms;
    },
  };
}

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields?: Record<string, unknown>;
}

export function memoryLog(): RunLog & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (message, fields) => lines.push({ level: 'info', message, fields }),
    warn: (message, fields) => lines.push({ level: 'warn', message, fields }),
    error: (message, fields) => lines.push({ level: 'error', message, fields }),
  };
}

/** A resolved policy from plain data, with the defaults the policy file would give. */
export function policy(overrides: Partial<ResolvedPolicy> = {}): ResolvedPolicy {
  return {
    name: 'nightly',
    description: '',
    enabled: true,
    schedule: 'cron(0 3 * * ? *)',
    regions: ['us-east-1'],
    clusters: { identifiers: [], tags: {}, exclude: [], ...overrides.clusters },
    allowEmpty: false,
    snapshot: { prefix: 'nightly', tags: {}, copyClusterTags: false, ...overrides.snapshot },
    retry: { maxAttempts: 8, baseDelaySeconds: 30, maxDelaySeconds: 300, ...overrides.retry },
    windows: { startMinutes: 480, completionMinutes: 1440, ...overrides.windows },
    quota: { default: 100, regions: {}, warnAtPercent: 80 },
    copies: [],
    ...Object.fromEntries(
      Object.entries(overrides).filter(([k]) => !['clusters', 'snapshot', 'retry', 'windows'].includes(k)),
    ),
  };
}

export const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:docdb-backup-alerts';
export const TABLE = 'docdb-backup-results';

export interface MockedAws {
  docdb: Record<string, AwsClientStub<DocDBClient>>;
  dynamo: AwsClientStub<DynamoDBClient>;
  events: AwsClientStub<EventBridgeClient>;
  sns: AwsClientStub<SNSClient>;
  deps: EngineDeps;
  clock: FakeClock;
  log: ReturnType<typeof memoryLog>;
}

/** The real adapters over mocked SDK clients, one DocumentDB client per Region. */
export function mockedAws(regions: string[] = ['us-east-1']): MockedAws {
  const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' };
  const docdbClients = Object.fromEntries(
    regions.map((r) => [r, new DocDBClient({ region: r, credentials })]),
  );
  const dynamoClient = new DynamoDBClient({ region: 'us-east-1', credentials });
  const eventsClient = new EventBridgeClient({ region: 'us-east-1', credentials });
  const snsClient = new SNSClient({ region: 'us-east-1', credentials });
  const clock = fakeClock();
  const log = memoryLog();
  const mocks = {
    docdb: Object.fromEntries(regions.map((r) => [r, mockClient(docdbClients[r] as DocDBClient)])),
    dynamo: mockClient(dynamoClient),
    events: mockClient(eventsClient),
    sns: mockClient(snsClient),
  };
  const table = resultsTable(dynamoClient, TABLE, { clock });
  return {
    ...mocks,
    clock,
    log,
    deps: {
      docdb: new DocdbAdapter((at) => {
        const client = at.account === undefined ? docdbClients[at.region] : undefined;
        if (!client) throw new Error(`test has no client for ${at.region} (account ${at.account ?? 'own'})`);
        return client;
      }),
      results: table.runs,
      alerts: table.alerts,
      jobs: table.jobs,
      copies: table.copies,
      events: new EventBridgeResultEvents(eventsClient, 'default', clock),
      alerter: new SnsAlerter(snsClient, TOPIC_ARN),
      clock,
      log,
      random: () => 0.5,
    },
  };
}

/**
 * A policy in us-east-1 and eu-west-1 selecting `identifiers` (and `tags`), keeping the newest `keepLast`
 * snapshots: the quota-use tests' policies.
 */
export function retainingPolicy(
  name: string,
  identifiers: string[],
  keepLast: number,
  tags: Record<string, string> = {},
): ResolvedPolicy {
  return policy({
    name,
    regions: ['us-east-1', 'eu-west-1'],
    clusters: { identifiers, tags, exclude: [] },
    snapshot: { prefix: name, tags: {}, copyClusterTags: false },
    retention: { keepLast },
  });
}

/**
 * A loopback AWS emulator for DocumentDB, SNS, EventBridge, STS, KMS and DynamoDB (through dynalite), so the
 * unmodified product code runs end to end on one machine with injected faults. SDK clients only see a
 * standard endpoint (`AWS_ENDPOINT_URL` or `endpoint`); one HTTP server on 127.0.0.1 answers them all
 * (routing in router.ts). Signatures are not verified. State lives in memory, per account and Region.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DeleteSnapshotRequestSchema,
  type FaultConfig,
  FaultConfigSchema,
  type FleetSeed,
  parseConfig,
  type ResetOptions,
  ResetOptionsSchema,
} from './config.js';
import { failCopiesOf } from './docdb/copies.js';
import { DynamoDbBackends } from './dynamodb.js';
import { EmulatorConfigError } from './errors.js';
import { FaultEngine } from './faults.js';
import { asApiError, createRouter } from './router.js';
import { applySeed } from './seed.js';
import { buildState, type EmulatorState } from './state.js';
import { sendJsonError } from './wire.js';
import { type PublishedMessage, type RecordedEvent, World, type WorldSettings } from './world.js';

export type {
  ClusterFault,
  DeleteSnapshotRequest,
  FaultConfig,
  FleetSeed,
  KmsKeySeed,
  ResetOptions,
  RoleSeed,
  SnapshotOutcome,
} from './config.js';
export { EmulatorConfigError } from './errors.js';
export type { EmulatorState } from './state.js';
export type { PublishedMessage, RecordedEvent } from './world.js';

export const EMULATOR_HOST = '127.0.0.1';
export const DEFAULT_PORT = 4566;
export const DEFAULT_ACCOUNT_ID = '123456789012';
/** AWS's limit of copies in progress per destination Region and account for cluster snapshots. */
export const DEFAULT_MAX_CONCURRENT_COPIES = 5;

export interface EmulatorOptions {
  /** 4566 by default; 0 picks a free port. The emulator only ever listens on 127.0.0.1. */
  port?: number;
  /**
   * How long a new snapshot stays `creating` before `available` (0 by default: `available` on the next
   * read), unless its cluster (seed or cluster fault) sets its own `snapshotAvailableAfterMs`.
   */
  snapshotAvailableAfterMs?: number;
  /** The same for clusters made with CreateDBCluster (0 by default). */
  clusterAvailableAfterMs?: number;
  /** Manual cluster snapshot quota per account and Region unless seeded otherwise (100). */
  defaultQuota?: number;
  /**
   * How long a CopyDBClusterSnapshot copy stays `copying` before `available` (0 by default, like
   * `snapshotAvailableAfterMs`), unless its source cluster's fault sets `copyAvailableAfterMs`.
   */
  copyAvailableAfterMs?: number;
  /**
   * Copies `copying` at once per destination account and Region before CopyDBClusterSnapshot answers
   * SnapshotQuotaExceeded (5, the Aurora user guide's "up to five snapshot copy requests in progress to a
   * single destination Region per account").
   */
  maxConcurrentCopies?: number;
  /** The account of every access key not mapped otherwise ('123456789012'). */
  accountId?: string;
  /** Access key id → account id. */
  accessKeys?: Record<string, string>;
  /** Applied at start and again by every reset. */
  seed?: FleetSeed;
  /** Set at start and again by every reset. */
  faults?: FaultConfig;
}

export interface Emulator {
  /** e.g. `http://127.0.0.1:4566` */
  readonly url: string;
  readonly port: number;
  /** Closes the server, every connection and the dynalite servers; leaves no handles behind. */
  stop(): Promise<void>;
  /** Back to the start: no resources, records or counters, the start seed and faults applied again. */
  reset(options?: ResetOptions): Promise<void>;
  /** Adds a fleet (see FleetSeedSchema); throws EmulatorConfigError and changes nothing when invalid. */
  seed(fleet: FleetSeed): void;
  /**
   * Replaces the fault configuration and restarts its counters and PRNG; `busyForMs` periods start now
   * (emulator time).
   */
  setFaults(faults: FaultConfig): void;
  /**
   * Removes a snapshot at once, whatever its state, as if someone else had deleted it: DescribeDBClusterSnapshots
   * by its id then answers DBClusterSnapshotNotFoundFault. Throws EmulatorConfigError when there is none.
   * Example: `emu.deleteSnapshot('123456789012', 'us-east-1', 'nightly-orders-2026-11-27')`
   */
  deleteSnapshot(accountId: string, region: string, id: string): void;
  /** A plain JSON copy of all state. */
  state(): EmulatorState;
  /**
   * Moves the emulator's clock forward, e.g. past `snapshotAvailableAfterMs` or a cluster's `busyForMs`:
   * snapshot creation, busy periods and throttle buckets all follow this clock.
   */
  advanceClock(ms: number): void;
  /** SNS messages published so far, optionally for one topic ARN. */
  publishedMessages(topicArn?: string): PublishedMessage[];
  /** EventBridge events accepted so far, optionally on one bus. */
  recordedEvents(eventBusName?: string): RecordedEvent[];
  /** API calls received for an action such as `rds:CreateDBClusterSnapshot`, faulted ones included. */
  callCount(action: string): number;
  /** Calls of an action answered with a throttling error (token buckets and injected throttling). */
  throttledCount(action: string): number;
  /** Environment for a process that should talk to the emulator: endpoint, dummy credentials, Region. */
  env(region?: string): Record<string, string>;
}

/**
 * Starts the emulator on 127.0.0.1.
 * Example: `const emu = await startEmulator({ port: 0 }); new DocDBClient({ endpoint: emu.url, … }); await emu.stop();`
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const settings = startSettings(options);
  const world = new World(settings, options.accessKeys ?? {});
  const faults = new FaultEngine();
  const dynamo = new DynamoDbBackends();
  const lifetime = new AbortController();
  const startFaults = options.faults ? parseConfig(FaultConfigSchema, options.faults, 'faults') : {};

  const applyStart = (): void => {
    faults.set(startFaults, world.now());
    if (options.seed) applySeed(world, options.seed);
  };
  applyStart();

  let port = 0;
  const url = (): string => `http://${EMULATOR_HOST}:${port}`;

  const emulator: Emulator = {
    get url() {
      return url();
    },
    get port() {
      return port;
    },
    async stop() {
      if (lifetime.signal.aborted) return;
      lifetime.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await Promise.all([closed, dynamo.destroy()]);
    },
    async reset(resetOptions = {}) {
      const overrides = parseConfig(ResetOptionsSchema, resetOptions, 'reset options');
      world.reset({ ...settings, ...overrides });
      await dynamo.closeAll();
      applyStart();
    },
    seed(fleet) {
      applySeed(world, fleet);
    },
    setFaults(config) {
      faults.set(parseConfig(FaultConfigSchema, config, 'faults'), world.now());
    },
    deleteSnapshot(accountId, region, id) {
      const request = parseConfig(DeleteSnapshotRequestSchema, { accountId, region, id }, 'delete-snapshot');
      const store = world.store(request.accountId ?? world.settings.accountId, request.region);
      store.settle(world.now());
      const snapshot = store.snapshots.get(request.id.toLowerCase());
      if (!snapshot || !store.removeSnapshot(snapshot.id)) {
        throw new EmulatorConfigError(
          `delete-snapshot: no snapshot ${request.id} in account ${store.accountId}, Region ${store.region}`,
        );
      }
      failCopiesOf(world, snapshot.arn, world.now());
    },
    state: () => buildState(world, faults),
    advanceClock(ms) {
      if (!Number.isFinite(ms) || ms < 0)
        throw new EmulatorConfigError('advanceClock: ms must be a number >= 0');
      world.advanceClock(ms);
    },
    publishedMessages: (arn) =>
      structuredClone(world.published.filter((m) => arn === undefined || m.topicArn === arn)),
    recordedEvents: (bus) =>
      structuredClone(world.events.filter((e) => bus === undefined || e.eventBusName === bus)),
    callCount: (action) => world.calls.get(action) ?? 0,
    throttledCount: (action) => world.throttled.get(action) ?? 0,
    env: (region = 'us-east-1') => ({
      AWS_ENDPOINT_URL: url(),
      AWS_ACCESS_KEY_ID: 'AKIDEMULATOR',
      AWS_SECRET_ACCESS_KEY: 'emulator',
      AWS_REGION: region,
    }),
  };

  const route = createRouter({
    world,
    faults,
    dynamo,
    control: emulator,
    lifetime: lifetime.signal,
    host: EMULATOR_HOST,
  });
  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (lifetime.signal.aborted) {
        res.destroy();
        return;
      }
      sendJsonError(res, asApiError(error), '1.1', randomUUID());
    });
  });
  port = await listen(server, options.port ?? DEFAULT_PORT);
  return emulator;
}

function startSettings(options: EmulatorOptions): WorldSettings {
  const settings: WorldSettings = {
    accountId: options.accountId ?? DEFAULT_ACCOUNT_ID,
    defaultQuota: options.defaultQuota ?? 100,
    snapshotAvailableAfterMs: options.snapshotAvailableAfterMs ?? 0,
    clusterAvailableAfterMs: options.clusterAvailableAfterMs ?? 0,
    copyAvailableAfterMs: options.copyAvailableAfterMs ?? 0,
    maxConcurrentCopies: options.maxConcurrentCopies ?? DEFAULT_MAX_CONCURRENT_COPIES,
  };
  if (!/^\d{12}$/.test(settings.accountId))
    throw new EmulatorConfigError('accountId: an account id is 12 digits');
  const counts = [
    'defaultQuota',
    'snapshotAvailableAfterMs',
    'clusterAvailableAfterMs',
    'copyAvailableAfterMs',
  ] as const;
  for (const key of counts) {
    if (!Number.isInteger(settings[key]) || settings[key] < 0)
      throw new EmulatorConfigError(`${key}: expected an integer >= 0`);
  }
  if (!Number.isInteger(settings.maxConcurrentCopies) || settings.maxConcurrentCopies < 1)
    throw new EmulatorConfigError('maxConcurrentCopies: expected an integer >= 1');
  const port = options.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new EmulatorConfigError('port: expected 0–65535');
  return settings;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, EMULATOR_HOST, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Integration harness: one emulator per test file, the service's topic and table provisioned in it, and
 * the backup function's real code path (environment → wiring → handler core) run over real HTTP.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type BackupResult, runScheduledBackup } from '../../../functions/backup/handler.js';
import { wireFromEnvironment } from '../../../functions/common/wiring.js';
import { runReconcilePass } from '../../../functions/reconcile/handler.js';
import type { RegionSeed } from '../../../local/config.js';
import { type Emulator, type FleetSeed, startEmulator } from '../../../local/emulator.js';
import { type ProvisionedService, provisionService } from '../../../local/service.js';
import type { Clock } from '../../../shared/backup/clock.js';
import { compilePolicyFile } from '../../../shared/policy/compile.js';
import { memoryLog } from '../../support/fakes.js';
import { recordedItems } from '../../support/records.js';

export interface World {
  emu: Emulator;
  service: ProvisionedService;
}

export async function startWorld(): Promise<World> {
  const emu = await startEmulator({ port: 0 });
  const service = await provisionService(emu);
  return { emu, service };
}

/**
 * The world of this test file: started (emulator and the service's resources) before its first test and
 * stopped after its last; each test resets it with `resetWorld`. Example: `const world = useWorld();`
 */
export function useWorld(): World {
  const world = {} as World;
  beforeAll(async () => {
    Object.assign(world, await startWorld());
  });
  afterAll(async () => {
    await world.emu?.stop();
  });
  return world;
}

/**
 * The world of a results-table test file (the ledgers' own tests): as `useWorld`, emptied before each
 * test; `client` is a DynamoDB client for the table, `name` its name. Example: `const results = useResultsTable();`
 */
export function useResultsTable(): { world: World; readonly client: DynamoDBClient; readonly name: string } {
  const world = useWorld();
  let client: DynamoDBClient | undefined;
  beforeAll(() => {
    client = resultsTableClient(world);
  });
  afterAll(() => {
    client?.destroy();
  });
  beforeEach(async () => {
    await resetWorld(world, {});
  });
  return {
    world,
    get client() {
      if (!client) throw new Error('the results table client is made in beforeAll');
      return client;
    },
    get name() {
      return world.service.table;
    },
  };
}

/**
 * The fleet most tests start from: cluster orders in us-east-1, with `region`'s snapshots, quota (or other
 * clusters) added. Example: `ordersFleet({ quota: 10, snapshots: [ourSnapshot('orders', slot)] })`.
 */
export function ordersFleet(region: RegionSeed = {}): FleetSeed {
  return { regions: { 'us-east-1': { clusters: [{ id: 'orders' }], ...region } } };
}

/**
 * `count` manual snapshots someone else took (ids `<prefix>-0`, `<prefix>-1`, …) of `clusterId` (default:
 * a cluster named as the prefix): quota the service does not own. Example: `othersSnapshots(8, 'legacy')`.
 */
export function othersSnapshots(count: number, prefix: string, clusterId = prefix) {
  return Array.from({ length: count }, (_, i) => ({ id: `${prefix}-${i}`, clusterId }));
}

/** Back to an empty emulator with the service's resources and the given fleet. */
export async function resetWorld(world: World, fleet: FleetSeed): Promise<void> {
  await world.emu.reset();
  world.service = await provisionService(world.emu);
  world.emu.seed(fleet);
}

export interface RunOptions {
  /** What Lambda's context would report as remaining time. */
  remainingMs?: number;
  concurrency?: number;
  /** The engine's clock (default: the system's); e.g. a fixed "now" for retention windows. */
  clock?: Clock;
}

const quietLogger = new Logger({ serviceName: 'docdb-backup', logLevel: 'SILENT' });
const quietMetrics = new Metrics({
  namespace: 'DocdbBackup',
  serviceName: 'docdb-backup',
  singleMetric: false,
});

/** Writes and compiles the policy file, and wires a function (backup or reconcile) to the emulator. */
async function wired(world: World, policiesYaml: string, options: RunOptions) {
  const dir = mkdtempSync(join(tmpdir(), 'docdb-backup-it-'));
  try {
    const file = join(dir, 'policies.yml');
    writeFileSync(file, policiesYaml);
    // As the deploy does: the function reads the policies compiled at build time (once, when wired).
    const compiled = join(dir, 'policies.compiled.json');
    await compilePolicyFile(file, compiled);
    const env = {
      ...world.service.env,
      POLICIES_FILE: compiled,
      BACKUP_CONCURRENCY: String(options.concurrency ?? 10),
    };
    // The SDK reads AWS_ENDPOINT_URL and credentials from the process environment, as in Lambda.
    Object.assign(process.env, env);
    const log = memoryLog();
    const wiring = await wireFromEnvironment(log, env);
    if (options.clock) wiring.deps.clock = options.clock;
    return { wiring, log };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const observability = { logger: quietLogger, metrics: quietMetrics };

/** Writes the policy file and runs one invocation of the backup function against the emulator. */
export async function runPolicy(
  world: World,
  policiesYaml: string,
  event: unknown,
  options: RunOptions = {},
) {
  const { wiring, log } = await wired(world, policiesYaml, options);
  const result: BackupResult = await runScheduledBackup(
    event,
    options.remainingMs ?? 600_000,
    wiring,
    observability,
  );
  quietMetrics.clearMetrics();
  quietMetrics.clearDimensions();
  return { result, log };
}

/** Runs one invocation of the reconcile function (one pass) against the emulator. */
export async function reconcilePass(world: World, policiesYaml: string, options: RunOptions = {}) {
  const { wiring, log } = await wired(world, policiesYaml, options);
  const metrics = new Metrics({ namespace: 'DocdbBackup', serviceName: 'docdb-backup', singleMetric: false });
  const result = await runReconcilePass({}, options.remainingMs ?? 300_000, wiring, {
    logger: quietLogger,
    metrics,
  });
  const emitted = metrics.serializeMetrics();
  metrics.clearMetrics();
  return { result, log, emitted };
}

/**
 * A clock for the engine that keeps the emulator's time: `advance` (and every sleep of the engine) moves
 * both, so windows the engine measures and snapshot durations the emulator measures agree.
 */
export function sharedClock(world: World): { clock: Clock; advance(ms: number): void } {
  let offset = 0;
  const advance = (ms: number) => {
    offset += ms;
    world.emu.advanceClock(ms);
  };
  return {
    clock: {
      now: () => Date.now() + offset,
      sleep: async (ms) => advance(ms),
    },
    advance,
  };
}

/** The results table's items (alert markers left out), sorted by key, as plain strings. */
export function recordedResults(world: World): Promise<Record<string, string>[]> {
  return recordedItems(world.emu, world.service.table);
}

/** Snapshot ids per Region of the default account, by type. */
export function snapshotsIn(world: World, region: string, type = 'manual') {
  const view = world.emu.state().accounts['123456789012']?.regions[region];
  return (view?.snapshots ?? []).filter((s) => s.type === type);
}

/** The ownership tags of this service's snapshot for `policy` (default nightly) and `slot`. */
export function ownershipTags(slot: string, policy = 'nightly'): Record<string, string> {
  return {
    'docdb-backup:managed-by': 'docdb-backup',
    'docdb-backup:policy': policy,
    'docdb-backup:scheduled-at': new Date(`${slot}:00Z`).toISOString(),
  };
}

/**
 * A seed of this service's snapshot of `cluster` for the slot `yyyy-mm-ddThh:mm` (policy nightly, prefix
 * nightly), available unless `status` says otherwise.
 */
export function ourSnapshot(
  cluster: string,
  slot: string,
  extra: { status?: string; tags?: Record<string, string> } = {},
) {
  const compact = `${slot.slice(0, 10).replaceAll('-', '')}-${slot.slice(11, 13)}${slot.slice(14, 16)}`;
  return {
    id: `nightly-${cluster}-${compact}`,
    clusterId: cluster,
    createdAt: `${slot}:30Z`,
    status: extra.status,
    tags: { ...ownershipTags(slot), ...extra.tags },
  };
}

/** This service's snapshot of `cluster` (default orders) for the night of 2026-11-<day> at 03:00 UTC. */
export function ourNightly(
  day: number | string,
  cluster = 'orders',
  extra: { tags?: Record<string, string> } = {},
) {
  return ourSnapshot(cluster, `2026-11-${String(day).padStart(2, '0')}T03:00`, extra);
}

/**
 * A policy file with one policy, nightly (03:00 UTC, us-east-1), selecting `clusters` (a YAML line under
 * `clusters:`), with `policyLines` added to the policy and `topLines` before `policies:`.
 */
export function nightlyPolicyFile(
  options: { clusters?: string; policyLines?: string; topLines?: string } = {},
): string {
  return `version: 1
${options.topLines ? `${options.topLines}\n` : ''}policies:
  - name: nightly
    schedule: cron(0 3 * * ? *)
    regions: [us-east-1]
    clusters:
      ${options.clusters ?? 'identifiers: [orders]'}
${options.policyLines ?? ''}
`;
}

/** A DynamoDB client for the service's results table in the emulator (the ledger's own tests). */
export function resultsTableClient(world: World): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: world.emu.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
  });
}

const MINUTE = 60_000;

/**
 * An hourly policy `name` (default nightly, prefix nightly, us-east-1, orders) with a one-hour start window
 * and a two-hour completion window, and `extra` policy lines: the lifecycle tests' policy.
 */
export function hourlyPolicyFile(extra = '', name = 'nightly'): string {
  return nightlyPolicyFile({
    policyLines: `    startWindowMinutes: 60\n    completionWindowMinutes: 120\n${extra}`,
  })
    .replace('cron(0 3 * * ? *)', 'rate(1 hour)')
    .replace('name: nightly', `name: ${name}`);
}

/**
 * The emulator reset with `fleet` (default: cluster orders in us-east-1), a clock shared with it, the slot
 * of now, the backup event of that slot for policy nightly, and the slot's snapshot id of orders.
 */
export async function lifecycleWorld(world: World, fleet: FleetSeed = ordersFleet()) {
  await resetWorld(world, fleet);
  const shared = sharedClock(world);
  const slot = new Date(Math.floor(shared.clock.now() / MINUTE) * MINUTE);
  const event = { policy: 'nightly', time: slot.toISOString() };
  const compact = slot.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  return { ...shared, slot, event, snapshotId: `nightly-orders-${compact}` };
}

/** The job record of a snapshot, as the results table holds it (values as strings). */
export async function jobRecord(world: World, snapshotId: string) {
  return (await recordedResults(world)).find((r) => r.pk?.startsWith('job#') && r.snapshotId === snapshotId);
}

/**
 * The lifecycle world after the slot's backup run found orders busy: busy for `busyMinutes` (its snapshot
 * then available a minute after it starts), a run of two minutes whose retries ran out, so the slot's job
 * is pending. Returns what `lifecycleWorld` does and the run's `result`. Example: `pendingJobWorld(world, 30)`.
 */
export async function pendingJobWorld(world: World, busyMinutes: number) {
  const lifecycle = await lifecycleWorld(world);
  world.emu.setFaults({
    clusters: { orders: { busyForMs: busyMinutes * MINUTE, snapshotAvailableAfterMs: MINUTE } },
  });
  const { result } = await runPolicy(world, hourlyPolicyFile(), lifecycle.event, {
    clock: lifecycle.clock,
    remainingMs: 120_000,
  });
  return { ...lifecycle, result };
}

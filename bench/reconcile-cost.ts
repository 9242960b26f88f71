/**
 * `npm run bench:reconcile`: what a reconcile pass costs in AWS calls, counted by the loopback emulator
 * per action. Backup jobs: a pass with nothing open, a pass over N creating jobs that are not done yet, the
 * pass that completes them (retention included), and a pass over N pending jobs whose clusters are still
 * busy. Disaster-recovery copies, once to another Region of this account and once to another account: the
 * pass in which N backups complete and open their copies, a pass with the copies open and none done, and
 * every pass until all are available, with the peak of copies in flight in the destination as the emulator
 * counts it and sts:AssumeRole per pass. Runs the functions' real code paths in this process (wiring →
 * handler core) and prints figures; exits non-zero when a copy limit did not hold (peak above
 * maxCopiesInFlight, more than one AssumeRole in a pass) or the copies did not all become available.
 * Options: --clusters N (default 40; the backup jobs' clusters split over two Regions, the copies' in one).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { runScheduledBackup } from '../functions/backup/handler.js';
import { type FunctionWiring, wireFromEnvironment } from '../functions/common/wiring.js';
import { type ReconcileResult, runReconcilePass } from '../functions/reconcile/handler.js';
import { type Emulator, type EmulatorOptions, type FleetSeed, startEmulator } from '../local/emulator.js';
import { provisionService } from '../local/service.js';
import type { Clock } from '../shared/backup/clock.js';
import { compilePolicyFile } from '../shared/policy/compile.js';

// The functions' metrics (EMF lines on stdout) would interleave with the figures.
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

const MINUTE = 60_000;
const POLICY = 'hourly';
const REGIONS = ['us-east-1', 'eu-west-1'];
const quiet = {
  logger: new Logger({ serviceName: 'docdb-backup', logLevel: 'SILENT' }),
  metrics: new Metrics({ namespace: 'DocdbBackup', serviceName: 'docdb-backup', singleMetric: false }),
};
const silentLog = { info() {}, warn() {}, error() {} };

type Calls = Map<string, number>;

// ---------------------------------------------------------------------------------------------------------
// Counting and printing

/** Calls per action since `before`, every service the emulator answers, zeros left out. */
function callsSince(emu: Emulator, before: Calls): Calls {
  const now = emu.state().calls as Record<string, number>;
  const diff = new Map<string, number>();
  for (const [action, count] of Object.entries(now)) {
    const delta = count - (before.get(action) ?? 0);
    if (delta > 0) diff.set(action, delta);
  }
  return diff;
}

function snapshot(emu: Emulator): Calls {
  return new Map(Object.entries(emu.state().calls as Record<string, number>));
}

function addCalls(total: Calls, more: Calls): Calls {
  for (const [action, count] of more) total.set(action, (total.get(action) ?? 0) + count);
  return total;
}

/** A section: its title, total calls and calls by action, each also per `unit` (job, copy) when `of` > 0. */
function report(title: string, calls: Calls, of: number, unit = 'job'): void {
  const total = [...calls.values()].reduce((a, b) => a + b, 0);
  const perUnit = of > 0 ? ` = ${(total / of).toFixed(2)} per ${unit}` : '';
  const width = Math.max(34, ...[...calls.keys()].map((action) => action.length));
  console.log(`\n${title}: ${total} call(s)${perUnit}`);
  for (const [action, count] of [...calls].sort()) {
    const each = of > 0 ? `  (${(count / of).toFixed(2)} per ${unit})` : '';
    console.log(`  ${action.padEnd(width)} ${String(count).padStart(5)}${each}`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// A world: the emulator, the service's table and topic, the policies compiled, the functions wired

interface BenchWorld {
  emu: Emulator;
  advance(ms: number): Promise<void>;
  /** The backup function's run of the slot of now. */
  backup(remainingMs: number): Promise<void>;
  /** One reconcile pass, with the calls it made. */
  pass(): Promise<{ result: ReconcileResult; calls: Calls }>;
  /** Wires the functions again, as a new Lambda container does: no clients, no credentials kept. */
  coldContainer(): Promise<void>;
  close(): Promise<void>;
}

interface WorldSetup {
  emulator?: EmulatorOptions;
  fleet: FleetSeed;
  policies: string;
}

/** A clock for the engine that moves the emulator's with it: windows and snapshot durations agree. */
function sharedClock(emu: Emulator): Clock {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    sleep: async (ms) => {
      offset += ms;
      emu.advanceClock(ms);
    },
  };
}

/** The policies compiled as a deploy ships them, in a directory of their own; returns the environment. */
async function compiledPolicies(dir: string, yaml: string): Promise<string> {
  writeFileSync(join(dir, 'policies.yml'), yaml);
  await compilePolicyFile(join(dir, 'policies.yml'), join(dir, 'compiled.json'));
  return join(dir, 'compiled.json');
}

async function openWorld(setup: WorldSetup): Promise<BenchWorld> {
  const emu = await startEmulator({ port: 0, ...setup.emulator });
  const dir = mkdtempSync(join(tmpdir(), 'docdb-backup-reconcile-bench-'));
  const close = async () => {
    quiet.metrics.clearMetrics();
    await emu.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    emu.seed(setup.fleet);
    const service = await provisionService(emu);
    const env = {
      ...service.env,
      POLICIES_FILE: await compiledPolicies(dir, setup.policies),
      BACKUP_CONCURRENCY: '10',
    };
    // The SDK reads the endpoint and credentials from the process environment, as in Lambda.
    Object.assign(process.env, env);
    const clock = sharedClock(emu);
    const wire = async () => {
      const wiring = await wireFromEnvironment(silentLog, env);
      wiring.deps.clock = clock;
      return wiring;
    };
    return worldOf(emu, clock, await wire(), { wire, close });
  } catch (error) {
    await close();
    throw error;
  }
}

function worldOf(
  emu: Emulator,
  clock: Clock,
  first: FunctionWiring,
  how: { wire(): Promise<FunctionWiring>; close(): Promise<void> },
): BenchWorld {
  let wiring = first;
  const slot = () => new Date(Math.floor(clock.now() / MINUTE) * MINUTE).toISOString();
  return {
    emu,
    advance: (ms) => clock.sleep(ms),
    async backup(remainingMs) {
      await runScheduledBackup({ policy: POLICY, time: slot() }, remainingMs, wiring, quiet);
      quiet.metrics.clearMetrics();
      quiet.metrics.clearDimensions();
    },
    async pass() {
      const before = snapshot(emu);
      const result = await runReconcilePass({}, 300_000, wiring, quiet);
      quiet.metrics.clearMetrics();
      return { result, calls: callsSince(emu, before) };
    },
    async coldContainer() {
      wiring = await how.wire();
    },
    close: how.close,
  };
}

const clusterIds = (count: number) =>
  Array.from({ length: count }, (_, i) => `c${String(i).padStart(3, '0')}`);

// ---------------------------------------------------------------------------------------------------------
// Backup jobs: creating, completed, pending

function backupPolicyFile(clusters: string[]): string {
  return `version: 1
policies:
  - name: ${POLICY}
    schedule: rate(1 hour)
    startWindowMinutes: 60
    completionWindowMinutes: 120
    regions: [${REGIONS.join(', ')}]
    clusters:
      identifiers: [${clusters.join(', ')}]
    retry: { maxAttempts: 2, baseDelaySeconds: 1, maxDelaySeconds: 1 }
    retention:
      keepLast: 3
`;
}

function twoRegionFleet(ids: string[]): FleetSeed {
  const half = Math.ceil(ids.length / 2);
  return {
    regions: {
      [REGIONS[0] as string]: { clusters: ids.slice(0, half).map((id) => ({ id })) },
      [REGIONS[1] as string]: { clusters: ids.slice(half).map((id) => ({ id })) },
    },
  };
}

/** Runs one pass and reports its calls; `about` says what it was and how many jobs it handled. */
async function measure(world: BenchWorld, about: (result: ReconcileResult) => [string, number]) {
  const { result, calls } = await world.pass();
  const [title, jobs] = about(result);
  report(title, calls, jobs);
}

async function measureBackupJobs(count: number): Promise<void> {
  const ids = clusterIds(count);
  const world = await openWorld({ fleet: twoRegionFleet(ids), policies: backupPolicyFile(ids) });
  try {
    await measure(world, () => ['A pass with nothing open', 0]);

    world.emu.setFaults({
      clusters: Object.fromEntries(ids.map((id) => [id, { snapshotAvailableAfterMs: 20 * MINUTE }])),
    });
    await world.backup(600_000);
    await world.advance(5 * MINUTE);
    await measure(world, (r) => [`A pass over ${r.open} creating job(s), none done yet`, r.open]);

    await world.advance(20 * MINUTE);
    await measure(world, (r) => [
      `The pass that completes them (${r.transitions.length} transition(s), retention keepLast 3)`,
      r.transitions.length,
    ]);

    await world.advance(40 * MINUTE);
    world.emu.setFaults({ clusters: Object.fromEntries(ids.map((id) => [id, { busyForMs: 120 * MINUTE }])) });
    await world.backup(60_000);
    await world.advance(5 * MINUTE);
    await measure(world, (r) => [`A pass over ${r.open} pending job(s), clusters still busy`, r.open]);
  } finally {
    await world.close();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Disaster-recovery copies: opened, waiting and copying, followed to available

const OWN = '123456789012';
const DR = '444455556666';
const EXTERNAL_ID = 'docdb-backup-7f3a9c';
const MAX_COPIES_IN_FLIGHT = 5;
const RECONCILE_EVERY_MS = 5 * MINUTE;
const SNAPSHOT_TAKES_MS = 10 * MINUTE;
const COPY_TAKES_MS = 6 * MINUTE;
const MAX_PASSES = 200;
const keyArn = (region: string, account: string, n: number) =>
  `arn:aws:kms:${region}:${account}:key/0000aaaa-0000-4000-8000-00000000000${n}`;
const KEYS = {
  source: keyArn('us-east-1', OWN, 1),
  west: keyArn('us-west-2', OWN, 2),
  drEast: keyArn('us-east-1', DR, 3),
};
const keyIdOf = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

/** Where the copies go: the policy's `copies:` entry and the destination's account and Region. */
interface Destination {
  name: string;
  account: string;
  region: string;
  yaml: string;
}

const OTHER_REGION: Destination = {
  name: 'another Region of this account (us-west-2)',
  account: OWN,
  region: 'us-west-2',
  yaml: `      - region: us-west-2
        kmsKeyId: ${KEYS.west}`,
};

const OTHER_ACCOUNT: Destination = {
  name: `another account (${DR}, us-east-1: share, assume role, copy, unshare)`,
  account: DR,
  region: 'us-east-1',
  yaml: `      - account: "${DR}"
        roleArn: arn:aws:iam::${DR}:role/docdb-backup-copier
        externalId: ${EXTERNAL_ID}
        kmsKeyId: ${KEYS.drEast}`,
};

function copyPolicyFile(clusters: string[], to: Destination): string {
  return `version: 1
reconcile:
  schedule: rate(${RECONCILE_EVERY_MS / MINUTE} minutes)
  maxCopiesInFlight: ${MAX_COPIES_IN_FLIGHT}
policies:
  - name: ${POLICY}
    schedule: rate(1 hour)
    regions: [us-east-1]
    clusters:
      identifiers: [${clusters.join(', ')}]
    retention:
      keepLast: 3
    copies:
${to.yaml}
`;
}

/** The clusters in us-east-1, encrypted with a customer key; the destinations' keys; the copier role. */
function copyFleet(ids: string[]): FleetSeed {
  return {
    regions: {
      'us-east-1': {
        clusters: ids.map((id) => ({ id, encrypted: true, kmsKeyId: KEYS.source })),
        kmsKeys: [{ id: keyIdOf(KEYS.source) }],
      },
      'us-west-2': { kmsKeys: [{ id: keyIdOf(KEYS.west) }] },
    },
    accounts: {
      [DR]: {
        regions: { 'us-east-1': { kmsKeys: [{ id: keyIdOf(KEYS.drEast) }] } },
        roles: { 'docdb-backup-copier': { trust: { accounts: [OWN], externalId: EXTERNAL_ID } } },
      },
    },
  };
}

/** The emulator never refuses a copy for the in-flight limit: the peak it counts is the reconciler's. */
function copyEmulator(count: number): EmulatorOptions {
  return {
    snapshotAvailableAfterMs: SNAPSHOT_TAKES_MS,
    copyAvailableAfterMs: COPY_TAKES_MS,
    maxConcurrentCopies: Math.max(count, MAX_COPIES_IN_FLIGHT + 1),
  };
}

/** The copies before a pass: open (waiting or copying), copying, available. */
interface CopyTally {
  open: number;
  copying: number;
  available: number;
}

interface CopyPass {
  calls: Calls;
  result: ReconcileResult;
  before: CopyTally;
}

const movesTo = (pass: CopyPass, to: string, from?: string) =>
  pass.result.copies.transitions.filter((t) => t.to === to && (from === undefined || t.from === from)).length;

function tallyAfter(before: CopyTally, pass: CopyPass): CopyTally {
  const started = movesTo(pass, 'copying', 'waiting');
  const ended = movesTo(pass, 'available') + movesTo(pass, 'failed');
  return {
    open: pass.result.copies.open,
    copying: before.copying + started - ended,
    available: before.available + movesTo(pass, 'available'),
  };
}

/** A copy that failed ends the bench: the figures would describe something else. */
function failuresOf(pass: CopyPass): string[] {
  return pass.result.copies.transitions
    .filter((t) => t.to === 'failed')
    .map((t) => `${t.snapshotId}: ${t.error?.code} ${t.error?.message}`);
}

/** Passes, each in a fresh container, `RECONCILE_EVERY_MS` apart, until `count` copies are available. */
async function passesUntilCopied(world: BenchWorld, count: number): Promise<CopyPass[]> {
  const passes: CopyPass[] = [];
  let tally: CopyTally = { open: 0, copying: 0, available: 0 };
  while (tally.available < count) {
    if (passes.length >= MAX_PASSES)
      throw new Error(`${tally.available} of ${count} copies available after ${MAX_PASSES} passes`);
    if (passes.length > 0) await world.advance(RECONCILE_EVERY_MS);
    await world.coldContainer();
    const pass = { ...(await world.pass()), before: tally };
    const failed = failuresOf(pass);
    if (failed.length) throw new Error(`copies failed in pass ${passes.length + 1}:\n${failed.join('\n')}`);
    passes.push(pass);
    tally = tallyAfter(tally, pass);
  }
  return passes;
}

function reportOpeningPass(opening: CopyPass, to: Destination, count: number): void {
  const completed = opening.result.transitions.filter((t) => t.to === 'available').length;
  const opened = opening.result.copies.open + movesTo(opening, 'available');
  report(
    `Copies to ${to.name}: the pass in which ${completed} backup(s) complete and open ${opened} copy job(s), ${movesTo(opening, 'copying', 'waiting')} started (maxCopiesInFlight ${MAX_COPIES_IN_FLIGHT})`,
    opening.calls,
    count,
    'copy',
  );
}

function reportOpenPass(pass: CopyPass): void {
  const { open, copying } = pass.before;
  const moved = pass.result.copies.transitions.length;
  report(
    `A pass over ${open} open copies (${copying} copying, ${open - copying} waiting), ${moved} moved`,
    pass.calls,
    open,
    'copy',
  );
}

function reportAllPasses(passes: CopyPass[], count: number): void {
  const total = passes.reduce((sum, pass) => addCalls(sum, pass.calls), new Map<string, number>());
  report(
    `All ${passes.length} passes (${RECONCILE_EVERY_MS / MINUTE} min apart, copies take ${COPY_TAKES_MS / MINUTE} min) from the opening one until the ${count} copies are available`,
    total,
    count,
    'copy',
  );
  const starting = passes.filter((p) => movesTo(p, 'copying', 'waiting') > 0).length;
  const completing = passes.filter((p) => movesTo(p, 'available') > 0).length;
  const idle = passes.filter((p) => p.result.copies.transitions.length === 0).length;
  console.log(
    `  passes that started copies: ${starting}, completed copies: ${completing}, moved none: ${idle}`,
  );
}

/** Prints the peak in flight and AssumeRole per pass; returns the limits that did not hold. */
function checkLimits(world: BenchWorld, passes: CopyPass[], to: Destination): string[] {
  const problems: string[] = [];
  const peak = world.emu.state().accounts[to.account]?.regions[to.region]?.copiesInFlightPeak ?? 0;
  console.log(
    `  peak copies in flight in ${to.account}/${to.region} (emulator): ${peak} (maxCopiesInFlight ${MAX_COPIES_IN_FLIGHT})`,
  );
  if (peak > MAX_COPIES_IN_FLIGHT)
    problems.push(`${peak} copies in flight at once in ${to.account}/${to.region}`);
  const assumed = passes.map((p) => p.calls.get('sts:AssumeRole') ?? 0);
  const most = Math.max(...assumed);
  const inPasses = assumed.filter((n) => n > 0).length;
  console.log(
    `  sts:AssumeRole per pass (each pass a fresh container): at most ${most}, in ${inPasses} of ${passes.length} passes`,
  );
  if (most > 1) problems.push(`${most} sts:AssumeRole calls in one pass to ${to.account}`);
  return problems;
}

/** The copy sections for one destination; returns the limits that did not hold. */
async function measureCopies(count: number, to: Destination): Promise<string[]> {
  const ids = clusterIds(count);
  const world = await openWorld({
    emulator: copyEmulator(count),
    fleet: copyFleet(ids),
    policies: copyPolicyFile(ids, to),
  });
  try {
    await world.backup(600_000);
    await world.advance(SNAPSHOT_TAKES_MS);
    const passes = await passesUntilCopied(world, count);
    const [opening, second] = passes;
    if (opening) reportOpeningPass(opening, to, count);
    if (second) reportOpenPass(second);
    reportAllPasses(passes, count);
    return checkLimits(world, passes, to);
  } finally {
    await world.close();
  }
}

// ---------------------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { clusters: { type: 'string', default: '40' } } });
  const count = Number(values.clusters);
  if (!Number.isInteger(count) || count < 2)
    throw new Error(`--clusters must be a whole number ≥ 2, found ${values.clusters}`);
  await measureBackupJobs(count);
  const problems = [
    ...(await measureCopies(count, OTHER_REGION)),
    ...(await measureCopies(count, OTHER_ACCOUNT)),
  ];
  for (const problem of problems) console.error(`LIMIT NOT HELD: ${problem}`);
  return problems.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack : String(error));
    process.exit(1);
  },
);

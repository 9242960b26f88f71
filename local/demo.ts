/**
 * `npm start`: the whole service on one machine. Starts the loopback AWS emulator, seeds a demo fleet,
 * runs the real scheduled backup handler (functions/backup/handler.ts, unchanged) for each demo policy but
 * hourly-staging for one slot, prints what on-call and the records would show, then delivers the same
 * slots again to show that nothing is duplicated and nobody is paged twice. Last, the reconciler on an accelerated
 * clock: the real reconcile function's passes (and one backup run of hourly-staging) with a clock that
 * moves the emulator's with it, so snapshots that take minutes complete, a busy cluster starts late inside
 * its start window, and a snapshot that fails is paged once, all in a moment of real time.
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import type { BackupResult } from '../functions/backup/handler.js';
import type { FunctionWiring } from '../functions/common/wiring.js';
import type { ReconcileResult } from '../functions/reconcile/handler.js';
import type { Clock } from '../shared/backup/clock.js';
import { METRICS } from '../shared/metrics.js';
import type { JobTransition } from '../shared/planning/jobs.js';
import { compilePolicyFile, longestIntervalSeconds, nextScheduledTimes } from '../shared/policy/index.js';
import type { ResolvedPolicy } from '../shared/policy/schema.js';
import { copiesReport, copyText, misconfiguredKeyLines } from './demo-copies.js';
import { type Emulator, type FleetSeed, type PublishedMessage, startEmulator } from './emulator.js';
import { provisionService } from './service.js';

const here = dirname(fileURLToPath(import.meta.url));
const POLICIES_FILE = join(here, 'demo-policies.yml');
const ACCOUNT = '123456789012';
/** The policy of the lifecycle part: run there on the accelerated clock, not among the scheduled runs. */
const LIFECYCLE_POLICY = 'hourly-staging';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** How long every new snapshot is `creating` in the emulator (simulated time). */
const SNAPSHOT_MS = 4 * MINUTE;
/** When sessions-staging stops being busy, after the hourly-staging slot (its start window: 60 min). */
const BUSY_MINUTES = 27;
/** The reconciler's schedule in demo-policies.yml: a pass every 5 minutes. */
const PASS_EVERY_MINUTES = 5;
/** How long a disaster-recovery copy is `copying` in the emulator (simulated time). */
const COPY_MS = 3 * MINUTE;

const useColour = process.stdout.isTTY === true && !process.env.NO_COLOR;
const paint = (code: number) => (text: string) => (useColour ? `\x1b[${code}m${text}\x1b[0m` : text);
const bold = paint(1);
const dim = paint(2);
const green = paint(32);
const yellow = paint(33);
const red = paint(31);

/** The demo fleet plus a eu-west-1 that is one snapshot short of its quota. */
function demoFleet(): FleetSeed {
  const fleet = JSON.parse(readFileSync(join(here, 'demo-fleet.json'), 'utf8')) as FleetSeed;
  const eu = fleet.regions?.['eu-west-1'];
  if (!eu) throw new Error('demo-fleet.json has no eu-west-1');
  const ours = (day: string) => ({
    id: `nightly-orders-eu-prod-202611${day}-0300`,
    clusterId: 'orders-eu-prod',
    createdAt: `2026-11-${day}T03:00:30Z`,
    tags: {
      'docdb-backup:managed-by': 'docdb-backup',
      'docdb-backup:policy': 'nightly-prod',
      'docdb-backup:scheduled-at': `2026-11-${day}T03:00:00.000Z`,
    },
  });
  const migrations = Array.from({ length: 97 }, (_, i) => ({
    id: `pre-migration-crm-${String(i + 1).padStart(3, '0')}`,
    clusterId: 'customers-eu-prod',
    createdAt: '2026-10-01T12:00:00Z',
  }));
  eu.snapshots = [ours('26'), ours('27'), ...migrations];
  return fleet;
}

/** The policy's most recent scheduled time at or before `now`: the slot a rule would have fired for. */
function latestSlot(policy: ResolvedPolicy, now: Date): Date {
  const span = longestIntervalSeconds(policy.schedule, now) * 1000;
  const from = new Date(now.getTime() - span - 60_000);
  const times = nextScheduledTimes(policy.schedule, from, 50).filter((t) => t.getTime() <= now.getTime());
  const last = times.at(-1);
  if (!last) throw new Error(`policy ${policy.name} has no scheduled time before ${now.toISOString()}`);
  return last;
}

function table(rows: string[][], header: string[]): string {
  const plain = stripVTControlCharacters;
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => plain(r[i] ?? '').length)));
  const line = (cells: string[]) =>
    `  ${cells.map((c, i) => c + ' '.repeat(Math.max(0, (widths[i] ?? 0) - plain(c).length))).join('  ')}`.trimEnd();
  return [dim(line(header)), ...rows.map(line)].join('\n');
}

function outcome(result: BackupResult['results'][number]): string {
  if (result.outcome === 'created') return green('created');
  if (result.outcome === 'already-exists') return green('already-exists');
  if (result.outcome === 'pending') return yellow('pending');
  const code = result.error?.code ?? result.outcome;
  return result.outcome === 'failed' ? red(`failed: ${code}`) : yellow(`skipped: ${code}`);
}

function resultTable(result: BackupResult): string {
  return table(
    result.results.map((r) => [
      r.region,
      r.clusterId,
      outcome(r),
      r.snapshotId ?? '-',
      String(r.attempts),
      `${r.durationMs} ms`,
    ]),
    ['REGION', 'CLUSTER', 'OUTCOME', 'SNAPSHOT', 'ATTEMPTS', 'TIME'],
  );
}

function alertBlock(message: PublishedMessage): string {
  const attributes = Object.entries(message.attributes)
    .map(([name, value]) => `${name}=${value.stringValue ?? ''}`)
    .join(' ');
  const body = message.message.split('\n').map((line) => `  │ ${line}`);
  return [`  ┌ ${bold(message.subject ?? '(no subject)')}`, ...body, `  └ attributes: ${attributes}`].join(
    '\n',
  );
}

function snapshotCount(emu: Emulator): number {
  const regions = emu.state().accounts[ACCOUNT]?.regions ?? {};
  return Object.values(regions).reduce((sum, region) => sum + region.snapshots.length, 0);
}

async function recordedItems(table: string): Promise<number> {
  const dynamo = new DynamoDBClient({});
  try {
    const out = await dynamo.send(new ScanCommand({ TableName: table, Select: 'COUNT' }));
    return out.Count ?? 0;
  } finally {
    dynamo.destroy();
  }
}

/** Runs `work` with its JSON log and metric lines kept out of the report (they go to `logFile`). */
async function quietly<T>(logFile: string, work: () => Promise<T>): Promise<T> {
  const lines: string[] = [];
  const streams = [process.stdout, process.stderr] as const;
  const writes = streams.map((stream) => stream.write.bind(stream));
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    }) as typeof stream.write;
  }
  try {
    return await work();
  } finally {
    streams.forEach((stream, i) => {
      stream.write = writes[i] as typeof stream.write;
    });
    await writeFile(logFile, lines.join(''), { flag: 'a' });
  }
}

/** Runs the handler as Lambda would, keeping its JSON log lines out of the report (they go to a file). */
async function invoke(
  handler: (event: unknown, context: Context) => Promise<BackupResult>,
  event: unknown,
  logFile: string,
): Promise<{ result: BackupResult; ms: number }> {
  const started = Date.now();
  const context = {
    getRemainingTimeInMillis: () => 840_000 - (Date.now() - started),
    awsRequestId: 'demo',
  };
  const result = await quietly(logFile, () => handler(event, context as unknown as Context));
  return { result, ms: Date.now() - started };
}

/**
 * An engine clock that keeps the emulator's time (as tests/integration/backup/support.ts sharedClock):
 * `advance` and every sleep of the engine move both, so the windows the engine measures and the snapshot
 * durations and busy periods the emulator measures agree, and no one waits for real.
 */
function acceleratedClock(emu: Emulator): { clock: Clock; advanceTo(at: number): void } {
  let offset = 0;
  const advance = (ms: number) => {
    const whole = Math.ceil(ms);
    if (whole <= 0) return;
    offset += whole;
    emu.advanceClock(whole);
  };
  const clock: Clock = { now: () => Date.now() + offset, sleep: async (ms) => advance(ms) };
  return { clock, advanceTo: (at) => advance(at - clock.now()) };
}

type JobState = JobTransition['to'];

/** "2 creating, 1 pending (sessions-staging)", or "nothing open", from the jobs the demo follows. */
function openText(jobs: ReadonlyMap<string, { clusterId: string; state: JobState }>): string {
  const open = [...jobs.values()];
  const creating = open.filter((job) => job.state === 'creating').length;
  const pending = open.filter((job) => job.state === 'pending').map((job) => job.clusterId);
  const parts = [
    ...(creating ? [`${creating} creating`] : []),
    ...(pending.length ? [`${pending.length} pending (${pending.join(', ')})`] : []),
  ];
  return parts.length ? `open: ${parts.join(', ')}` : green('nothing open');
}

function transitionText(t: JobTransition): string {
  const move = `${t.from} → ${t.to}`.padEnd(21);
  const cluster = t.clusterId.padEnd(18);
  if (t.to === 'available') {
    // To the minute: the passes that see a snapshot available are minutes apart.
    const took = t.durationMs === undefined ? '' : ` after ${Math.round(t.durationMs / MINUTE)} min`;
    return `${cluster}${green(move)}${dim(`${t.snapshotId}${took}`)}`;
  }
  if (t.to === 'failed')
    return `${cluster}${red(move)}${red(t.error?.code ?? 'failed')}: ${t.error?.message ?? ''}`;
  return `${cluster}${yellow(move)}${dim(`${t.snapshotId} requested`)}`;
}

interface Lifecycle {
  emu: Emulator;
  topicArn: string;
  logFile: string;
  /** The snapshots run 1 created: their jobs are `creating`. */
  runOneJobs: { clusterId: string; snapshotId: string }[];
}

/**
 * The reconciler on an accelerated clock: run 1's snapshots complete; then, at the next top of the hour,
 * hourly-staging's run leaves a busy cluster `pending` that a later pass starts, and a snapshot fails
 * after creation and is paged once. Returns what went wrong (nothing, when all is well).
 */
async function showLifecycle({ emu, topicArn, logFile, runOneJobs }: Lifecycle): Promise<string[]> {
  const backup = await import('../functions/backup/handler.js');
  const reconcile = await import('../functions/reconcile/handler.js');
  const { loggerAsRunLog, wireFromEnvironment } = await import('../functions/common/wiring.js');
  const time = acceleratedClock(emu);
  // Each function's container wiring, as its first invocation builds it, with the accelerated clock.
  const wire = async (logger: typeof backup.logger): Promise<FunctionWiring> => {
    const wiring = await wireFromEnvironment(loggerAsRunLog(logger));
    wiring.deps.clock = time.clock;
    return wiring;
  };
  const backupWiring = await wire(backup.logger);
  const reconcileWiring = await wire(reconcile.logger);
  const pagesBefore = emu.publishedMessages(topicArn).length;
  let copyMoves = 0;
  const copyFailures: string[] = [];
  const jobs = new Map<string, { clusterId: string; state: JobState; history: JobState[] }>();
  const follow = (snapshotId: string, clusterId: string, state: JobState) =>
    jobs.set(snapshotId, { clusterId, state, history: [state] });
  for (const job of runOneJobs) follow(job.snapshotId, job.clusterId, 'creating');

  const pass = (): Promise<ReconcileResult> => {
    const metrics = new Metrics({ namespace: METRICS.namespace, serviceName: METRICS.service });
    return quietly(logFile, async () => {
      const result = await reconcile.runReconcilePass({}, 300_000, reconcileWiring, {
        logger: reconcile.logger,
        metrics,
      });
      metrics.publishStoredMetrics();
      return result;
    });
  };
  const label = (minutes: number) => `  ${dim(`+${minutes} min`.padEnd(11))}`;
  const indent = ' '.repeat(13);
  /** Passes every PASS_EVERY_MINUTES from `from` to `to` (minutes after `start`), printed as a timeline. */
  const passes = async (start: number, from: number, to: number) => {
    let idle: { first: number; last: number; count: number; open: string } | undefined;
    let open = 0;
    const flushIdle = () => {
      if (!idle) return;
      const span = idle.count === 1 ? `+${idle.first} min` : `+${idle.first}…${idle.last} min`;
      const what = idle.count === 1 ? 'pass' : `${idle.count} passes`;
      console.log(`  ${dim(span.padEnd(11))}${what}: nothing changed; ${idle.open}`);
      idle = undefined;
    };
    for (let minutes = from; minutes <= to; minutes += PASS_EVERY_MINUTES) {
      time.advanceTo(start + minutes * MINUTE);
      const result = await pass();
      open = result.open;
      copyMoves += result.copies.transitions.length;
      for (const t of result.copies.transitions) if (t.to === 'failed') copyFailures.push(t.clusterId);
      for (const t of result.transitions) {
        const job = jobs.get(t.snapshotId);
        if (job) {
          job.state = t.to;
          job.history.push(t.to);
        } else jobs.set(t.snapshotId, { clusterId: t.clusterId, state: t.to, history: [t.from, t.to] });
      }
      const moved = result.transitions.length + result.copies.transitions.length;
      if (moved === 0 && result.pages.length === 0) {
        idle = idle
          ? { ...idle, last: minutes, count: idle.count + 1 }
          : { first: minutes, last: minutes, count: 1, open: openText(jobs) };
        continue;
      }
      flushIdle();
      result.transitions.forEach((t, i) => {
        console.log(`${i === 0 ? label(minutes) : indent}${transitionText(t)}`);
      });
      result.copies.transitions.forEach((t, i) => {
        const first = i === 0 && result.transitions.length === 0;
        console.log(`${first ? label(minutes) : indent}${copyText(t, { dim, green, yellow, red })}`);
      });
      for (const page of result.pages)
        console.log(`${indent}${page.sent ? red('paged') : yellow('not paged')}: ${page.subject}`);
      console.log(`${indent}${openText(jobs)}`);
    }
    flushIdle();
    return open;
  };

  console.log(`\n${bold('The reconciler on an accelerated clock')}`);
  console.log(
    dim(
      `  Each pass is the reconcile function's code (runReconcilePass, its container wiring) with a clock that
  moves the emulator's with it: ${PASS_EVERY_MINUTES} simulated minutes pass in a moment. A snapshot takes ${SNAPSHOT_MS / MINUTE} simulated minutes.`,
    ),
  );
  console.log(`  Run 1's snapshots (minutes after run 1):`);
  const first = time.clock.now();
  await passes(first, 0, PASS_EVERY_MINUTES);

  // The next top of the hour is a slot of hourly-staging: its start window (60 min) is open from there.
  const now = time.clock.now();
  const slot = Math.ceil(now / HOUR) * HOUR;
  time.advanceTo(slot);
  const slotIso = new Date(slot).toISOString();
  console.log(
    `  The clock jumps ${Math.round((slot - now) / MINUTE)} min to ${slotIso.slice(11, 16)} UTC, a slot of ${LIFECYCLE_POLICY} (start window 60 min);`,
  );
  console.log(
    `  sessions-staging is busy (backing-up) until +${BUSY_MINUTES} min, and billing-staging's snapshot will end "failed"`,
  );
  console.log(
    `  (minutes after the slot; the run's retries and TIME are on the same clock: no real waiting):`,
  );
  emu.setFaults({
    clusters: {
      'sessions-staging': {
        region: 'us-east-1',
        busyUntil: new Date(slot + BUSY_MINUTES * MINUTE).toISOString(),
      },
      'billing-staging': { region: 'us-east-1', snapshotOutcome: 'failed' },
    },
  });
  const metrics = new Metrics({ namespace: METRICS.namespace, serviceName: METRICS.service });
  // The backup function for the slot: its retries wait on the same clock, so the busy cluster's run is
  // over in simulated seconds and leaves it pending (the window is open), with no page.
  const run = await quietly(logFile, async () => {
    const result = await backup.runScheduledBackup(
      { policy: LIFECYCLE_POLICY, time: slotIso },
      840_000,
      backupWiring,
      { logger: backup.logger, metrics },
    );
    metrics.publishStoredMetrics();
    return result;
  });
  for (const r of run.results) {
    if (r.outcome === 'created') follow(r.snapshotId ?? '', r.clusterId, 'creating');
    if (r.outcome === 'pending') follow(r.snapshotId ?? '', r.clusterId, 'pending');
  }
  console.log(
    `${label(0)}run of ${LIFECYCLE_POLICY}: ${run.alert ? red(`paged: ${run.alert.subject}`) : green('no page')}`,
  );
  console.log(resultTable(run).replace(/^/gm, indent.slice(2)));
  console.log(`${indent}${openText(jobs)}`);
  const stillOpen = await passes(slot, PASS_EVERY_MINUTES, 45);

  const pages = emu.publishedMessages(topicArn).slice(pagesBefore);
  console.log(`\n${bold(`The reconciler paged ${pages.length} time(s):`)}`);
  for (const message of pages) console.log(`${alertBlock(message)}\n`);

  const problems: string[] = [];
  const failed = [...jobs].filter(([, job]) => job.state === 'failed');
  for (const [snapshotId, job] of failed) {
    const times = pages.filter((m) => m.message.includes(snapshotId)).length;
    if (times !== 1) problems.push(`${job.clusterId}'s failure was paged ${times} time(s), not once`);
  }
  const expected = (clusterId: string) => (clusterId === 'billing-staging' ? 'failed' : 'available');
  for (const [snapshotId, job] of jobs)
    if (job.state !== expected(job.clusterId))
      problems.push(
        `${job.clusterId} (${snapshotId}) ended ${job.state}, expected ${expected(job.clusterId)}`,
      );
  if (stillOpen !== 0) problems.push(`${stillOpen} job(s) still open after the last pass`);
  const late = jobs.get(run.results.find((r) => r.clusterId === 'sessions-staging')?.snapshotId ?? '');
  if (late?.history.join(' → ') !== 'pending → creating → available')
    problems.push(
      `sessions-staging went ${late?.history.join(' → ') ?? 'unfollowed'}, not pending → creating → available`,
    );
  const available = [...jobs.values()].filter((job) => job.state === 'available').length;
  problems.push(...showCopies(emu, copyMoves, copyFailures));
  console.log(bold('Lifecycle:'));
  console.log(
    `  ${jobs.size} job(s) followed: ${available} available, ${failed.length} failed; ` +
      (problems.length === 0
        ? green('each failure paged once, nothing left open.')
        : red(problems.join('; '))),
  );
  return problems;
}

/** Where the ledger's copies ended, and a key misconfiguration `validate` refuses. Returns the problems. */
function showCopies(emu: Emulator, moves: number, failures: readonly string[]): string[] {
  const paint = { dim, green, yellow, red };
  const report = copiesReport(emu, paint);
  console.log(
    `\n${bold('Disaster-recovery copies')} ${dim('(ledger-6h: us-west-2 of this account, and the vault account 444455556666)')}`,
  );
  console.log(
    dim(
      `  ${moves} copy move(s) in the passes above; each copy took ${COPY_MS / MINUTE} simulated minutes. Now in AWS:`,
    ),
  );
  for (const line of report.lines) console.log(line);
  const shares = report.problems.filter((p) => p.includes('shared'));
  console.log(`  ${shares.length === 0 ? green('no source snapshot left shared') : red(shares.join('; '))}`);
  console.log(
    `  ${bold('A key in the wrong Region is refused before deploy')} ${dim('(npx docdb-backup validate dr-typo.yml):')}`,
  );
  const refused = misconfiguredKeyLines();
  for (const line of refused) console.log(`  ${red(line.split('\n')[0] ?? '')}`);
  const problems = [...report.problems, ...failures.map((cluster) => `the copy of ${cluster} failed`)];
  if (refused.length === 0) problems.push('validate did not refuse the misconfigured key');
  return problems;
}

async function main(): Promise<void> {
  const begun = Date.now();
  const emu = await startEmulator({
    port: Number(process.env.DEMO_EMULATOR_PORT ?? 0),
    snapshotAvailableAfterMs: SNAPSHOT_MS,
    copyAvailableAfterMs: COPY_MS,
  });
  let work: string | undefined;
  try {
    emu.seed(demoFleet());
    emu.setFaults({ clusters: { 'payments-prod': { busyForAttempts: 2, region: 'us-east-1' } } });
    const service = await provisionService(emu);
    // The handlers' log is kept for the reader in one folder that every run reuses (the log replaced);
    // the compiled policies are this run's own, removed at the end.
    const logDir = join(tmpdir(), 'docdb-backup-demo');
    await mkdir(logDir, { recursive: true });
    const logFile = join(logDir, 'handler.log');
    await rm(logFile, { force: true });
    work = await mkdtemp(join(tmpdir(), 'docdb-backup-demo-run-'));
    // As the deploy does: validate and compile the policies once; the function reads the compiled file.
    const compiled = join(work, 'policies.compiled.json');
    const policies = await compilePolicyFile(POLICIES_FILE, compiled);
    Object.assign(process.env, service.env, {
      POLICIES_FILE: compiled,
      POWERTOOLS_SERVICE_NAME: 'docdb-backup',
    });
    const { handler } = await import('../functions/backup/handler.js');
    const now = new Date();

    console.log(bold('docdb-backup demo: the real scheduled handler against a local AWS emulator'));
    console.log(
      dim(
        `  emulator ${emu.url}; policies ${POLICIES_FILE}; handler logs ${logFile} (kept; the next run replaces it)`,
      ),
    );
    console.log(
      '  Fleet: us-east-1: 5 production and 3 staging DocumentDB clusters + 1 Aurora PostgreSQL cluster (tagged,',
    );
    console.log('         must not be touched), payments-prod busy (backing-up) for its first 2 attempts;');
    console.log('         eu-west-1: 2 DocumentDB clusters, 99 of 100 manual snapshot slots already in use.');

    // The scheduled policies' latest slots; hourly-staging is the lifecycle part's, on its own clock.
    const slots = policies
      .filter((policy) => policy.name !== LIFECYCLE_POLICY)
      .map((policy) => ({ policy, slot: latestSlot(policy, now) }));
    const runOneJobs: { clusterId: string; snapshotId: string }[] = [];
    const before = { snapshots: snapshotCount(emu), messages: 0 };
    for (const { policy, slot } of slots) {
      const { result, ms } = await invoke(
        handler,
        { policy: policy.name, time: slot.toISOString() },
        logFile,
      );
      console.log(
        `\n${bold(`Run 1: policy ${policy.name}`)}, slot ${result.scheduledAt} ${dim(`(handler took ${ms} ms)`)}`,
      );
      console.log(dim(`  ${policy.description}`));
      console.log(resultTable(result));
      for (const r of result.results)
        if (r.outcome === 'created' && r.snapshotId)
          runOneJobs.push({ clusterId: r.clusterId, snapshotId: r.snapshotId });
    }

    const alerts = emu.publishedMessages(service.topicArn);
    console.log(`\n${bold(`On-call was paged ${alerts.length} time(s) (SNS ${service.topicArn}):`)}`);
    for (const message of alerts) console.log(`${alertBlock(message)}\n`);
    const items = await recordedItems(service.table);
    const events = emu.recordedEvents('default').length;
    const created = snapshotCount(emu) - before.snapshots;
    console.log(bold('Recorded:'));
    console.log(
      `  ${created} new snapshot(s); ${items} item(s) in DynamoDB table ${service.table} (one per cluster and slot, plus one marker per page);`,
    );
    console.log(`  ${events} "DocumentDB Snapshot Result" event(s) on the default EventBridge bus.`);

    console.log(
      `\n${bold('Run 2: the same slots delivered again')} ${dim('(an EventBridge retry, or an overlapping run)')}`,
    );
    const snapshotsBefore = snapshotCount(emu);
    for (const { policy, slot } of slots) {
      const { result } = await invoke(handler, { policy: policy.name, time: slot.toISOString() }, logFile);
      const counts = Object.entries(result.counts)
        .filter(([, n]) => n > 0)
        .map(([name, n]) => `${n} ${name}`)
        .join(', ');
      const page = result.alert
        ? `alert ${result.alert.sent ? red('sent') : green(`not sent (${result.alert.note})`)}`
        : 'no alert needed';
      console.log(`  ${policy.name}: ${counts}; ${page}`);
    }
    const duplicated = snapshotCount(emu) - snapshotsBefore;
    const pagedAgain = emu.publishedMessages(service.topicArn).length - alerts.length;
    console.log(
      `  Snapshots: ${snapshotsBefore} before, ${snapshotCount(emu)} after: ${duplicated === 0 ? green('nothing duplicated') : red(`${duplicated} duplicated`)}.`,
    );
    console.log(
      `  SNS messages: ${alerts.length} before, ${alerts.length + pagedAgain} after: ${pagedAgain === 0 ? green('nobody paged twice') : red(`${pagedAgain} extra page(s)`)}.`,
    );

    const state = emu.state().accounts[ACCOUNT]?.regions ?? {};
    const untouched = ['reporting-aurora', 'analytics-scratch-prod'].map((id) => {
      const taken = Object.values(state)
        .flatMap((r) => r.snapshots)
        .filter((s) => s.clusterId === id && s.type === 'manual');
      return `${id}: ${taken.length === 0 ? green('no snapshot taken') : red(`${taken.length} snapshot(s)!`)}`;
    });
    console.log(`  Untouched: ${untouched.join('; ')} (other engine; excluded).`);

    const problems = await showLifecycle({ emu, topicArn: service.topicArn, logFile, runOneJobs });
    console.log(
      dim(
        `\nDone in ${((Date.now() - begun) / 1000).toFixed(1)} s. Try it yourself: npm run local, then npx docdb-backup --help.`,
      ),
    );
    if (duplicated !== 0 || pagedAgain !== 0 || problems.length > 0) process.exitCode = 1;
  } finally {
    await emu.stop();
    if (work) await rm(work, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(red(`demo failed: ${error instanceof Error ? error.message : String(error)}`));
    process.exit(1);
  },
);

/**
 * `npm start`: the whole service on one machine. Starts the loopback AWS emulator, seeds a demo fleet,
 * runs the real scheduled backup handler (functions/backup/handler.ts, unchanged) for each demo policy
 * for one slot, prints what on-call and the records would show, then delivers the same slots again to
 * show that nothing is duplicated and nobody is paged twice.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import type { BackupResult } from '../functions/backup/handler.js';
import { compilePolicyFile, longestIntervalSeconds, nextScheduledTimes } from '../shared/policy/index.js';
import type { ResolvedPolicy } from '../shared/policy/schema.js';
import { type Emulator, type FleetSeed, type PublishedMessage, startEmulator } from './emulator.js';
import { provisionService } from './service.js';

const here = dirname(fileURLToPath(import.meta.url));
const POLICIES_FILE = join(here, 'demo-policies.yml');
const ACCOUNT = '123456789012';

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

/** Runs the handler as Lambda would, keeping its JSON log lines out of the report (they go to a file). */
async function invoke(
  handler: (event: unknown, context: Context) => Promise<BackupResult>,
  event: unknown,
  logFile: string,
): Promise<{ result: BackupResult; ms: number }> {
  const lines: string[] = [];
  const streams = [process.stdout, process.stderr] as const;
  const writes = streams.map((stream) => stream.write.bind(stream));
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    }) as typeof stream.write;
  }
  const started = Date.now();
  try {
    const context = {
      getRemainingTimeInMillis: () => 840_000 - (Date.now() - started),
      awsRequestId: 'demo',
    };
    const result = await handler(event, context as unknown as Context);
    return { result, ms: Date.now() - started };
  } finally {
    streams.forEach((stream, i) => {
      stream.write = writes[i] as typeof stream.write;
    });
    await writeFile(logFile, lines.join(''), { flag: 'a' });
  }
}

async function main(): Promise<void> {
  const begun = Date.now();
  const emu = await startEmulator({ port: Number(process.env.DEMO_EMULATOR_PORT ?? 0) });
  try {
    emu.seed(demoFleet());
    emu.setFaults({ clusters: { 'payments-prod': { busyForAttempts: 2, region: 'us-east-1' } } });
    const service = await provisionService(emu);
    const work = await mkdtemp(join(tmpdir(), 'docdb-backup-demo-'));
    const logFile = join(work, 'handler.log');
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
    console.log(dim(`  emulator ${emu.url}; policies ${POLICIES_FILE}; handler logs ${logFile}`));
    console.log(
      '  Fleet: us-east-1: 5 DocumentDB clusters + 1 Aurora PostgreSQL cluster (tagged, must not be touched),',
    );
    console.log('         payments-prod busy (backing-up) for its first 2 attempts;');
    console.log('         eu-west-1: 2 DocumentDB clusters, 99 of 100 manual snapshot slots already in use.');

    const slots = policies.map((policy) => ({ policy, slot: latestSlot(policy, now) }));
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
    console.log(
      dim(
        `\nDone in ${((Date.now() - begun) / 1000).toFixed(1)} s. Try it yourself: npm run local, then npx docdb-backup --help.`,
      ),
    );
    if (duplicated !== 0 || pagedAgain !== 0) process.exitCode = 1;
  } finally {
    await emu.stop();
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(red(`demo failed: ${error instanceof Error ? error.message : String(error)}`));
    process.exit(1);
  },
);

/**
 * `npm run bench:reconcile`: what a reconcile pass costs in AWS calls, counted by the loopback emulator
 * per action: a pass with nothing open, a pass over N creating jobs that are not done yet, the pass that
 * completes them (retention included), and a pass over N pending jobs whose clusters are still busy. Runs
 * the functions' real code paths in this process (wiring → handler core); prints numbers, asserts nothing.
 * Options: --clusters N (default 40, split over two Regions).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { runScheduledBackup } from '../functions/backup/handler.js';
import { wireFromEnvironment } from '../functions/common/wiring.js';
import { runReconcilePass } from '../functions/reconcile/handler.js';
import { type Emulator, startEmulator } from '../local/emulator.js';
import { provisionService } from '../local/service.js';
import type { Clock } from '../shared/backup/clock.js';
import { compilePolicyFile } from '../shared/policy/compile.js';

const MINUTE = 60_000;
const REGIONS = ['us-east-1', 'eu-west-1'];
const quiet = {
  logger: new Logger({ serviceName: 'docdb-backup', logLevel: 'SILENT' }),
  metrics: new Metrics({ namespace: 'DocdbBackup', serviceName: 'docdb-backup', singleMetric: false }),
};
const silentLog = { info() {}, warn() {}, error() {} };

function policyFile(clusters: string[]): string {
  return `version: 1
policies:
  - name: hourly
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

/** Calls per action since `before`, DynamoDB, DocumentDB, SNS and EventBridge, zeros left out. */
function callsSince(emu: Emulator, before: Map<string, number>): Map<string, number> {
  const now = emu.state().calls as Record<string, number>;
  const diff = new Map<string, number>();
  for (const [action, count] of Object.entries(now)) {
    const delta = count - (before.get(action) ?? 0);
    if (delta > 0) diff.set(action, delta);
  }
  return diff;
}

function snapshot(emu: Emulator): Map<string, number> {
  return new Map(Object.entries(emu.state().calls as Record<string, number>));
}

function report(title: string, calls: Map<string, number>, jobs: number): void {
  const total = [...calls.values()].reduce((a, b) => a + b, 0);
  const perJob = jobs > 0 ? ` = ${(total / jobs).toFixed(2)} per job` : '';
  console.log(`\n${title}: ${total} call(s)${perJob}`);
  for (const [action, count] of [...calls].sort()) {
    const each = jobs > 0 ? `  (${(count / jobs).toFixed(2)} per job)` : '';
    console.log(`  ${action.padEnd(34)} ${String(count).padStart(5)}${each}`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { clusters: { type: 'string', default: '40' } } });
  const count = Number(values.clusters);
  if (!Number.isInteger(count) || count < 2)
    throw new Error(`--clusters must be a whole number ≥ 2, found ${values.clusters}`);
  const emu = await startEmulator({ port: 0 });
  let dir: string | undefined;
  try {
    const ids = Array.from({ length: count }, (_, i) => `c${String(i).padStart(3, '0')}`);
    const half = Math.ceil(count / 2);
    emu.seed({
      regions: {
        [REGIONS[0] as string]: { clusters: ids.slice(0, half).map((id) => ({ id })) },
        [REGIONS[1] as string]: { clusters: ids.slice(half).map((id) => ({ id })) },
      },
    });
    const service = await provisionService(emu);
    dir = mkdtempSync(join(tmpdir(), 'docdb-backup-reconcile-bench-'));
    writeFileSync(join(dir, 'policies.yml'), policyFile(ids));
    await compilePolicyFile(join(dir, 'policies.yml'), join(dir, 'compiled.json'));
    const env = { ...service.env, POLICIES_FILE: join(dir, 'compiled.json'), BACKUP_CONCURRENCY: '10' };
    Object.assign(process.env, env);
    const wiring = await wireFromEnvironment(silentLog, env);
    let offset = 0;
    const clock: Clock = {
      now: () => Date.now() + offset,
      sleep: async (ms) => {
        offset += ms;
        emu.advanceClock(ms);
      },
    };
    wiring.deps.clock = clock;
    const advance = (ms: number) => clock.sleep(ms);
    const pass = () => runReconcilePass({}, 300_000, wiring, quiet);
    const backup = async (remainingMs: number) => {
      await runScheduledBackup({ policy: 'hourly', time: slot() }, remainingMs, wiring, quiet);
      quiet.metrics.clearMetrics();
      quiet.metrics.clearDimensions();
    };
    const slot = () => new Date(Math.floor(clock.now() / MINUTE) * MINUTE).toISOString();

    type Pass = Awaited<ReturnType<typeof pass>>;
    /** Runs one pass and reports its calls; `about` says what it was and how many jobs it handled. */
    const measure = async (about: (result: Pass) => [string, number]) => {
      const before = snapshot(emu);
      const result = await pass();
      const [title, jobs] = about(result);
      report(title, callsSince(emu, before), jobs);
    };

    await measure(() => ['A pass with nothing open', 0]);

    emu.setFaults({
      clusters: Object.fromEntries(ids.map((id) => [id, { snapshotAvailableAfterMs: 20 * MINUTE }])),
    });
    await backup(600_000);
    await advance(5 * MINUTE);
    await measure((r) => [`A pass over ${r.open} creating job(s), none done yet`, r.open]);

    await advance(20 * MINUTE);
    await measure((r) => [
      `The pass that completes them (${r.transitions.length} transition(s), retention keepLast 3)`,
      r.transitions.length,
    ]);

    await advance(40 * MINUTE);
    emu.setFaults({ clusters: Object.fromEntries(ids.map((id) => [id, { busyForMs: 120 * MINUTE }])) });
    await backup(60_000);
    await advance(5 * MINUTE);
    await measure((r) => [`A pass over ${r.open} pending job(s), clusters still busy`, r.open]);
  } finally {
    quiet.metrics.clearMetrics();
    await emu.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack : String(error));
    process.exit(1);
  },
);

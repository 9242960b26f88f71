// Seam: the backup lifecycle through the operator CLI against the emulator over real HTTP, with its clock
// advanced: `run` leaving a busy cluster pending, `reconcile` carrying jobs forward (pending → creating →
// available, creating → failed with one page), `status` showing each cluster's latest job, and `plan`
// showing each policy's windows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliWorld, cli, resetCliWorld, startCliWorld, writePolicies } from './support.js';

const POLICIES = `version: 1
defaults:
  regions: [us-east-1]
  retry: { maxAttempts: 2, baseDelaySeconds: 0.1, maxDelaySeconds: 0.2 }
policies:
  - name: nightly
    schedule: cron(0 3 * * ? *)
    clusters:
      identifiers: [orders]
  - name: billing
    schedule: cron(0 4 * * ? *)
    clusters:
      identifiers: [billing]
  - name: ledger
    schedule: cron(0 5 * * ? *)
    startWindowMinutes: 90
    completionWindowMinutes: 600
    clusters:
      identifiers: [ledger]
`;

const FLEET = {
  regions: { 'us-east-1': { clusters: [{ id: 'orders' }, { id: 'billing' }, { id: 'ledger' }] } },
};

const MINUTE = 60_000;

let world: CliWorld;
let file: string;
beforeAll(async () => {
  world = await startCliWorld();
  file = writePolicies(world, POLICIES);
});
afterAll(async () => {
  await world.emu.stop();
});

/** The status line of one cluster (text output). */
function statusRow(stdout: string, cluster: string): string {
  return stdout.split('\n').find((line) => line.startsWith(`  us-east-1  ${cluster} `)) ?? '';
}

describe('the backup lifecycle from the CLI', () => {
  it('reconcile carries a creating job to available once the snapshot is done; status shows the job each time', async () => {
    await resetCliWorld(world, FLEET);
    world.emu.setFaults({ clusters: { orders: { snapshotAvailableAfterMs: 10 * MINUTE } } });
    const run = await cli(world, ['run', '--policy', 'nightly', '--file', file]);
    expect(run.code, run.stdout).toBe(0);

    const creating = await cli(world, ['status', '--policy', 'nightly', '--file', file]);
    const early = await cli(world, ['reconcile', '--file', file]);
    world.emu.advanceClock(11 * MINUTE);
    const done = await cli(world, ['reconcile', '--file', file]);
    const available = await cli(world, ['status', '--policy', 'nightly', '--file', file, '--json']);
    const again = await cli(world, ['reconcile', '--file', file, '--json']);

    expect(creating.stdout).toContain('LATEST JOB');
    expect(statusRow(creating.stdout, 'orders')).toMatch(/ OVERDUE .* creating \d+s$/);
    expect(early.code, early.stderr).toBe(0);
    expect(early.stdout.split('\n')).toEqual([
      `reconcile the jobs of 3 policies of ${file}`,
      '  no job changed',
      expect.stringMatching(
        /^done: 0 available, 0 failed, 0 started; 1 job still open \(0 pending, 1 creating\) in \d+\.\ds$/,
      ),
      '',
    ]);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toMatch(
      /\n {2}available {2}nightly {2}us-east-1 {2}orders {2}nightly-orders-\d{8}-\d{4} {2}creating → available {2}in \d+\.\ds\n/,
    );
    expect(done.stdout).toMatch(/\ndone: 1 available, 0 failed, 0 started; no job open in /);
    const [orders] = JSON.parse(available.stdout).clusters;
    expect(orders).toMatchObject({
      clusterId: 'orders',
      state: 'ok',
      latestJob: { state: 'available', error: null, snapshotId: expect.stringMatching(/^nightly-orders-/) },
    });
    expect(Object.keys(orders.latestJob)).toEqual([
      'state',
      'snapshotId',
      'scheduledAt',
      'requestedAt',
      'startedAt',
      'completedAt',
      'error',
      'ageSeconds',
    ]);
    expect(JSON.parse(again.stdout)).toMatchObject({
      version: 1,
      command: 'reconcile',
      ok: true,
      counts: { available: 0, failed: 0, started: 0, open: 0 },
      transitions: [],
      open: [],
    });
    expect(world.emu.publishedMessages()).toEqual([]);
  });

  it('a snapshot that ends failed: reconcile exits 1 and pages once, the next pass does not page again', async () => {
    await resetCliWorld(world, FLEET);
    world.emu.setFaults({
      clusters: { billing: { snapshotAvailableAfterMs: MINUTE, snapshotOutcome: 'failed' } },
    });
    const run = await cli(world, ['run', '--policy', 'billing', '--file', file]);
    expect(run.code, run.stdout).toBe(0);
    world.emu.advanceClock(2 * MINUTE);

    const pass = await cli(world, ['reconcile', '--file', file, '--json']);
    const text = await cli(world, ['reconcile', '--file', file]);
    const status = await cli(world, ['status', '--policy', 'billing', '--file', file]);

    expect(pass.code, pass.stderr).toBe(1);
    const report = JSON.parse(pass.stdout);
    expect(report).toMatchObject({
      version: 1,
      command: 'reconcile',
      ok: false,
      counts: { available: 0, failed: 1, started: 0, open: 0 },
      transitions: [
        {
          policy: 'billing',
          region: 'us-east-1',
          clusterId: 'billing',
          from: 'creating',
          to: 'failed',
          durationMs: null,
          error: { code: 'snapshot-failed' },
        },
      ],
      pages: [{ policy: 'billing', jobs: 1, sent: true, note: null }],
      unread: [],
    });
    expect(world.emu.publishedMessages()).toHaveLength(1);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(
      '  no job changed\ndone: 0 available, 0 failed, 0 started; no job open in ',
    );
    expect(world.emu.publishedMessages()).toHaveLength(1);
    expect(statusRow(status.stdout, 'billing')).toMatch(/ failed \(snapshot-failed\)$/);
  });

  it('run leaves a busy cluster pending (exit 1, no page); reconcile starts it once free, then completes it', async () => {
    await resetCliWorld(world, FLEET);
    world.emu.setFaults({ clusters: { ledger: { busyForMs: 30 * MINUTE } } });

    const before = Date.now();
    const run = await cli(world, ['run', '--policy', 'ledger', '--file', file, '--at', 'now']);
    const after = Date.now();
    const pending = await cli(world, ['status', '--policy', 'ledger', '--file', file]);
    const stillBusy = await cli(world, ['reconcile', '--file', file]);
    world.emu.advanceClock(31 * MINUTE);
    const started = await cli(world, ['reconcile', '--file', file]);
    const completed = await cli(world, ['reconcile', '--file', file]);

    expect(run.code, run.stderr).toBe(1);
    // The slot is the minute the run started; its start window ends 90 minutes later.
    const windowEnd = (t: number) =>
      new Date(Math.floor(t / MINUTE) * MINUTE + 90 * MINUTE).toISOString().slice(0, 16).replace('T', ' ');
    const line = run.stdout.split('\n').find((l) => l.startsWith('  pending')) ?? '';
    expect(line).toMatch(
      /^ {2}pending {9}us-east-1 {2}ledger +ledger-ledger-\d{8}-\d{4} busy; the reconciler tries again until (.+) UTC \(2 attempts, \d+\.\ds\)$/,
    );
    expect([windowEnd(before), windowEnd(after)]).toContain(/until (.+) UTC/.exec(line)?.[1]);
    expect(run.stdout).toContain(
      'not backed up yet: 0 created, 0 already existed, 1 pending, 0 failed, 0 skipped',
    );
    expect(run.stdout).toContain(
      'next steps:\n  pending: 1 cluster not backed up yet: the reconciler starts',
    );
    expect(run.stdout).toContain('run "docdb-backup reconcile" now');
    expect(run.stdout).not.toContain('aws-error');
    expect(world.emu.publishedMessages()).toEqual([]);
    expect(statusRow(pending.stdout, 'ledger')).toMatch(/ pending \d+s of 1h 30m$/);
    expect(stillBusy.code).toBe(0);
    expect(stillBusy.stdout).toContain('1 job still open (1 pending, 0 creating)');
    expect(started.stdout).toMatch(
      / {2}creating {2}ledger {2}us-east-1 {2}ledger .* {2}pending → creating {2}snapshot requested\n/,
    );
    expect(started.stdout).toContain(
      'done: 0 available, 0 failed, 1 started; 1 job still open (0 pending, 1 creating)',
    );
    expect(completed.stdout).toMatch(/ {2}available {2}ledger .* creating → available /);
    expect(completed.code).toBe(0);
  });

  it('plan shows the windows of each policy, in text and JSON', async () => {
    const text = await cli(world, ['plan', '--offline', '--file', file, '--at', '2026-11-28T00:00Z']);
    const json = await cli(world, [
      'plan',
      '--offline',
      '--file',
      file,
      '--at',
      '2026-11-28T00:00Z',
      '--json',
    ]);

    expect(text.code).toBe(0);
    expect(text.stdout).toContain(
      'ledger  cron(0 5 * * ? *)  us-east-1\n' +
        '  windows  start within 1h 30m of the slot, available within 10h of the start\n' +
        '  next runs (UTC)  2026-11-28 05:00',
    );
    expect(text.stdout).toContain(
      'nightly  cron(0 3 * * ? *)  us-east-1\n  windows  start within 8h of the slot, available within 1d of the start\n',
    );
    expect(JSON.parse(json.stdout).policies.map((p: { windows: unknown }) => p.windows)).toEqual([
      { startMinutes: 480, completionMinutes: 1440 },
      { startMinutes: 480, completionMinutes: 1440 },
      { startMinutes: 90, completionMinutes: 600 },
    ]);
  });

  it("reconcile exits 2 naming what is missing: the function's variables, a flag", async () => {
    const noEnv = await cli(world, ['reconcile', '--file', file], { noServiceEnv: true });
    const badFlag = await cli(world, ['reconcile', '--policy', 'nightly']);

    expect(noEnv.code).toBe(2);
    expect(noEnv.stderr).toMatch(
      /^docdb-backup reconcile: a reconcile pass records job changes and pages like the reconcile function, so it needs the function's environment:\n {2}ALERT_TOPIC_ARN must be/,
    );
    expect(noEnv.stdout).toBe('');
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain('unknown option --policy');
  });
});

// Seam: `docdb-backup run` (cli/commands/run.ts) against the emulator over real HTTP: the engine
// the scheduled function uses, with the same records (results table, events, alert), live progress,
// --dry-run, --json and every exit code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CliWorld,
  cli,
  manualSnapshotIds,
  recordedResults,
  resetCliWorld,
  startCliWorld,
  withoutCredentials,
  writePolicies,
} from './support.js';

const POLICIES = `version: 1
defaults:
  regions: [us-east-1]
  retry: { maxAttempts: 5, baseDelaySeconds: 0.1, maxDelaySeconds: 0.2 }
policies:
  - name: nightly
    schedule: cron(0 3 * * ? *)
    clusters:
      tags: { backup: nightly }
  - name: ledger
    schedule: cron(15 0/6 * * ? *)
    clusters:
      identifiers: [ledger, ledger-2019]
  - name: parked
    enabled: false
    schedule: cron(0 5 * * ? *)
    clusters:
      identifiers: [orders]
`;

const FLEET = {
  regions: {
    'us-east-1': {
      clusters: [
        { id: 'orders', tags: { backup: 'nightly' } },
        { id: 'payments', tags: { backup: 'nightly' } },
        { id: 'ledger' },
      ],
    },
  },
};

let world: CliWorld;
let file: string;
beforeAll(async () => {
  world = await startCliWorld();
  file = writePolicies(world, POLICIES);
});
afterAll(async () => {
  await world.emu.stop();
});

describe('docdb-backup run', () => {
  it('takes the snapshots, records them like the function and exits 0; the same slot again counts as done', async () => {
    await resetCliWorld(world, FLEET);
    world.emu.setFaults({ clusters: { payments: { busyForAttempts: 2 } } });

    const first = await cli(world, [
      'run',
      '--policy',
      'nightly',
      '--file',
      file,
      '--at',
      '2026-11-28T03:00:41Z',
    ]);
    const again = await cli(world, [
      'run',
      '--policy',
      'nightly',
      '--file',
      file,
      '--at',
      '2026-11-28T03:00Z',
      '--json',
    ]);

    expect(first.code, first.stderr).toBe(0);
    const lines = first.stdout.split('\n');
    expect(lines[0]).toBe('run nightly for slot 2026-11-28 03:00 UTC in us-east-1');
    expect(lines.filter((l) => l.includes('busy'))).toEqual([
      expect.stringMatching(
        /^ {2}busy {12}us-east-1 {2}payments +attempt 1 refused: cluster busy; attempt 2 in \d+s$/,
      ),
      expect.stringMatching(/attempt 2 refused: cluster busy; attempt 3 in \d+s$/),
    ]);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^ {2}created {9}us-east-1 {2}orders +nightly-orders-20261128-0300 \(1 attempt, \d+\.\ds\)$/,
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/payments +nightly-payments-20261128-0300 \(3 attempts/),
    );
    expect(first.stdout).toContain('done: 2 created, 0 already existed, 0 failed, 0 skipped in ');
    expect(first.stdout).toContain('recorded 2 results in docdb-backup-results; result events published');
    expect(first.stdout).not.toContain('\u001b[');
    expect(manualSnapshotIds(world, 'us-east-1')).toEqual([
      'nightly-orders-20261128-0300',
      'nightly-payments-20261128-0300',
    ]);
    const records = await recordedResults(world);
    expect(records.filter((r) => !r.pk?.startsWith('job')).map((r) => [r.pk, r.sk, r.outcome])).toEqual([
      ['us-east-1#orders', '2026-11-28T03:00:00.000Z#nightly', 'already-exists'],
      ['us-east-1#payments', '2026-11-28T03:00:00.000Z#nightly', 'already-exists'],
    ]);
    // One job per snapshot started, followed by the reconciler until it is available.
    expect(records.filter((r) => r.pk?.startsWith('job#')).map((r) => [r.pk, r.sk, r.state])).toEqual([
      ['job#us-east-1#orders', '2026-11-28T03:00:00.000Z#nightly', 'creating'],
      ['job#us-east-1#payments', '2026-11-28T03:00:00.000Z#nightly', 'creating'],
    ]);
    expect(world.emu.recordedEvents()).toHaveLength(4);

    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({
      version: 1,
      command: 'run',
      dryRun: false,
      policy: 'nightly',
      scheduledAt: '2026-11-28T03:00:00.000Z',
      ok: true,
      results: [
        expect.objectContaining({
          region: 'us-east-1',
          clusterId: 'orders',
          outcome: 'already-exists',
          error: null,
        }),
        expect.objectContaining({ clusterId: 'payments', snapshotId: 'nightly-payments-20261128-0300' }),
      ],
      counts: { created: 0, 'already-exists': 2, pending: 0, failed: 0, skipped: 0 },
      deletions: [],
      quotaWarnings: [],
      alert: null,
      recorded: true,
      eventsFailed: 0,
      error: null,
    });
    expect(Object.keys(JSON.parse(again.stdout).results[0])).toEqual([
      'region',
      'clusterId',
      'outcome',
      'snapshotId',
      'attempts',
      'durationMs',
      'error',
    ]);
    expect(world.emu.publishedMessages()).toEqual([]);
  });

  it('exits 1 when a cluster is not backed up, pages once and says what to do', async () => {
    await resetCliWorld(world, FLEET);

    const out = await cli(world, ['run', '--policy', 'ledger', '--file', file, '--at', '2026-11-28T06:15Z']);

    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(
      / {2}failed {10}\* +ledger-2019 +cluster-not-found: no DocumentDB cluster "ledger-2019"/,
    );
    expect(out.stdout).toContain('not all backed up: 1 created, 0 already existed, 1 failed, 0 skipped');
    expect(out.stdout).toContain(
      'on-call alerted: [docdb-backup] ERROR ledger: 1 of 2 clusters not backed up',
    );
    expect(out.stdout).toContain('next steps:\n  cluster-not-found: ');
    expect(world.emu.publishedMessages()).toHaveLength(1);
  });

  it('shows a live status line on a terminal, in colour unless NO_COLOR is set', async () => {
    await resetCliWorld(world, FLEET);

    const colour = await cli(
      world,
      ['run', '--policy', 'nightly', '--file', file, '--at', '2026-11-28T03:00Z'],
      {
        tty: true,
      },
    );
    const plain = await cli(
      world,
      ['run', '--policy', 'nightly', '--file', file, '--at', '2026-11-29T03:00Z'],
      {
        tty: true,
        env: { NO_COLOR: '1' },
      },
    );

    expect(colour.code).toBe(0);
    expect(colour.stdout).toContain('\r\u001b[2K'); // the status line is redrawn in place and erased
    expect(colour.stdout).toContain('\u001b[32mcreated');
    expect(plain.stdout).toContain('\r\u001b[2K');
    expect(plain.stdout).not.toMatch(/\[3\dm|\[39m/); // no colour codes, only the line erasing
    expect(plain.stdout.endsWith('result events published\n')).toBe(true);
  });

  it("prints the plan with --dry-run, needs none of the function's variables and changes nothing", async () => {
    await resetCliWorld(world, FLEET);
    const calls = world.emu.callCount('rds:CreateDBClusterSnapshot');

    const text = await cli(
      world,
      ['run', '--policy', 'nightly', '--file', file, '--dry-run', '--at', '2026-11-28T03:00Z'],
      {
        noServiceEnv: true,
      },
    );
    const json = await cli(
      world,
      ['run', '--policy', 'ledger', '--file', file, '--dry-run', '--json', '--at', '2026-11-28T06:15Z'],
      {
        noServiceEnv: true,
      },
    );

    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toBe(
      [
        'dry run of nightly for slot 2026-11-28 03:00 UTC: nothing is changed',
        '  REGION     CLUSTER   ACTION    DETAIL',
        '  us-east-1  orders    snapshot  nightly-orders-20261128-0300',
        '  us-east-1  payments  snapshot  nightly-payments-20261128-0300',
        '2 to snapshot, 0 skipped, 0 would fail',
        '',
      ].join('\n'),
    );
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      command: 'run',
      dryRun: true,
      policy: 'ledger',
      scheduledAt: '2026-11-28T06:15:00.000Z',
      ok: false,
      counts: { snapshot: 1, skip: 0, fail: 1 },
    });
    expect(world.emu.callCount('rds:CreateDBClusterSnapshot')).toBe(calls);
    expect(await recordedResults(world)).toEqual([]);
  });

  it('runs a disabled policy when asked, with a note', async () => {
    await resetCliWorld(world, FLEET);

    const out = await cli(world, ['run', '--policy', 'parked', '--file', file, '--at', '2026-11-28T05:00Z']);

    expect(out.code).toBe(0);
    expect(out.stderr).toBe(`note: policy parked is disabled in ${file}; running because asked\n`);
    expect(manualSnapshotIds(world, 'us-east-1')).toEqual(['parked-orders-20261128-0500']);
  });

  it("exits 2 naming what is missing: --policy, the function's variables, credentials", async () => {
    await resetCliWorld(world, FLEET);

    const noPolicy = await cli(world, ['run', '--file', file]);
    const noEnv = await cli(world, ['run', '--policy', 'nightly', '--file', file], { noServiceEnv: true });
    const noCredentials = await cli(world, ['run', '--policy', 'nightly', '--file', file], {
      aws: withoutCredentials,
    });
    const badTimeout = await cli(world, ['run', '--policy', 'nightly', '--file', file, '--timeout', 'soon']);

    expect([noPolicy.code, noEnv.code, noCredentials.code, badTimeout.code]).toEqual([2, 2, 2, 2]);
    expect(noPolicy.stderr).toContain('docdb-backup run: --policy is required');
    expect(noEnv.stderr).toContain("needs the function's environment:");
    expect(noEnv.stderr).toContain('  ALERT_TOPIC_ARN must be an SNS topic ARN');
    expect(noEnv.stderr).toContain('  RESULTS_TABLE must be a DynamoDB table name');
    expect(noCredentials.stderr).toContain('run needs AWS access and found no credentials');
    expect(badTimeout.stderr).toContain('--timeout expects a duration such as 90s, 15m or 1h, found "soon"');
    expect(manualSnapshotIds(world, 'us-east-1')).toEqual([]);
    expect(noEnv.stderr).not.toMatch(/\n\s+at /); // no stack trace without --debug
  });

  it('refuses --at ahead of the clock (like the function) and an impossible time, before any AWS call', async () => {
    await resetCliWorld(world, FLEET);
    const now = new Date('2026-11-28T03:00:05Z');

    const future = await cli(
      world,
      ['run', '--policy', 'nightly', '--file', file, '--at', '2026-11-30T03:00Z'],
      {
        now,
      },
    );
    const impossible = await cli(
      world,
      ['run', '--policy', 'nightly', '--file', file, '--at', '2026-02-30T03:00Z'],
      {
        now,
      },
    );

    expect([future.code, impossible.code]).toEqual([2, 2]);
    expect(future.stderr).toContain(
      '--at: the slot 2026-11-30T03:00:00.000Z is 2880 minutes ahead of the clock',
    );
    expect(impossible.stderr).toContain('--at expects an ISO-8601 time on a real calendar day');
    expect(world.emu.callCount('rds:DescribeDBClusters')).toBe(0);
    expect(manualSnapshotIds(world, 'us-east-1')).toEqual([]);
  });

  it("exits 1 when the policy selects nothing; --debug shows the engine's log lines", async () => {
    await resetCliWorld(world, { regions: { 'us-east-1': { clusters: [{ id: 'ledger' }] } } });

    const out = await cli(world, ['run', '--policy', 'nightly', '--file', file, '--debug']);

    expect(out.code).toBe(1);
    expect(out.stdout).toContain('the policy selected no cluster: nothing was backed up');
    expect(out.stderr).toContain('debug info: clusters selected {"region":"us-east-1","selected":0');
  });
});

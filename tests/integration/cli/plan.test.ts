// Seam: `docdb-backup plan` (cli/commands/plan.ts, inspect.ts over the engine's planRegion) against
// the emulator over real HTTP: next scheduled times, what the next run would snapshot, skip or fail, exit
// codes and the --json shape. Read-only: no snapshot is ever created.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CliWorld,
  cli,
  resetCliWorld,
  startCliWorld,
  withoutCredentials,
  writePolicies,
} from './support.js';

const POLICIES = `version: 1
policies:
  - name: nightly
    schedule: cron(0 3 * * ? *)
    regions: [us-east-1, eu-west-1]
    clusters:
      identifiers: [orders, ghost]
      tags: { backup: nightly }
      exclude: [scratch]
  - name: weekly
    schedule: cron(30 4 ? * SUN *)
    regions: [us-east-1]
    clusters:
      identifiers: [orders]
`;

const FLEET = {
  regions: {
    'us-east-1': {
      clusters: [
        { id: 'orders' },
        { id: 'payments', tags: { backup: 'nightly' } },
        { id: 'scratch', tags: { backup: 'nightly' } },
        { id: 'archive', status: 'stopped', tags: { backup: 'nightly' } },
        { id: 'reporting-pg', engine: 'aurora-postgresql', tags: { backup: 'nightly' } },
        { id: 'unrelated', tags: { backup: 'weekly' } },
      ],
    },
    'eu-west-1': { clusters: [{ id: 'orders-eu', tags: { backup: 'nightly' } }] },
  },
};

let world: CliWorld;
let file: string;
beforeAll(async () => {
  world = await startCliWorld();
  await resetCliWorld(world, FLEET);
  file = writePolicies(world, POLICIES);
});
afterAll(async () => {
  await world.emu.stop();
});

describe('docdb-backup plan', () => {
  it('explains every cluster the next run touches or leaves out, as JSON, and changes nothing', async () => {
    const out = await cli(world, [
      'plan',
      '--file',
      file,
      '--policy',
      'nightly',
      '--at',
      '2026-11-28T03:00Z',
      '--json',
    ]);

    expect(out.code, out.stderr).toBe(1); // the stopped cluster and the missing id would fail
    const plan = JSON.parse(out.stdout);
    expect(plan).toMatchObject({
      version: 1,
      command: 'plan',
      at: '2026-11-28T03:00:00.000Z',
      aws: true,
      awsNote: null,
    });
    const [nightly] = plan.policies;
    expect(nightly.nextRuns).toEqual([
      '2026-11-28T03:00:00.000Z',
      '2026-11-29T03:00:00.000Z',
      '2026-11-30T03:00:00.000Z',
    ]);
    expect(nightly.slot).toBe('2026-11-28T03:00:00.000Z');
    expect(
      nightly.clusters.map((c: Record<string, string>) => [c.region, c.clusterId, c.action, c.reason]),
    ).toEqual([
      ['eu-west-1', 'orders-eu', 'snapshot', null],
      ['us-east-1', 'orders', 'snapshot', null],
      ['us-east-1', 'payments', 'snapshot', null],
      ['us-east-1', 'archive', 'fail', 'cluster-unavailable'],
      ['us-east-1', 'reporting-pg', 'skip', 'other-engine'],
      ['us-east-1', 'scratch', 'skip', 'excluded'],
      ['*', 'ghost', 'fail', 'cluster-not-found'],
    ]);
    expect(nightly.clusters[1]).toEqual({
      region: 'us-east-1',
      clusterId: 'orders',
      action: 'snapshot',
      reason: null,
      status: 'available',
      engine: null,
      snapshotId: 'nightly-orders-20261128-0300',
      detail: 'nightly-orders-20261128-0300',
      wouldDelete: [],
    });
    expect(nightly.clusters[4]).toMatchObject({ engine: 'aurora-postgresql' });
    expect(nightly.counts).toEqual({ snapshot: 3, skip: 2, fail: 2 });
    expect(world.emu.callCount('rds:CreateDBClusterSnapshot')).toBe(0);
  });

  it('prints each policy with its next runs and an aligned table, and exits 0 when nothing would fail', async () => {
    const out = await cli(world, ['plan', '--file', file, '--policy', 'weekly', '--at', '2026-11-28T10:00Z']);

    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toBe(
      [
        'weekly  cron(30 4 ? * SUN *)  us-east-1',
        '  windows  start within 8h of the slot, available within 1d of the start',
        '  next runs (UTC)  2026-11-29 04:30  2026-12-06 04:30  2026-12-13 04:30',
        '  the run at 2026-11-29 04:30 would:',
        '    REGION     CLUSTER  ACTION    DETAIL',
        '    us-east-1  orders   snapshot  weekly-orders-20261129-0430',
        '  1 to snapshot, 0 skipped, 0 would fail',
        '',
      ].join('\n'),
    );
  });

  it('shows the schedules only with --offline; without credentials it cannot run (exit 2)', async () => {
    const calls = world.emu.callCount('rds:DescribeDBClusters');
    const offline = await cli(world, ['plan', '--file', file, '--offline', '--json']);
    const noCredentials = await cli(world, ['plan', '--file', file], { aws: withoutCredentials });

    expect(offline.code).toBe(0);
    const plan = JSON.parse(offline.stdout);
    expect(plan.aws).toBe(false);
    expect(plan.awsNote).toBe('not read (--offline)');
    expect(
      plan.policies.map((p: { clusters: unknown; nextRuns: string[] }) => [p.clusters, p.nextRuns.length]),
    ).toEqual([
      [null, 3],
      [null, 3],
    ]);
    expect(noCredentials).toMatchObject({ code: 2, stdout: '' });
    expect(noCredentials.stderr).toMatch(
      /^docdb-backup plan: plan needs AWS access and found no credentials \(Could not load credentials.*; `plan --offline` shows the schedules without AWS\n$/,
    );
    expect(world.emu.callCount('rds:DescribeDBClusters')).toBe(calls);
  });

  it('refuses an unknown policy, a time without zone and an unknown flag with exit 2', async () => {
    const unknown = await cli(world, ['plan', '--file', file, '--policy', 'nightley']);
    const zoneless = await cli(world, ['plan', '--file', file, '--at', '2026-11-28T03:00']);
    const flag = await cli(world, ['plan', '--fiel', file]);

    expect([unknown.code, zoneless.code, flag.code]).toEqual([2, 2, 2]);
    expect(unknown.stderr).toContain('unknown policy "nightley" (did you mean "nightly"?)');
    expect(zoneless.stderr).toContain('--at needs a time zone: write 2026-11-28T03:00Z for UTC');
    expect(flag.stderr).toBe(
      'docdb-backup plan: unknown option --fiel: did you mean --file?\nRun "docdb-backup plan --help" for usage.\n',
    );
  });
});

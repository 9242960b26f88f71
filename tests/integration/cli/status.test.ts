// Seam: `docdb-backup status` (cli/commands/status.ts) against the emulator over real HTTP: the
// newest snapshot this service owns per cluster, its age, the last recorded result, overdue clusters and
// the exit code a check relies on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliWorld, cli, ownedBy, resetCliWorld, startCliWorld, writePolicies } from './support.js';

const POLICIES = `version: 1
defaults:
  regions: [us-east-1]
policies:
  - name: nightly
    schedule: cron(0 3 * * ? *)
    clusters:
      identifiers: [orders, payments, ledger, ghost]
  - name: parked
    enabled: false
    schedule: cron(0 5 * * ? *)
    clusters:
      identifiers: [orders]
`;

/** The same policy name, selecting only some clusters: to leave recorded results behind. */
const EARLIER = `version: 1
policies:
  - name: nightly
    schedule: cron(0 3 * * ? *)
    regions: [us-east-1]
    clusters:
      identifiers: [orders, payments, ghost]
`;

/** A snapshot of `cluster` named for the slot of `createdAt`, ours for nightly unless `tags` say otherwise. */
function snapshot(cluster: string, createdAt: string, tags?: Record<string, string>) {
  tags ??= ownedBy('nightly', `${createdAt.slice(0, 16)}:00Z`);
  const compact = `${createdAt.slice(0, 10).replaceAll('-', '')}-${createdAt.slice(11, 13)}${createdAt.slice(14, 16)}`;
  return { id: `nightly-${cluster}-${compact}`, clusterId: cluster, createdAt, tags };
}

const NOW = '2026-11-28T09:00Z';

const FLEET = {
  regions: {
    'us-east-1': {
      clusters: [{ id: 'orders' }, { id: 'payments' }, { id: 'ledger' }],
      snapshots: [
        snapshot('orders', '2026-11-27T03:00:40Z'),
        snapshot('orders', '2026-11-28T03:00:40Z'),
        // payments: ours is 4 days old; a newer one with our name shape but not our tags does not count.
        snapshot('payments', '2026-11-24T03:00:40Z'),
        snapshot('payments', '2026-11-28T03:00:40Z', { 'docdb-backup:managed-by': 'someone-else' }),
        // ledger: an automated snapshot and a manual one with another name are not this policy's.
        { clusterId: 'ledger', type: 'automated' as const, createdAt: '2026-11-28T05:00:00Z' },
        { id: 'before-migration', clusterId: 'ledger', createdAt: '2026-11-28T02:00:00Z' },
      ],
    },
  },
};

let world: CliWorld;
let file: string;
beforeAll(async () => {
  world = await startCliWorld();
  await resetCliWorld(world, FLEET);
  file = writePolicies(world, POLICIES);
  const earlier = writePolicies(world, EARLIER, 'earlier.yml');
  const run = await cli(world, [
    'run',
    '--policy',
    'nightly',
    '--file',
    earlier,
    '--at',
    '2026-11-28T03:00Z',
  ]);
  expect(run.code, run.stdout).toBe(1); // payments' id is taken by a snapshot that is not ours; ghost does not exist
});
afterAll(async () => {
  await world.emu.stop();
});

describe('docdb-backup status', () => {
  it('lists every cluster of the enabled policies, worst first, and exits 1 when one is not protected', async () => {
    const out = await cli(world, ['status', '--file', file, '--at', NOW]);

    expect(out.code, out.stderr).toBe(1);
    expect(out.stdout).toBe(
      [
        'nightly  cron(0 3 * * ? *)  overdue after 1d 6h',
        '  REGION     CLUSTER   STATE    NEWEST SNAPSHOT      AGE  LAST RESULT                                LATEST JOB',
        '  us-east-1  ledger    OVERDUE  -                      -  -                                          -',
        '  us-east-1  payments  OVERDUE  2026-11-24 03:00   4d 5h  failed name-conflict 2026-11-28 03:00      -',
        '  *          ghost     MISSING  -                      -  failed cluster-not-found 2026-11-28 03:00  -',
        // The run found the snapshot already there and wrote its job; no reconcile pass has checked it
        // yet. (Requested after --at: its age shows as 0.)
        '  us-east-1  orders    ok       2026-11-28 03:00  5h 59m  already-exists 2026-11-28 03:00            creating 0s',
        '  · ledger: no available snapshot from this policy',
        '  · payments: newest snapshot is 4d 5h old; expected one within 1d 6h',
        '  · ghost: no DocumentDB cluster "ghost" in us-east-1 (named in clusters.identifiers)',
        '',
        'parked  cron(0 5 * * ? *)  overdue after 1d 6h  disabled: not checked (disabled; name it with --policy to check it)',
        '',
        'not all protected: 4 clusters: 1 ok, 2 overdue, 1 missing (as of 2026-11-28 09:00 UTC)',
        '',
      ].join('\n'),
    );
  });

  it('gives a stable JSON shape and reads tags only of the snapshots it reports', async () => {
    const tagCalls = world.emu.callCount('rds:ListTagsForResource');

    const out = await cli(world, ['status', '--file', file, '--policy', 'nightly', '--at', NOW, '--json']);

    expect(out.code).toBe(1);
    const status = JSON.parse(out.stdout);
    expect(status).toMatchObject({
      version: 1,
      command: 'status',
      at: '2026-11-28T09:00:00.000Z',
      ok: false,
      policies: [
        {
          name: 'nightly',
          schedule: 'cron(0 3 * * ? *)',
          enabled: true,
          checked: true,
          overdueAfterSeconds: 108_000,
          windows: { startMinutes: 480, completionMinutes: 1440 },
        },
      ],
      counts: { ok: 1, overdue: 2, missing: 1, unknown: 0 },
      notes: [],
    });
    const orders = status.clusters.find((c: { clusterId: string }) => c.clusterId === 'orders');
    expect(orders).toEqual({
      policy: 'nightly',
      region: 'us-east-1',
      clusterId: 'orders',
      state: 'ok',
      reason: null,
      newestSnapshot: {
        snapshotId: 'nightly-orders-20261128-0300',
        createdAt: '2026-11-28T03:00:40.000Z',
        ageSeconds: 21_560,
      },
      lastResult: {
        policy: 'nightly',
        scheduledAt: '2026-11-28T03:00:00.000Z',
        region: 'us-east-1',
        clusterId: 'orders',
        outcome: 'already-exists',
        snapshotId: 'nightly-orders-20261128-0300',
        attempts: 1,
        error: null,
        recordedAt: expect.any(String),
      },
      latestJob: {
        state: 'creating',
        snapshotId: 'nightly-orders-20261128-0300',
        scheduledAt: '2026-11-28T03:00:00.000Z',
        requestedAt: expect.any(String),
        startedAt: expect.any(String),
        completedAt: null,
        error: null,
        ageSeconds: 0,
      },
      copies: [],
      overdueAfterSeconds: 108_000,
    });
    // orders: its newest candidate; payments: the impostor, then its own.
    expect(world.emu.callCount('rds:ListTagsForResource') - tagCalls).toBe(3);
  });

  it('exits 0 when every cluster is protected, and checks a disabled policy when it is named', async () => {
    const fine = writePolicies(
      world,
      POLICIES.replace('identifiers: [orders, payments, ledger, ghost]', 'identifiers: [orders]'),
      'fine.yml',
    );

    const ok = await cli(world, ['status', '--file', fine, '--policy', 'nightly', '--at', NOW]);
    const parked = await cli(world, ['status', '--file', fine, '--policy', 'parked', '--at', NOW, '--json']);

    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('all protected: 1 cluster: 1 ok (as of 2026-11-28 09:00 UTC)');
    expect(parked.code).toBe(1);
    expect(JSON.parse(parked.stdout).clusters).toMatchObject([
      {
        policy: 'parked',
        clusterId: 'orders',
        state: 'overdue',
        reason: 'no available snapshot from this policy',
      },
    ]);
  });

  it('allows the real gap of a policy in a time zone: a nightly 02:30 in Berlin skips a night each spring', async () => {
    const zoned = writePolicies(
      world,
      POLICIES.replace(
        '    schedule: cron(0 3 * * ? *)\n',
        '    schedule: cron(30 2 * * ? *)\n    timezone: Europe/Berlin\n',
      ),
      'zoned.yml',
    );

    const out = await cli(world, ['status', '--file', zoned, '--policy', 'nightly', '--at', NOW, '--json']);

    // 47 hours (2027-03-27 to 2027-03-29) plus a quarter: 58 h 45 m, where UTC's 24 hours give 30 h.
    expect(JSON.parse(out.stdout).policies).toMatchObject([
      { name: 'nightly', overdueAfterSeconds: 211_500 },
    ]);
  });

  it('still answers without RESULTS_TABLE, and says the last results are missing', async () => {
    const out = await cli(world, ['status', '--file', file, '--policy', 'nightly', '--at', NOW], {
      env: { RESULTS_TABLE: undefined },
    });

    expect(out.code).toBe(1);
    expect(out.stdout).toContain(
      '  us-east-1  orders    ok       2026-11-28 03:00  5h 59m  -            -\n',
    );
    expect(out.stdout).toContain('note: RESULTS_TABLE is not set: last results and backup jobs not shown\n');
  });
});

// Seam: retention as the operator previews it — `plan` and `run --dry-run` against the emulator list what
// the next run would delete (ownership proven from tags), and delete nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliWorld, cli, ownedBy, resetCliWorld, startCliWorld, writePolicies } from './support.js';

const POLICIES = `version: 1
policies:
  - name: nightly
    schedule: cron(0 3 * * ? *)
    regions: [us-east-1]
    clusters:
      identifiers: [orders]
    retention:
      keepLast: 2
`;

const night = (
  day: number,
  tags: Record<string, string> = ownedBy('nightly', `2026-11-${String(day).padStart(2, '0')}T03:00:00Z`),
) => ({
  id: `nightly-orders-202611${String(day).padStart(2, '0')}-0300`,
  clusterId: 'orders',
  tags,
});

let world: CliWorld;
let file: string;
beforeAll(async () => {
  world = await startCliWorld();
  await resetCliWorld(world, {
    regions: {
      'us-east-1': {
        clusters: [{ id: 'orders' }],
        // 24 looks like ours but is not tagged as ours: never listed for deletion.
        snapshots: [night(27), night(26), night(25), night(24, {})],
      },
    },
  });
  file = writePolicies(world, POLICIES);
});
afterAll(async () => {
  await world.emu.stop();
});

describe('retention preview', () => {
  it('run --dry-run lists the deletions the run would make and makes none', async () => {
    const out = await cli(
      world,
      ['run', '--policy', 'nightly', '--file', file, '--dry-run', '--at', '2026-11-28T03:00Z'],
      {
        noServiceEnv: true,
      },
    );
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toBe(
      [
        'dry run of nightly for slot 2026-11-28 03:00 UTC: nothing is changed',
        '  REGION     CLUSTER  ACTION    DETAIL',
        '  us-east-1  orders   snapshot  nightly-orders-20261128-0300',
        '  us-east-1  orders   delete    nightly-orders-20261126-0300 (kept by no rule (keepLast 2))',
        '  us-east-1  orders   delete    nightly-orders-20261125-0300 (kept by no rule (keepLast 2))',
        '1 to snapshot, 0 skipped, 0 would fail, 2 to delete by retention',
        '',
      ].join('\n'),
    );
    expect(world.emu.callCount('rds:DeleteDBClusterSnapshot')).toBe(0);
  });

  it('plan --json carries the deletions of each cluster it would snapshot', async () => {
    const out = await cli(world, [
      'plan',
      '--policy',
      'nightly',
      '--file',
      file,
      '--json',
      '--at',
      '2026-11-28T03:00Z',
    ]);
    expect(out.code, out.stderr).toBe(0);
    const [policy] = JSON.parse(out.stdout).policies;
    expect(policy.clusters[0].wouldDelete).toEqual([
      { snapshotId: 'nightly-orders-20261126-0300', reason: 'kept by no rule (keepLast 2)' },
      { snapshotId: 'nightly-orders-20261125-0300', reason: 'kept by no rule (keepLast 2)' },
    ]);
    expect(world.emu.callCount('rds:DeleteDBClusterSnapshot')).toBe(0);
  });
});

// Seam: `docdb-backup status` with disaster-recovery copies against the emulator over real HTTP: copy jobs
// written to the results table by the reconciler's own store (DynamoCopyJobStore.open/transition), read
// back per cluster with one Query each (ResultsReader.latestCopies), shown per destination in text and
// JSON, and a destination without a copy or with a failed newest copy makes the exit code 1.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCopyJobStore } from '../../../shared/aws/results-table/index.js';
import type { CopyChange, CopyJob } from '../../../shared/planning/copies.js';
import { fakeClock } from '../../support/fakes.js';
import { type CliWorld, cli, ownedBy, resetCliWorld, startCliWorld, writePolicies } from './support.js';

const POLICIES = `version: 1
policies:
  - name: nightly
    schedule: cron(0 3 * * ? *)
    regions: [us-east-1]
    clusters:
      identifiers: [orders, payments, ledger]
    retention: { keepLast: 7 }
    copies:
      - region: us-west-2
      - account: "444455556666"
        region: eu-west-1
        roleArn: arn:aws:iam::444455556666:role/docdb-backup-copier
        externalId: docdb-backup-7f3a9c
`;

const NOW = '2026-11-28T09:00Z';
const WEST = { region: 'us-west-2' };
const DR = { region: 'eu-west-1', account: '444455556666' };

const snapshot = (cluster: string, slot: string) => ({
  id: `nightly-${cluster}-${slot.slice(0, 10).replaceAll('-', '')}-${slot.slice(11, 13)}${slot.slice(14, 16)}`,
  clusterId: cluster,
  createdAt: `${slot.slice(0, 16)}:40Z`,
  tags: ownedBy('nightly', slot),
});

const FLEET = {
  regions: {
    'us-east-1': {
      clusters: [{ id: 'orders' }, { id: 'payments' }, { id: 'ledger' }],
      snapshots: [
        snapshot('orders', '2026-11-28T03:00Z'),
        snapshot('payments', '2026-11-28T03:00Z'),
        snapshot('ledger', '2026-11-27T03:00Z'),
        snapshot('ledger', '2026-11-28T03:00Z'),
      ],
    },
  },
};

/** A copy job as the reconciler opens it when the backup of `slot` became available (20 minutes later). */
function opened(clusterId: string, slot: string, destination: CopyJob['destination']): CopyJob {
  const at = new Date(slot);
  return {
    policy: 'nightly',
    scheduledAt: at.toISOString(),
    clusterId,
    source: { region: 'us-east-1' },
    snapshotId: snapshot(clusterId, slot).id,
    destination,
    state: 'waiting',
    step: 0,
    requestedAt: new Date(at.getTime() + 20 * 60_000).toISOString(),
  };
}

const started = (at: string): CopyChange => ({ state: 'copying', step: 0, startedAt: at });

let world: CliWorld;
let file: string;
let dynamo: DynamoDBClient;
beforeAll(async () => {
  world = await startCliWorld();
  await resetCliWorld(world, FLEET);
  file = writePolicies(world, POLICIES);
  dynamo = new DynamoDBClient({
    endpoint: world.emu.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEMULATOR', secretAccessKey: 'emulator' },
  });
  const store = new DynamoCopyJobStore(dynamo, world.service.table, { clock: fakeClock() });
  const jobs = {
    ordersWest: opened('orders', '2026-11-28T03:00Z', WEST),
    ordersDr: opened('orders', '2026-11-28T03:00Z', DR),
    paymentsWest: opened('payments', '2026-11-28T03:00Z', WEST),
    ledgerWestOld: opened('ledger', '2026-11-27T03:00Z', WEST),
    ledgerDrOld: opened('ledger', '2026-11-27T03:00Z', DR),
    ledgerDr: opened('ledger', '2026-11-28T03:00Z', DR),
  };
  await store.open(Object.values(jobs));
  // orders: available in us-west-2, still copying to the DR account.
  await store.transition(jobs.ordersWest, started('2026-11-28T03:21:00.000Z'));
  await store.transition(
    { ...jobs.ordersWest, state: 'copying' },
    { state: 'available', completedAt: '2026-11-28T03:50:00.000Z' },
  );
  await store.transition(jobs.ordersDr, started('2026-11-28T03:22:00.000Z'));
  // payments: its copy to us-west-2 failed; none to the DR account.
  await store.transition(jobs.paymentsWest, {
    state: 'failed',
    completedAt: '2026-11-28T03:30:00.000Z',
    error: {
      code: 'kms-misconfigured',
      message: 'Must specify new KMS key for cross region encrypted snapshot copy',
    },
  });
  // ledger: yesterday's copy in us-west-2 (today's not opened yet), today's in the DR account.
  for (const done of [jobs.ledgerWestOld, jobs.ledgerDrOld, jobs.ledgerDr])
    await store.transition(done, { state: 'available', completedAt: done.requestedAt });
});
afterAll(async () => {
  dynamo.destroy();
  await world.emu.stop();
});

describe('docdb-backup status with copies', () => {
  it('shows the latest copy per cluster and destination, explains each problem and exits 1', async () => {
    const queries = world.emu.callCount('dynamodb:Query');

    const out = await cli(world, ['status', '--file', file, '--at', NOW]);

    expect(out.code, out.stderr).toBe(1);
    expect(out.stdout).toBe(
      [
        'nightly  cron(0 3 * * ? *)  overdue after 1d 6h',
        '  REGION     CLUSTER   STATE  NEWEST SNAPSHOT      AGE  LAST RESULT  LATEST JOB',
        '  us-east-1  ledger    ok     2026-11-28 03:00  5h 59m  -            -',
        '  us-east-1  orders    ok     2026-11-28 03:00  5h 59m  -            -',
        '  us-east-1  payments  ok     2026-11-28 03:00  5h 59m  -            -',
        '  CLUSTER   DESTINATION             LATEST COPY                  AGE  SNAPSHOT',
        '  ledger    us-west-2               available (behind)         1d 5h  nightly-ledger-20261127-0300',
        '  ledger    444455556666/eu-west-1  available                 5h 40m  nightly-ledger-20261128-0300',
        '  orders    us-west-2               available                 5h 40m  nightly-orders-20261128-0300',
        '  orders    444455556666/eu-west-1  copying                   5h 40m  nightly-orders-20261128-0300',
        '  payments  us-west-2               failed kms-misconfigured  5h 40m  nightly-payments-20261128-0300',
        '  payments  444455556666/eu-west-1  none                           -  -',
        '  · payments → us-west-2: the newest copy (nightly-payments-20261128-0300) failed: kms-misconfigured: Must specify new KMS key for cross region encrypted snapshot copy',
        '  · payments → eu-west-1 of account 444455556666: no copy recorded for this policy',
        '',
        'not all protected: 3 clusters: 3 ok; copies: 2 of 6 current, 1 behind, 1 in flight, 1 failed, 1 none (as of 2026-11-28 09:00 UTC)',
        '',
      ].join('\n'),
    );
    // Per cluster: its last result, its latest job and its copies, one Query each.
    expect(world.emu.callCount('dynamodb:Query') - queries).toBe(9);
  });

  it('gives each cluster row its copies in the policy’s order, every key present, and counts them', async () => {
    const out = await cli(world, ['status', '--file', file, '--at', NOW, '--json']);

    expect(out.code).toBe(1);
    const status = JSON.parse(out.stdout);
    expect(status.ok).toBe(false);
    expect(status.copyCounts).toEqual({ current: 2, behind: 1, inFlight: 1, failed: 1, none: 1 });
    const row = (id: string) => status.clusters.find((c: { clusterId: string }) => c.clusterId === id);
    expect(Object.keys(row('orders'))).toEqual([
      'policy',
      'region',
      'clusterId',
      'state',
      'reason',
      'newestSnapshot',
      'lastResult',
      'latestJob',
      'copies',
      'overdueAfterSeconds',
    ]);
    expect(row('orders').copies).toEqual([
      {
        destination: { region: 'us-west-2', account: null },
        state: 'available',
        snapshotId: 'nightly-orders-20261128-0300',
        scheduledAt: '2026-11-28T03:00:00.000Z',
        completedAt: '2026-11-28T03:50:00.000Z',
        error: null,
        current: true,
        ageSeconds: 20_400,
      },
      {
        destination: { region: 'eu-west-1', account: '444455556666' },
        state: 'copying',
        snapshotId: 'nightly-orders-20261128-0300',
        scheduledAt: '2026-11-28T03:00:00.000Z',
        completedAt: null,
        error: null,
        current: false,
        ageSeconds: 20_400,
      },
    ]);
    expect(row('payments').copies.map((c: { state: string | null }) => c.state)).toEqual(['failed', null]);
    expect(row('payments').copies[0].error).toEqual({
      code: 'kms-misconfigured',
      message: 'Must specify new KMS key for cross region encrypted snapshot copy',
    });
    expect(row('ledger').copies.map((c: { current: boolean }) => c.current)).toEqual([false, true]);
  });

  it('leaves copies out, with a note, without the results table', async () => {
    const out = await cli(world, ['status', '--file', file, '--at', NOW, '--json'], {
      env: { RESULTS_TABLE: undefined },
    });

    const status = JSON.parse(out.stdout);
    expect(status.clusters.map((c: { copies: unknown }) => c.copies)).toEqual([null, null, null]);
    expect(status.notes).toEqual([
      'RESULTS_TABLE is not set: last results, backup jobs and copies not shown',
    ]);
    expect(out.code).toBe(0);
  });
});

// Seam: fault injection (FaultConfig via setFaults) as the real SDK v3 clients experience it — busy and
// stuck clusters, throttling, server errors, latency, failed PutEvents entries — and the call counters.
import {
  CreateDBClusterSnapshotCommand,
  DescribeDBClustersCommand,
  InvalidDBClusterStateFault,
} from '@aws-sdk/client-docdb';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { EmulatorConfigError } from '../../../local/errors.js';
import { rejectionOf, useEmulator } from './support.js';

const t = useEmulator();

function seedOrders(): void {
  t.emu.seed({ regions: { 'us-east-1': { clusters: [{ id: 'orders' }, { id: 'billing' }] } } });
}

const snapshot = (id: string, cluster = 'orders') =>
  new CreateDBClusterSnapshotCommand({ DBClusterIdentifier: cluster, DBClusterSnapshotIdentifier: id });

async function statusOf(cluster: string): Promise<string | undefined> {
  const { DBClusters } = await t
    .docdb()
    .send(new DescribeDBClustersCommand({ DBClusterIdentifier: cluster }));
  return DBClusters?.[0]?.Status;
}

describe('cluster faults', () => {
  it('keeps a cluster backing-up for the next N snapshot attempts, then lets the snapshot through', async () => {
    seedOrders();
    t.emu.setFaults({ clusters: { orders: { busyForAttempts: 2 } } });
    const docdb = t.docdb();

    const statusBefore = await statusOf('orders');
    const first = await rejectionOf(docdb.send(snapshot('s1')));
    const second = await rejectionOf(docdb.send(snapshot('s1')));
    const statusAfter = await statusOf('orders');
    const third = await docdb.send(snapshot('s1'));

    expect(statusBefore).toBe('backing-up');
    expect(first).toBeInstanceOf(InvalidDBClusterStateFault);
    expect(second).toBeInstanceOf(InvalidDBClusterStateFault);
    expect(statusAfter).toBe('available');
    expect(third.DBClusterSnapshot?.Status).toBe('creating');
    expect(await statusOf('billing')).toBe('available');
  });

  it('keeps a stopped cluster stopped: every attempt fails', async () => {
    seedOrders();
    t.emu.setFaults({ clusters: { orders: { status: 'stopped' } } });
    const docdb = t.docdb();

    const attempts = await Promise.all([1, 2, 3].map((i) => rejectionOf(docdb.send(snapshot(`s${i}`)))));

    expect(attempts.every((error) => error instanceof InvalidDBClusterStateFault)).toBe(true);
    expect(await statusOf('orders')).toBe('stopped');
  });

  it('limits a cluster fault to one Region when asked', async () => {
    t.emu.seed({
      regions: {
        'us-east-1': { clusters: [{ id: 'orders' }] },
        'eu-west-1': { clusters: [{ id: 'orders' }] },
      },
    });
    t.emu.setFaults({ clusters: { orders: { status: 'stopped', region: 'eu-west-1' } } });

    const virginia = await t.docdb().send(snapshot('s1'));
    const dublin = await rejectionOf(t.docdb({ region: 'eu-west-1' }).send(snapshot('s1')));

    expect(virginia.DBClusterSnapshot).toBeDefined();
    expect(dublin).toBeInstanceOf(InvalidDBClusterStateFault);
  });
});

describe('call faults', () => {
  it('throttles every k-th call with Throttling (400, "Rate exceeded")', async () => {
    seedOrders();
    t.emu.setFaults({ throttleEvery: 2 });
    const docdb = t.docdb({ maxAttempts: 1 });

    const first = await docdb.send(new DescribeDBClustersCommand({}));
    const second = await rejectionOf(docdb.send(new DescribeDBClustersCommand({})));

    expect(first.DBClusters).toHaveLength(2);
    expect(second.name).toBe('Throttling');
    expect(second.message).toBe('Rate exceeded');
    expect(second.$metadata.httpStatusCode).toBe(400);
  });

  it('throttles only the configured action', async () => {
    seedOrders();
    t.emu.setFaults({ actions: { 'rds:CreateDBClusterSnapshot': { throttleFirst: 1 } } });
    const docdb = t.docdb();

    const describeClusters = await docdb.send(new DescribeDBClustersCommand({}));
    const throttled = await rejectionOf(docdb.send(snapshot('s1')));
    const created = await docdb.send(snapshot('s1'));

    expect(describeClusters.DBClusters).toHaveLength(2);
    expect(throttled.name).toBe('Throttling');
    expect(created.DBClusterSnapshot).toBeDefined();
  });

  it('draws throttleRate from the seeded PRNG: the same seed throttles the same calls', async () => {
    seedOrders();
    const docdb = t.docdb();
    const pattern = async (): Promise<boolean[]> => {
      const outcomes: boolean[] = [];
      for (let i = 0; i < 20; i++) {
        outcomes.push(
          await docdb.send(new DescribeDBClustersCommand({})).then(
            () => true,
            () => false,
          ),
        );
      }
      return outcomes;
    };

    t.emu.setFaults({ seed: 42, throttleRate: 0.5 });
    const firstRun = await pattern();
    t.emu.setFaults({ seed: 42, throttleRate: 0.5 });
    const secondRun = await pattern();

    expect(secondRun).toEqual(firstRun);
    expect(firstRun).toContain(true);
    expect(firstRun).toContain(false);
  });

  it('answers server errors as InternalFailure (500) or ServiceUnavailable (503)', async () => {
    seedOrders();
    const docdb = t.docdb();

    t.emu.setFaults({ serverErrorFirst: 1 });
    const internal = await rejectionOf(docdb.send(new DescribeDBClustersCommand({})));
    t.emu.setFaults({ serverErrorFirst: 1, serverErrorStatus: 503 });
    const unavailable = await rejectionOf(docdb.send(new DescribeDBClustersCommand({})));

    expect(internal).toMatchObject({
      name: 'InternalFailure',
      $fault: 'server',
      $metadata: { httpStatusCode: 500 },
    });
    expect(unavailable).toMatchObject({ name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } });
  });

  it('adds latencyMs to every call', async () => {
    seedOrders();
    t.emu.setFaults({ latencyMs: 25 });

    const started = performance.now();
    await t.docdb().send(new DescribeDBClustersCommand({}));

    expect(performance.now() - started).toBeGreaterThanOrEqual(24);
  });

  it('counts every call per action, faulted ones included', async () => {
    seedOrders();
    t.emu.setFaults({ clusters: { orders: { busyForAttempts: 1 } } });
    const docdb = t.docdb();

    await rejectionOf(docdb.send(snapshot('s1')));
    await docdb.send(snapshot('s1'));
    await docdb.send(new DescribeDBClustersCommand({}));

    expect(t.emu.state().calls).toEqual({ 'rds:CreateDBClusterSnapshot': 2, 'rds:DescribeDBClusters': 1 });
    expect(t.emu.callCount('rds:CreateDBClusterSnapshot')).toBe(2);
  });

  it('refuses a fault configuration it does not understand, naming the key', () => {
    expect(() => t.emu.setFaults({ throttleRate: 2 })).toThrow(EmulatorConfigError);
    expect(() => t.emu.setFaults({ throtleRate: 0.1 } as never)).toThrow(/throtleRate/);
  });
});

describe('PutEvents entry failures', () => {
  const entries = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      Source: 'docdb-backup',
      DetailType: 'SnapshotResult',
      Detail: JSON.stringify({ i }),
    }));

  it('fails the first `count` entries of each call with InternalFailure and records the rest', async () => {
    t.emu.setFaults({ putEventsFailEntries: { count: 2 } });

    const result = await t.events().send(new PutEventsCommand({ Entries: entries(5) }));

    expect(result.FailedEntryCount).toBe(2);
    expect(result.Entries?.slice(0, 2)).toEqual([
      { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal Service Failure' },
      { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal Service Failure' },
    ]);
    expect(result.Entries?.slice(2).every((entry) => entry.EventId)).toBe(true);
    expect(t.emu.recordedEvents().map((event) => event.detail)).toEqual([{ i: 2 }, { i: 3 }, { i: 4 }]);
  });

  it('stops failing entries after `forCalls` calls, so a retry of the failed entries succeeds', async () => {
    t.emu.setFaults({ putEventsFailEntries: { count: 10, forCalls: 1 } });
    const events = t.events();

    const first = await events.send(new PutEventsCommand({ Entries: entries(3) }));
    const retry = await events.send(new PutEventsCommand({ Entries: entries(3) }));

    expect(first.FailedEntryCount).toBe(3);
    expect(retry.FailedEntryCount).toBe(0);
  });

  it('fails entries at `rate` reproducibly for a seed', async () => {
    const run = async () => {
      t.emu.setFaults({ seed: 7, putEventsFailEntries: { rate: 0.5 } });
      const result = await t.events().send(new PutEventsCommand({ Entries: entries(10) }));
      return result.Entries?.map((entry) => entry.ErrorCode ?? 'ok');
    };

    const first = await run();
    const second = await run();

    expect(second).toEqual(first);
    expect(first).toContain('InternalFailure');
    expect(first).toContain('ok');
  });
});

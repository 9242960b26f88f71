// Seam: the emulator's token-bucket throttle (FaultConfig `throttle`) as real SDK v3 clients meet it over
// HTTP — burst, refill on the emulator's clock, one bucket per account, Region and action (or `rds:*` for
// the others) — and the exact Query wire answer AWS gives a throttled DocumentDB call.
// Rates are tiny (one token per 1000 s or slower) so that the seconds a test takes never refill a token:
// only advanceClock does, and every outcome is deterministic.
import {
  CreateDBClusterSnapshotCommand,
  DescribeDBClustersCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-docdb';
import { describe, expect, it } from 'vitest';
import { EmulatorConfigError } from '../../../local/errors.js';
import { rejectionOf, useEmulator } from './support.js';

const t = useEmulator({ accessKeys: { AKIDOTHER: '210987654321' } });

/** One token per 1000 s: nothing refills while a test runs. */
const SLOW = 0.001;
const TOKEN_MS = 1_000_000;

function seedOrders(regions = ['us-east-1']): void {
  const clusters = [{ id: 'orders' }, { id: 'billing' }];
  t.emu.seed({ regions: Object.fromEntries(regions.map((region) => [region, { clusters }])) });
}

const listClusters = () => new DescribeDBClustersCommand({});
const snapshot = (id: string) =>
  new CreateDBClusterSnapshotCommand({ DBClusterIdentifier: 'orders', DBClusterSnapshotIdentifier: id });

/** 'ok' or the SDK error's name, for each call in order. */
async function outcomes(calls: Array<() => Promise<unknown>>): Promise<string[]> {
  const seen: string[] = [];
  for (const call of calls) {
    seen.push(
      await call().then(
        () => 'ok',
        (error: Error) => error.name,
      ),
    );
  }
  return seen;
}

describe('token-bucket throttle', () => {
  it('lets a burst through, then answers Throttling (HTTP 400, "Rate exceeded") as the SDK names it', async () => {
    seedOrders();
    t.emu.setFaults({ throttle: { 'rds:DescribeDBClusters': { rate: SLOW, burst: 3 } } });
    const docdb = t.docdb();

    const burst = await outcomes([1, 2, 3].map(() => () => docdb.send(listClusters())));
    const next = await rejectionOf(docdb.send(listClusters()));

    expect(burst).toEqual(['ok', 'ok', 'ok']);
    expect(next.name).toBe('Throttling');
    expect(next.message).toBe('Rate exceeded');
    expect(next.$metadata.httpStatusCode).toBe(400);
    expect(next).toMatchObject({ $fault: 'client' });
  });

  it('answers the Query error body AWS sends: Type Sender, Code Throttling, a RequestId', async () => {
    t.emu.setFaults({ throttle: { 'rds:DescribeDBClusters': { rate: SLOW, burst: 1 } } });
    const call = () =>
      fetch(t.emu.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'Action=DescribeDBClusters&Version=2014-10-31',
      });

    await call();
    const throttled = await call();
    const body = await throttled.text();

    expect(throttled.status).toBe(400);
    expect(body).toMatch(
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<ErrorResponse xmlns="http:\/\/rds\.amazonaws\.com\/doc\/2014-10-31\/"><Error><Type>Sender<\/Type><Code>Throttling<\/Code><Message>Rate exceeded<\/Message><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>$/,
    );
    expect(throttled.headers.get('x-amzn-requestid')).toBe(/<RequestId>(.*)<\/RequestId>/.exec(body)?.[1]);
  });

  it('refills at `rate` tokens per second on the emulator clock, never above `burst`, and a throttled call takes none', async () => {
    seedOrders();
    t.emu.setFaults({ throttle: { 'rds:DescribeDBClusters': { rate: SLOW, burst: 2 } } });
    const docdb = t.docdb();
    const call = () => docdb.send(listClusters());

    const drained = await outcomes([call, call, call, call]);
    t.emu.advanceClock(1.5 * TOKEN_MS);
    const afterOneAndAHalfTokens = await outcomes([call, call]);
    t.emu.advanceClock(0.5 * TOKEN_MS);
    const afterTheOtherHalf = await outcomes([call, call]);
    t.emu.advanceClock(10 * TOKEN_MS);
    const afterALongQuiet = await outcomes([call, call, call]);

    expect(drained).toEqual(['ok', 'ok', 'Throttling', 'Throttling']);
    expect(afterOneAndAHalfTokens).toEqual(['ok', 'Throttling']);
    expect(afterTheOtherHalf).toEqual(['ok', 'Throttling']);
    expect(afterALongQuiet).toEqual(['ok', 'ok', 'Throttling']);
  });

  it("keeps an action's own bucket apart from the `rds:*` bucket that every other action shares", async () => {
    seedOrders();
    t.emu.setFaults({
      throttle: {
        'rds:CreateDBClusterSnapshot': { rate: SLOW, burst: 1 },
        'rds:*': { rate: SLOW, burst: 2 },
      },
    });
    const docdb = t.docdb();
    const { DBClusters } = await docdb.send(listClusters());
    const arn = DBClusters?.[0]?.DBClusterArn ?? '';
    const tags = () => docdb.send(new ListTagsForResourceCommand({ ResourceName: arn }));

    const creates = await outcomes([() => docdb.send(snapshot('s1')), () => docdb.send(snapshot('s2'))]);
    const others = await outcomes([tags, () => docdb.send(listClusters())]);

    expect(creates).toEqual(['ok', 'Throttling']);
    // DescribeDBClusters above took the first `rds:*` token, ListTagsForResource the second.
    expect(others).toEqual(['ok', 'Throttling']);
  });

  it('gives every Region and every account its own bucket, and counts calls per Region', async () => {
    seedOrders(['us-east-1', 'eu-west-1']);
    t.emu.setFaults({ throttle: { 'rds:*': { rate: SLOW, burst: 1 } } });
    const virginia = t.docdb();
    const dublin = t.docdb({ region: 'eu-west-1' });
    const otherAccount = t.docdb({ accessKeyId: 'AKIDOTHER' });

    const seen = await outcomes([
      () => virginia.send(listClusters()),
      () => virginia.send(listClusters()),
      () => dublin.send(listClusters()),
      () => dublin.send(listClusters()),
      () => otherAccount.send(listClusters()),
      () => otherAccount.send(listClusters()),
    ]);

    expect(seen).toEqual(['ok', 'Throttling', 'ok', 'Throttling', 'ok', 'Throttling']);
    expect(t.emu.state().callsByRegion).toEqual({
      'us-east-1': { 'rds:DescribeDBClusters': 4 },
      'eu-west-1': { 'rds:DescribeDBClusters': 2 },
    });
  });

  it('leaves actions without a bucket alone and counts throttled answers per action', async () => {
    seedOrders();
    t.emu.setFaults({ throttle: { 'rds:CreateDBClusterSnapshot': { rate: SLOW, burst: 1 } } });
    const docdb = t.docdb();

    const seen = await outcomes([
      () => docdb.send(snapshot('s1')),
      () => docdb.send(snapshot('s2')),
      () => docdb.send(snapshot('s3')),
      ...[1, 2, 3].map(() => () => docdb.send(listClusters())),
    ]);

    expect(seen).toEqual(['ok', 'Throttling', 'Throttling', 'ok', 'ok', 'ok']);
    expect(t.emu.throttledCount('rds:CreateDBClusterSnapshot')).toBe(2);
    expect(t.emu.callCount('rds:CreateDBClusterSnapshot')).toBe(3);
    expect(t.emu.state().throttled).toEqual({ 'rds:CreateDBClusterSnapshot': 2 });
    expect(t.emu.state().faults.throttleBuckets).toEqual({
      '123456789012/us-east-1/rds:CreateDBClusterSnapshot': expect.closeTo(0, 3),
    });
  });

  it('starts every bucket full again when the faults are set again', async () => {
    seedOrders();
    const faults = { throttle: { 'rds:DescribeDBClusters': { rate: SLOW, burst: 1 } } };
    const docdb = t.docdb();

    t.emu.setFaults(faults);
    const first = await outcomes([() => docdb.send(listClusters()), () => docdb.send(listClusters())]);
    t.emu.setFaults(faults);
    const again = await outcomes([() => docdb.send(listClusters())]);

    expect(first).toEqual(['ok', 'Throttling']);
    expect(again).toEqual(['ok']);
  });

  it('is set through POST /_emulator/faults like every other fault', async () => {
    seedOrders();
    const set = await fetch(`${t.emu.url}/_emulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ throttle: { 'rds:*': { rate: SLOW, burst: 1 } } }),
    });
    const docdb = t.docdb();

    const seen = await outcomes([() => docdb.send(listClusters()), () => docdb.send(listClusters())]);

    expect(set.status).toBe(200);
    expect(seen).toEqual(['ok', 'Throttling']);
  });

  it('refuses a bucket without a positive rate or whole burst, or with a key it does not know, naming it', () => {
    expect(() => t.emu.setFaults({ throttle: { 'rds:*': { rate: 0, burst: 1 } } })).toThrow(
      EmulatorConfigError,
    );
    expect(() => t.emu.setFaults({ throttle: { 'rds:*': { rate: 1, burst: 0.5 } } })).toThrow(/burst/);
    expect(() => t.emu.setFaults({ throttle: { CreateDBClusterSnapshot: { rate: 1, burst: 1 } } })).toThrow(
      /throttle\.CreateDBClusterSnapshot/,
    );
    expect(() => t.emu.setFaults({ throttle: { 'rds:*': { rate: 1, brust: 1 } } } as never)).toThrow(/brust/);
  });
});

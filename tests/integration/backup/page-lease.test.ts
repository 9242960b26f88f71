// Seam (found in review, now a regression test): a page's send may never outlast its claim's lease, even
// when the claim itself answered late: otherwise a run taking the expired claim over pages a second time.
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoResultStore } from '../../../shared/aws/dynamodb.js';
import type { Alert, DocdbPort, ResultStore, RunSummary } from '../../../shared/backup/ports.js';
import { pageOnce } from '../../../shared/backup/report.js';
import { memoryLog, policy } from '../../support/fakes.js';
import { resetWorld, startWorld, type World } from './support.js';

const SLOT = '2026-11-28T03:00:00.000Z';
let world: World;
let client: DynamoDBClient;

beforeAll(async () => {
  world = await startWorld();
  client = new DynamoDBClient({
    endpoint: world.emu.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
  });
});
afterAll(async () => {
  client.destroy();
  await world.emu.stop();
});
beforeEach(async () => {
  await resetWorld(world, {});
});

const summary: RunSummary = {
  policy: 'nightly',
  scheduledAt: SLOT,
  results: [
    {
      region: 'us-east-1',
      clusterId: 'orders',
      outcome: 'failed',
      attempts: 1,
      durationMs: 1,
      error: { code: 'cluster-busy', message: 'busy' },
    },
  ],
  deletions: [],
};

const clock = { now: () => Date.now(), sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) };
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

function deps(results: ResultStore, send: (alert: Alert, signal?: AbortSignal) => Promise<void>) {
  return {
    docdb: {} as DocdbPort,
    results,
    events: { publish: async () => ({ failed: 0 }) },
    alerter: { send },
    clock,
    log: memoryLog(),
  };
}

describe('review2: the page of a slot', () => {
  it('never sends past its lease when the claim itself was slow (send timeout counts from after the claim)', async () => {
    const store = new DynamoResultStore(client, world.service.table, { clock });
    // The same store, but the claim's answer arrives 1.2 s late (SDK retry / slow network / the
    // tryClaim+GetItem+tryClaim round trips): the lease was computed before the call.
    const slow: ResultStore = Object.assign(Object.create(store), {
      claimAlert: async (...args: Parameters<ResultStore['claimAlert']>) => {
        const held = await store.claimAlert(...args);
        await wait(1_200);
        return held;
      },
    });
    const sent: { who: string; at: number }[] = [];
    let leaseA = 0;
    const request = () => ({
      policy: policy(),
      prefixOwners: [],
      deadline: Date.now() + 60_000,
      pageLeaseMs: 1_500,
    });
    const t0 = Date.now();
    const a = pageOnce(
      deps(slow, async (_alert, signal) => {
        const item = await client.send(
          new GetItemCommand({
            TableName: world.service.table,
            Key: { pk: { S: 'alert#nightly' }, sk: { S: SLOT } },
          }),
        );
        leaseA = Number(item.Item?.leaseUntil?.N);
        await wait(450); // SNS answers in 450 ms: well within the 500 ms the sender was given
        if (signal?.aborted) throw signal.reason;
        sent.push({ who: 'A', at: Date.now() });
      }),
      request(),
      summary,
      [],
    );
    await wait(Math.max(0, t0 + 1_550 - Date.now())); // A's lease has passed; A is still sending
    const b = pageOnce(
      deps(store, async () => void sent.push({ who: 'B', at: Date.now() })),
      request(),
      summary,
      [],
    );
    await Promise.all([a, b]);
    // A sent after its lease had ended, while B (which took the expired claim over) paged too.
    expect(sent.map((s) => s.who)).toEqual([expect.any(String)]); // one page, not A and B
    expect(sent.filter((s) => s.who === 'A' && s.at > leaseA)).toEqual([]);
  }, 15_000);
});

// Seam (found in review, now a regression test): "at most one page per policy and slot" against a sender
// slower than its one-minute lease (report.pageOnce sends on the run's deadline signal, not within the
// lease) and a ledger whose confirm and release ignore who holds the claim (dynamodb.confirmAlert /
// releaseAlert).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoResultStore } from '../../../shared/aws/dynamodb.js';
import type { Alert, DocdbPort, RunSummary } from '../../../shared/backup/ports.js';
import { PAGE_LEASE_MS, pageOnce } from '../../../shared/backup/report.js';
import { fakeClock, memoryLog, policy } from '../../support/fakes.js';
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

describe('the page of a slot', () => {
  it('cuts a sender off at its lease, so a run taking the claim over never pages a second time', async () => {
    const clock = {
      now: () => Date.now(),
      sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
    };
    const store = new DynamoResultStore(client, world.service.table, { clock });
    const sent: string[] = [];
    const hung: string[] = [];
    const deps = (name: string, hangs: boolean) => ({
      docdb: {} as DocdbPort,
      results: store,
      events: { publish: async () => ({ failed: 0 }) },
      alerter: {
        // SNS retrying for longer than the lease: the send only ends when its signal fires.
        send: async (_alert: Alert, signal?: AbortSignal) => {
          if (!hangs) return void sent.push(name);
          hung.push(name);
          await new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason)));
        },
      },
      clock,
      log: memoryLog(),
    });
    const request = () => ({
      policy: policy(),
      prefixOwners: [],
      deadline: Date.now() + 60_000,
      pageLeaseMs: 1_500,
    });
    const a = await pageOnce(deps('A', true), request(), summary, []);
    expect(hung).toEqual(['A']);
    expect(a).toMatchObject({ sent: false, failed: true });
    const b = await pageOnce(deps('B', false), request(), summary, []);
    expect(b).toMatchObject({ sent: true });
    expect(sent).toEqual(['B']);
  });

  it("a sent page stays sent: a taken-over claim's release does not erase the old holder's confirmation", async () => {
    const clock = fakeClock(Date.parse('2026-11-28T03:05:00Z'));
    const store = new DynamoResultStore(client, world.service.table, { clock });
    const a = await store.claimAlert('nightly', SLOT, clock.now() + PAGE_LEASE_MS);
    clock.advance(PAGE_LEASE_MS + 1_000); // A's SNS call is slow
    const b = await store.claimAlert('nightly', SLOT, clock.now() + PAGE_LEASE_MS);
    if (a.state !== 'claimed' || b.state !== 'claimed') throw new Error('expected two claims');
    await store.confirmAlert(a); // A's page went out
    await store.releaseAlert(b); // B's SNS refused: B releases "its" claim and fails for a retry
    expect(await store.claimAlert('nightly', SLOT, clock.now() + PAGE_LEASE_MS)).toEqual({ state: 'sent' });
  });

  it('is not lost when SNS refused it and its claim could not be released: the next run of the slot pages or fails', async () => {
    const clock = fakeClock(Date.parse('2026-11-28T03:05:00Z'));
    const store = new DynamoResultStore(client, world.service.table, { clock });
    const sent: string[] = [];
    const deps = (name: string, fail: boolean) => ({
      docdb: {} as DocdbPort,
      results: {
        ...store,
        claimAlert: store.claimAlert.bind(store),
        confirmAlert: store.confirmAlert.bind(store),
        record: store.record.bind(store),
        recordDeletion: store.recordDeletion.bind(store),
        // DynamoDB blips exactly when the first run releases its claim.
        releaseAlert: fail
          ? async () => Promise.reject(new Error('InternalServerError'))
          : store.releaseAlert.bind(store),
      },
      events: { publish: async () => ({ failed: 0 }) },
      alerter: {
        send: async () => {
          if (fail) throw Object.assign(new Error('SNS down'), { name: 'InternalErrorException' });
          sent.push(name);
        },
      },
      clock,
      log: memoryLog(),
    });
    const request = () => ({ policy: policy(), prefixOwners: [], deadline: clock.now() + 600_000 });
    const first = await pageOnce(deps('A', true), request(), summary, []);
    expect(first).toMatchObject({ sent: false, failed: true }); // the invocation fails: "its retry pages"
    clock.advance(20_000); // the retry (or the operator's `run --at`) comes within the minute's lease
    const retry = await pageOnce(deps('B', false), request(), summary, []);
    expect(sent.length === 1 || retry?.failed === true).toBe(true);
  });
});

// Seam: the page of a slot through report.pageOnce and the real ledger (DynamoDB via the emulator):
// at most one page per policy and slot, never lost: a send is cut off at its claim's lease (counted from
// the lease, even when the claim answered late), only the holder of a claim ends it, and a run that finds
// the page held waits for it or fails so that its retry makes sure. (Regression tests from review.)
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { resultsTable } from '../../../shared/aws/results-table/index.js';
import type { Alert, AlertLedger, DocdbPort } from '../../../shared/backup/ports.js';
import { PAGE_LEASE_MS, pageOnce } from '../../../shared/backup/report.js';
import type { RunSummary } from '../../../shared/backup/results.js';
import { fakeClock, memoryLog, policy } from '../../support/fakes.js';
import { useResultsTable } from './support.js';

const SLOT = '2026-11-28T03:00:00.000Z';
const results = useResultsTable();

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
    const table = resultsTable(results.client, results.name, { clock });
    const sent: string[] = [];
    const hung: string[] = [];
    const deps = (name: string, hangs: boolean) => ({
      docdb: {} as DocdbPort,
      results: table.runs,
      alerts: table.alerts,
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
    const store = resultsTable(results.client, results.name, { clock }).alerts;
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
    const table = resultsTable(results.client, results.name, { clock });
    const store = table.alerts;
    const sent: string[] = [];
    const deps = (name: string, fail: boolean) => ({
      docdb: {} as DocdbPort,
      results: table.runs,
      alerts: {
        claimAlert: store.claimAlert.bind(store),
        confirmAlert: store.confirmAlert.bind(store),
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

const realClock = {
  now: () => Date.now(),
  sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
};
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pagingDeps(alerts: AlertLedger, send: (alert: Alert, signal?: AbortSignal) => Promise<void>) {
  return {
    docdb: {} as DocdbPort,
    results: resultsTable(results.client, results.name, { clock: realClock }).runs,
    alerts,
    events: { publish: async () => ({ failed: 0 }) },
    alerter: { send },
    clock: realClock,
    log: memoryLog(),
  };
}

describe('the page of a slot, when the claim answers late', () => {
  it('never sends past its lease when the claim itself was slow (send timeout counts from after the claim)', async () => {
    const store = resultsTable(results.client, results.name, { clock: realClock }).alerts;
    // The same ledger, but the claim's answer arrives 1.2 s late (SDK retry / slow network / the
    // tryClaim+GetItem+tryClaim round trips): the lease was computed before the call.
    const slow: AlertLedger = {
      claimAlert: async (...args: Parameters<AlertLedger['claimAlert']>) => {
        const held = await store.claimAlert(...args);
        await wait(1_200);
        return held;
      },
      confirmAlert: (claim, signal) => store.confirmAlert(claim, signal),
      releaseAlert: (claim, signal) => store.releaseAlert(claim, signal),
    };
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
      pagingDeps(slow, async (_alert, signal) => {
        const item = await results.client.send(
          new GetItemCommand({
            TableName: results.name,
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
      pagingDeps(store, async () => void sent.push({ who: 'B', at: Date.now() })),
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

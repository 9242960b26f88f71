// Seam: the alert ledger (DynamoAlertLedger's claim / confirm / release) over real HTTP against the
// emulator's DynamoDB: at most one page per policy and slot, and none lost when a sender fails or dies.
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoAlertLedger } from '../../../shared/aws/results-table/index.js';
import { fakeClock } from '../../support/fakes.js';
import { useResultsTable } from './support.js';

const SLOT = '2026-11-28T03:00:00.000Z';
const results = useResultsTable();
const clock = fakeClock(Date.parse('2026-11-28T03:05:00Z'));
const store = () => new DynamoAlertLedger(results.client, results.name, { clock });

describe('the alert ledger', () => {
  it('gives the page of a slot to one run; others see it in progress, then sent once confirmed', async () => {
    const first = await store().claimAlert('nightly', SLOT, clock.now() + 60_000);
    const second = await store().claimAlert('nightly', SLOT, clock.now() + 60_000);
    expect(first.state).toBe('claimed');
    expect(second).toEqual({ state: 'in-progress', until: clock.now() + 60_000 });
    if (first.state !== 'claimed') throw new Error('unreachable');
    await store().confirmAlert(first);
    expect(await store().claimAlert('nightly', SLOT, clock.now() + 60_000)).toEqual({ state: 'sent' });
    // Another slot or policy is another page.
    expect((await store().claimAlert('nightly', '2026-11-29T03:00:00.000Z', clock.now() + 1)).state).toBe(
      'claimed',
    );
    expect((await store().claimAlert('weekly', SLOT, clock.now() + 1)).state).toBe('claimed');
  });

  it('lets a retry claim the page again when the sender released it (SNS refused)', async () => {
    const first = await store().claimAlert('nightly', SLOT, clock.now() + 60_000);
    if (first.state !== 'claimed') throw new Error('expected a claim');
    await store().releaseAlert(first);
    expect((await store().claimAlert('nightly', SLOT, clock.now() + 60_000)).state).toBe('claimed');
  });

  it('takes over a claim whose holder passed its lease without confirming (it crashed)', async () => {
    await store().claimAlert('nightly', SLOT, clock.now() + 60_000);
    clock.advance(60_001);
    expect((await store().claimAlert('nightly', SLOT, clock.now() + 60_000)).state).toBe('claimed');
  });

  it("never releases another run's claim", async () => {
    const first = await store().claimAlert('nightly', SLOT, clock.now() + 1_000);
    if (first.state !== 'claimed') throw new Error('expected a claim');
    clock.advance(2_000);
    const second = await store().claimAlert('nightly', SLOT, clock.now() + 60_000);
    await store().releaseAlert(first); // too late: the claim is the second run's now
    expect(second.state).toBe('claimed');
    expect(await store().claimAlert('nightly', SLOT, clock.now() + 60_000)).toMatchObject({
      state: 'in-progress',
    });
  });

  it('treats a marker written before claims had a state as sent', async () => {
    await results.client.send(
      new PutItemCommand({
        TableName: results.name,
        Item: { pk: { S: 'alert#nightly' }, sk: { S: SLOT }, alertedAt: { S: SLOT } },
      }),
    );
    expect(await store().claimAlert('nightly', SLOT, clock.now() + 60_000)).toEqual({ state: 'sent' });
  });
});

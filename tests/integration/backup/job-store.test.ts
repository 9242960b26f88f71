// Seam: the job store (DynamoJobStore) over real HTTP against the emulator's DynamoDB: a job is written
// once per policy, slot and cluster, moves only from the state it was read in (two passes at once never
// double a transition), never leaves `available` or `failed`, and open jobs are found through the sparse
// open-jobs index, not a scan.
import { GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoJobStore } from '../../../shared/aws/results-table/index.js';
import type { BackupJob } from '../../../shared/planning/jobs.js';
import { fakeClock } from '../../support/fakes.js';
import { useResultsTable } from './support.js';

const results = useResultsTable();
const clock = fakeClock(Date.parse('2026-11-28T03:05:00Z'));
const jobs = () => new DynamoJobStore(results.client, results.name, { clock });

const job = (clusterId: string, extra: Partial<BackupJob> = {}): BackupJob => ({
  policy: 'nightly',
  scheduledAt: '2026-11-28T03:00:00.000Z',
  region: 'us-east-1',
  clusterId,
  snapshotId: `nightly-${clusterId}-20261128-0300`,
  state: 'creating',
  requestedAt: '2026-11-28T03:00:04.000Z',
  startedAt: '2026-11-28T03:00:05.000Z',
  ...extra,
});

describe('the job store', () => {
  it('writes a job once: a retried run of the slot does not replace it', async () => {
    expect(await jobs().put(job('orders'))).toBe(true);
    expect(await jobs().put(job('orders', { state: 'pending', startedAt: undefined }))).toBe(false);
    expect(await jobs().listFollowed('nightly')).toEqual([job('orders')]);
  });

  it('moves a job from the state it was read in, once, when two passes race', async () => {
    await jobs().put(job('orders'));
    const [read] = await jobs().listFollowed('nightly');
    if (!read) throw new Error('expected the open job');
    const change = { state: 'available' as const, completedAt: '2026-11-28T03:20:00.000Z' };
    const moved = await Promise.all([jobs().transition(read, change), jobs().transition(read, change)]);
    expect(moved.sort()).toEqual([false, true]);
    // A pass that read it as `creating` before the move cannot fail it afterwards.
    const failure = { code: 'snapshot-failed' as const, message: 'gone' };
    expect(await jobs().transition(read, { state: 'failed', error: failure })).toBe(false);
    const item = await results.client.send(
      new GetItemCommand({
        TableName: results.name,
        Key: { pk: { S: 'job#us-east-1#orders' }, sk: { S: '2026-11-28T03:00:00.000Z#nightly' } },
      }),
    );
    expect(item.Item?.state?.S).toBe('available');
    expect(item.Item?.completedAt?.S).toBe('2026-11-28T03:20:00.000Z');
    expect(item.Item?.errorCode).toBeUndefined();
  });

  it('never reopens a finished job, whatever the caller asks', async () => {
    await jobs().put(job('orders'));
    const done = { ...job('orders'), state: 'available' as const };
    await expect(jobs().transition(done, { state: 'creating' })).rejects.toThrow(
      /cannot move from available to creating/,
    );
    await expect(jobs().transition(job('orders'), { state: 'pending' })).rejects.toThrow(
      /cannot move from creating to pending/,
    );
    await expect(jobs().put({ ...job('orders'), state: 'failed' })).rejects.toThrow(
      /starts pending or creating/,
    );
  });

  it('lists only the open jobs of the policy, oldest slot first, and drops finished ones from the index', async () => {
    const later = { scheduledAt: '2026-11-29T03:00:00.000Z', snapshotId: 'nightly-orders-20261129-0300' };
    await jobs().put(job('orders', later));
    await jobs().put(job('orders'));
    await jobs().put(job('billing', { state: 'pending', startedAt: undefined }));
    await jobs().put(job('orders', { policy: 'weekly', snapshotId: 'weekly-orders-20261128-0300' }));
    await jobs().put(job('ledger', { account: '210987654321', region: 'eu-west-1' }));
    await jobs().transition(job('orders'), { state: 'available', completedAt: '2026-11-28T03:30:00.000Z' });

    const open = await jobs().listFollowed('nightly');
    expect(open.map((j) => [j.scheduledAt, j.account ?? 'own', j.region, j.clusterId, j.state])).toEqual([
      ['2026-11-28T03:00:00.000Z', '210987654321', 'eu-west-1', 'ledger', 'creating'],
      ['2026-11-28T03:00:00.000Z', 'own', 'us-east-1', 'billing', 'pending'],
      ['2026-11-29T03:00:00.000Z', 'own', 'us-east-1', 'orders', 'creating'],
    ]);
    // The finished job is kept (the audit trail) but no longer carries the index's keys.
    const items = (await results.client.send(new ScanCommand({ TableName: results.name }))).Items ?? [];
    const finished = items.find((i) => i.state?.S === 'available');
    expect(finished).toBeDefined();
    expect(finished?.openPolicy).toBeUndefined();
    expect(finished?.openSk).toBeUndefined();
  });

  it('records why a job failed', async () => {
    await jobs().put(job('orders'));
    const error = { code: 'snapshot-failed' as const, message: 'the snapshot ended failed' };
    const completedAt = '2026-11-28T04:00:00.000Z';
    expect(await jobs().transition(job('orders'), { state: 'failed', error, completedAt })).toBe(true);
    // A failed job stays followed until its page is confirmed.
    expect((await jobs().listFollowed('nightly')).map((j) => j.state)).toEqual(['failed']);
    const item = await results.client.send(
      new GetItemCommand({
        TableName: results.name,
        Key: { pk: { S: 'job#us-east-1#orders' }, sk: { S: '2026-11-28T03:00:00.000Z#nightly' } },
      }),
    );
    expect(item.Item).toMatchObject({
      state: { S: 'failed' },
      errorCode: { S: 'snapshot-failed' },
      errorMessage: { S: 'the snapshot ended failed' },
      completedAt: { S: completedAt },
    });
  });

  it('gives the page of a failed job to one pass, and stops following it once the page is confirmed', async () => {
    await jobs().put(job('orders'));
    const failure = { code: 'snapshot-failed' as const, message: 'ended failed' };
    await jobs().transition(job('orders'), { state: 'failed', error: failure, completedAt: 'x' });
    const [failed] = await jobs().listFollowed('nightly');
    if (!failed) throw new Error('expected the failed job');
    const lease = clock.now() + 60_000;
    // Two passes at once: one claim wins; an open job has no page to claim.
    const claims = await Promise.all([
      jobs().claimPage(failed, 'A', lease),
      jobs().claimPage(failed, 'B', lease),
    ]);
    const holder = claims[0] ? 'A' : 'B';
    expect([...claims].sort()).toEqual([false, true]);
    await jobs().put(job('billing'));
    expect(await jobs().claimPage(job('billing'), 'A', lease)).toBe(false);
    // Only the holder's token confirms.
    await jobs().confirmPage(failed, holder === 'A' ? 'B' : 'A');
    expect((await jobs().listFollowed('nightly')).map((j) => j.clusterId)).toContain('orders');
    await jobs().confirmPage(failed, holder);
    expect((await jobs().listFollowed('nightly')).map((j) => j.clusterId)).toEqual(['billing']);
    expect(await jobs().claimPage(failed, 'C', clock.now() + 60_000)).toBe(false);
  });

  it('lets a later pass take over a page claim whose holder passed its lease, and page a released one', async () => {
    await jobs().put(job('orders'));
    await jobs().transition(job('orders'), {
      state: 'failed',
      error: { code: 'snapshot-failed', message: 'x' },
    });
    const failed = { ...job('orders'), state: 'failed' as const };
    expect(await jobs().claimPage(failed, 'A', clock.now() + 1_000)).toBe(true);
    expect(await jobs().claimPage(failed, 'B', clock.now() + 60_000)).toBe(false);
    clock.advance(2_000);
    expect(await jobs().claimPage(failed, 'B', clock.now() + 60_000)).toBe(true);
    await jobs().releasePage(failed, 'A'); // A's late release changes nothing: B holds it
    expect(await jobs().claimPage(failed, 'C', clock.now() + 60_000)).toBe(false);
    await jobs().releasePage(failed, 'B'); // SNS refused B's page: the next pass may page it
    expect(await jobs().claimPage(failed, 'C', clock.now() + 60_000)).toBe(true);
  });
});

// Seam: the pure job rules (shared/planning/jobs.ts) with plain data: what a reconcile pass does to a job
// given its snapshot's state, its windows and the time, and the transition it records.
import { describe, expect, it } from 'vitest';
import {
  type BackupJob,
  completionWindowEndsAt,
  decideCreating,
  moved,
  pendingExpired,
  startWindowEndsAt,
  transitionOf,
} from '../../../shared/planning/jobs.js';

const windows = { startMinutes: 60, completionMinutes: 120 };
const job: BackupJob = {
  policy: 'nightly',
  scheduledAt: '2026-11-28T03:00:00.000Z',
  region: 'us-east-1',
  clusterId: 'orders',
  snapshotId: 'nightly-orders-20261128-0300',
  state: 'creating',
  requestedAt: '2026-11-28T03:00:04.000Z',
  startedAt: '2026-11-28T03:00:10.000Z',
};
const at = (time: string) => new Date(`2026-11-28T${time}Z`);

describe('windows', () => {
  it('counts the start window from the slot and the completion window from when AWS accepted it', () => {
    expect(new Date(startWindowEndsAt(job, windows)).toISOString()).toBe('2026-11-28T04:00:00.000Z');
    expect(new Date(completionWindowEndsAt(job, windows)).toISOString()).toBe('2026-11-28T05:00:10.000Z');
    const { startedAt: _, ...notStarted } = job;
    expect(new Date(completionWindowEndsAt(notStarted, windows)).toISOString()).toBe(
      '2026-11-28T05:00:04.000Z',
    );
  });
});

describe('a creating job', () => {
  it('completes when its snapshot is available', () => {
    expect(decideCreating(job, { status: 'available' }, windows, at('03:20:10'))).toEqual({
      state: 'available',
      completedAt: '2026-11-28T03:20:10.000Z',
    });
  });

  it.each(['failed', 'deleting', 'incompatible-restore'])('fails when its snapshot is %s', (status) => {
    expect(decideCreating(job, { status }, windows, at('03:20:00'))).toMatchObject({
      state: 'failed',
      error: { code: 'snapshot-failed', message: expect.stringContaining(`ended "${status}"`) },
    });
  });

  it('fails when its snapshot is gone', () => {
    expect(decideCreating(job, undefined, windows, at('03:20:00'))).toMatchObject({
      state: 'failed',
      error: { code: 'snapshot-failed', message: expect.stringContaining('no longer exists') },
    });
  });

  it('stays creating inside its completion window, and fails once it closes', () => {
    expect(decideCreating(job, { status: 'creating' }, windows, at('05:00:09'))).toBeUndefined();
    expect(decideCreating(job, { status: 'creating' }, windows, at('05:00:10'))).toMatchObject({
      state: 'failed',
      error: { code: 'completion-window-missed' },
    });
  });
});

describe('a pending job', () => {
  const pending: BackupJob = { ...job, state: 'pending', startedAt: undefined };
  it('waits inside its start window and fails once it closes', () => {
    expect(pendingExpired(pending, windows, at('03:59:59'))).toBeUndefined();
    expect(pendingExpired(pending, windows, at('04:00:00'))).toMatchObject({
      state: 'failed',
      error: { code: 'start-window-missed', message: expect.stringContaining('60 min') },
    });
  });
});

describe('transitions', () => {
  it('records from, to, the error and the time from start to available', () => {
    const change = { state: 'available' as const, completedAt: '2026-11-28T03:20:10.000Z' };
    expect(transitionOf(job, change)).toEqual({
      policy: 'nightly',
      scheduledAt: '2026-11-28T03:00:00.000Z',
      region: 'us-east-1',
      clusterId: 'orders',
      snapshotId: 'nightly-orders-20261128-0300',
      from: 'creating',
      to: 'available',
      durationMs: 20 * 60_000,
    });
    expect(moved(job, change)).toEqual({ ...job, state: 'available', completedAt: change.completedAt });
    const failed = { state: 'failed' as const, error: { code: 'snapshot-failed' as const, message: 'x' } };
    expect(transitionOf({ ...job, account: '210987654321' }, failed)).toMatchObject({
      account: '210987654321',
      to: 'failed',
      error: failed.error,
    });
    expect(transitionOf(job, failed).durationMs).toBeUndefined();
  });
});

// Seam: the text of `status` (cli/commands/status.ts: statusLines, resultText, jobText, jobStatus,
// summaryText) with plain rows: one table per policy, worst state first, the reasons under it, and each
// cluster's latest backup job.
import { describe, expect, it } from 'vitest';
import {
  type ClusterStatus,
  jobStatus,
  jobText,
  resultText,
  statusLines,
  summaryText,
} from '../../../cli/commands/status.js';
import { createStyle } from '../../../cli/style.js';

const plain = createStyle(false);
const policy = {
  name: 'nightly',
  schedule: 'cron(0 3 * * ? *)',
  enabled: true,
  checked: true,
  overdueAfterSeconds: 108_000,
  windows: { startMinutes: 480, completionMinutes: 1440 },
};

function row(
  clusterId: string,
  state: ClusterStatus['state'],
  extra: Partial<ClusterStatus> = {},
): ClusterStatus {
  return {
    policy: 'nightly',
    region: 'us-east-1',
    clusterId,
    state,
    reason: null,
    newestSnapshot: null,
    lastResult: null,
    latestJob: null,
    overdueAfterSeconds: 108_000,
    ...extra,
  };
}

const ok = row('orders', 'ok', {
  newestSnapshot: {
    snapshotId: 'nightly-orders-20261128-0300',
    createdAt: '2026-11-28T03:00:40.000Z',
    ageSeconds: 21_560,
  },
  lastResult: {
    policy: 'nightly',
    scheduledAt: '2026-11-28T03:00:00.000Z',
    region: 'us-east-1',
    clusterId: 'orders',
    outcome: 'created',
    snapshotId: 'nightly-orders-20261128-0300',
    attempts: 1,
    error: null,
    recordedAt: null,
  },
  latestJob: {
    state: 'available',
    snapshotId: 'nightly-orders-20261128-0300',
    scheduledAt: '2026-11-28T03:00:00.000Z',
    requestedAt: '2026-11-28T03:00:01.000Z',
    startedAt: '2026-11-28T03:00:01.000Z',
    completedAt: '2026-11-28T03:20:00.000Z',
    error: null,
    ageSeconds: 21_599,
  },
});

const openJob = (state: 'pending' | 'creating', ageSeconds: number) => ({
  ...(ok.latestJob as NonNullable<ClusterStatus['latestJob']>),
  state,
  completedAt: null,
  ageSeconds,
});

describe('status text', () => {
  it('puts overdue, missing and unknown clusters first and explains each below the table', () => {
    const lines = statusLines(
      policy,
      [
        ok,
        row('*', 'unknown', { region: 'eu-west-1', reason: 'listing DocumentDB clusters: throttled' }),
        row('ledger', 'overdue', {
          reason: 'no available snapshot from this policy',
          latestJob: openJob('pending', 2_400),
        }),
      ],
      plain,
    );

    expect(lines).toEqual([
      'nightly  cron(0 3 * * ? *)  overdue after 1d 6h',
      '  REGION     CLUSTER  STATE    NEWEST SNAPSHOT      AGE  LAST RESULT               LATEST JOB',
      '  us-east-1  ledger   OVERDUE  -                      -  -                         pending 40m of 8h',
      '  eu-west-1  *        unknown  -                      -  -                         -',
      '  us-east-1  orders   ok       2026-11-28 03:00  5h 59m  created 2026-11-28 03:00  available',
      '  · ledger: no available snapshot from this policy',
      '  · eu-west-1: listing DocumentDB clusters: throttled',
    ]);
  });

  it('says when a policy selects nothing, is not checked, or is never overdue', () => {
    expect(statusLines(policy, [], plain)).toEqual([
      'nightly  cron(0 3 * * ? *)  overdue after 1d 6h',
      '  selects no cluster',
    ]);
    expect(statusLines({ ...policy, enabled: false, checked: false }, [], plain)).toEqual([
      'nightly  cron(0 3 * * ? *)  overdue after 1d 6h  disabled: not checked (disabled; name it with --policy to check it)',
    ]);
    expect(statusLines({ ...policy, overdueAfterSeconds: null }, [], plain)[0]).toBe(
      'nightly  cron(0 3 * * ? *)  never overdue',
    );
  });

  it('sums up the states, leaving out those with no cluster', () => {
    expect(summaryText([ok])).toBe('1 cluster: 1 ok');
    expect(summaryText([ok, row('a', 'overdue'), row('b', 'unknown')])).toBe(
      '3 clusters: 1 ok, 1 overdue, 1 unknown',
    );
  });

  it('shows the last result in a few words', () => {
    expect(resultText(null)).toBe('-');
    expect(resultText(ok.lastResult)).toBe('created 2026-11-28 03:00');
    expect(
      resultText({
        ...(ok.lastResult as NonNullable<ClusterStatus['lastResult']>),
        outcome: 'failed',
        error: { code: 'cluster-busy', message: '' },
      }),
    ).toBe('failed cluster-busy 2026-11-28 03:00');
  });

  it('shows the latest job: its state, an open one with its age (pending out of its start window), a failure with its code', () => {
    expect(jobText(null, 480)).toBe('-');
    expect(jobText(openJob('creating', 720), 480)).toBe('creating 12m');
    expect(jobText(openJob('pending', 2_400), 480)).toBe('pending 40m of 8h');
    expect(jobText(ok.latestJob, 480)).toBe('available');
    expect(
      jobText(
        { ...openJob('creating', 0), state: 'failed', error: { code: 'snapshot-failed', message: 'm' } },
        480,
      ),
    ).toBe('failed (snapshot-failed)');
  });

  it('gives a job every key, null for what it lacks, and its age since the request', () => {
    const job = jobStatus(
      {
        policy: 'nightly',
        scheduledAt: '2026-11-28T03:00:00.000Z',
        region: 'us-east-1',
        clusterId: 'orders',
        snapshotId: 'nightly-orders-20261128-0300',
        state: 'pending',
        requestedAt: '2026-11-28T03:00:05.000Z',
      },
      new Date('2026-11-28T03:12:05Z'),
    );

    expect(job).toEqual({
      state: 'pending',
      snapshotId: 'nightly-orders-20261128-0300',
      scheduledAt: '2026-11-28T03:00:00.000Z',
      requestedAt: '2026-11-28T03:00:05.000Z',
      startedAt: null,
      completedAt: null,
      error: null,
      ageSeconds: 720,
    });
  });
});

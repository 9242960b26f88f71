// Seam: cli/progress.ts with plain results: the lines `run` prints per cluster and per retry, and
// the status line a terminal shows while it waits.
import { describe, expect, it } from 'vitest';
import { bufferedOutput } from '../../../cli/io.js';
import { RunProgress, resultLine, retryLine, statusText } from '../../../cli/progress.js';
import { createStyle } from '../../../cli/style.js';

const plain = createStyle(false);
const widths = { region: 9, cluster: 10 };

describe('progress lines', () => {
  it('shows a created snapshot with its id, attempts and time', () => {
    const line = resultLine(
      {
        region: 'us-east-1',
        clusterId: 'orders',
        outcome: 'created',
        snapshotId: 'nightly-orders-20261128-0300',
        attempts: 3,
        durationMs: 31_412,
      },
      widths,
      plain,
    );
    expect(line).toBe(
      '  created         us-east-1  orders      nightly-orders-20261128-0300 (3 attempts, 31.4s)',
    );
  });

  it('shows a pending cluster as busy, with until when the reconciler tries again', () => {
    const line = resultLine(
      {
        region: 'us-east-1',
        clusterId: 'orders',
        outcome: 'pending',
        snapshotId: 'nightly-orders-20261128-0300',
        attempts: 5,
        durationMs: 3_100,
      },
      widths,
      plain,
      new Date('2026-11-28T11:00:00Z'),
    );
    expect(line).toBe(
      '  pending         us-east-1  orders      nightly-orders-20261128-0300 busy; the reconciler tries again ' +
        'until 2026-11-28 11:00 UTC (5 attempts, 3.1s)',
    );
  });

  it('shows a failure with its code and message, timing only when something was attempted', () => {
    const failed = {
      region: '*',
      clusterId: 'ghost',
      outcome: 'failed' as const,
      attempts: 0,
      durationMs: 0,
      error: { code: 'cluster-not-found' as const, message: 'no DocumentDB cluster "ghost" in us-east-1' },
    };
    expect(resultLine(failed, widths, plain)).toBe(
      '  failed          *          ghost       cluster-not-found: no DocumentDB cluster "ghost" in us-east-1',
    );
    expect(resultLine({ ...failed, attempts: 8, durationMs: 600_000 }, widths, plain)).toMatch(
      / \(8 attempts, 10m 0s\)$/,
    );
  });

  it('shows a retry with the attempt that was refused and when the next one comes', () => {
    expect(
      retryLine({ region: 'us-east-1', clusterId: 'payments', attempt: 2, delayMs: 24_600 }, widths, plain),
    ).toBe('  busy            us-east-1  payments    attempt 2 refused: cluster busy; attempt 3 in 25s');
  });

  it('colours the outcome word', () => {
    const line = resultLine(
      { region: 'r', clusterId: 'c', outcome: 'created', snapshotId: 's', attempts: 1, durationMs: 1 },
      widths,
      createStyle(true),
    );
    expect(line).toContain('\u001b[32mcreated       \u001b[39m');
  });
});

describe('statusText', () => {
  const now = 1_000_000;

  it('says what is read while planning, then what is in flight and who waits how long', () => {
    expect(
      statusText(
        { phase: 'planning', regions: ['us-east-1', 'eu-west-1'], done: 0, inFlight: [], waiting: [] },
        now,
        0,
        80,
      ),
    ).toBe('⠋ reading the clusters of us-east-1, eu-west-1');
    expect(
      statusText(
        {
          phase: 'snapshots',
          regions: [],
          done: 3,
          inFlight: ['orders'],
          waiting: [{ clusterId: 'payments', attempt: 3, at: now + 24_100 }],
        },
        now,
        1,
        80,
      ),
    ).toBe('⠙ 3 done · in progress: orders · waiting: payments (attempt 3 in 25s)');
  });

  it('is cut to the terminal width', () => {
    const text = statusText(
      { phase: 'snapshots', regions: [], done: 1, inFlight: ['a'.repeat(100)], waiting: [] },
      now,
      0,
      30,
    );
    expect([...text]).toHaveLength(30);
    expect(text.endsWith('…')).toBe(true);
  });
});

describe('RunProgress', () => {
  const result = {
    region: 'us-east-1',
    clusterId: 'orders',
    outcome: 'created' as const,
    snapshotId: 's',
    attempts: 1,
    durationMs: 5,
  };

  it('prints plain lines, and nothing else, when the output is not a terminal', () => {
    const out = bufferedOutput();
    const progress = new RunProgress(out, ['us-east-1'], { live: false, style: plain, now: () => 0, widths });
    progress.attempt('us-east-1', 'orders');
    progress.result(result);
    progress.stop();
    progress.result(result);

    expect(out.text()).toBe('  created         us-east-1  orders      s (1 attempt, 0.0s)\n');
  });

  it('on a terminal, erases the status line before each line and at the end', () => {
    const out = bufferedOutput({ isTTY: true, columns: 80 });
    const progress = new RunProgress(out, ['us-east-1'], { live: true, style: plain, now: () => 0, widths });
    progress.attempt('us-east-1', 'orders');
    progress.result(result);
    progress.stop();

    const text = out.text();
    expect(text).toContain('\r\u001b[2K  created         us-east-1  orders');
    expect(text.endsWith('\r\u001b[2K')).toBe(true);
    expect(text).toContain('⠋ 0 done · in progress: orders');
  });

  it('widens the cluster column once for the clusters it will report', () => {
    const out = bufferedOutput();
    const progress = new RunProgress(out, ['us-east-1'], { live: false, style: plain, now: () => 0, widths });
    progress.knowClusters(['customers-eu-prod', 'orders']);
    progress.result(result);

    expect(out.text()).toBe('  created         us-east-1  orders             s (1 attempt, 0.0s)\n');
  });
});

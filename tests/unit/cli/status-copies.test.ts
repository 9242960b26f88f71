// Seam: `status`'s view of disaster-recovery copies from plain data (cli/status-copies.ts, and its place
// in statusLines, summaryText, allProtected and the HTML page): per cluster and destination the latest
// copy, whether it is current, the problems that need a person, and the words and table on-call reads.
import { describe, expect, it } from 'vitest';
import { allProtected, type ClusterStatus, statusLines, summaryText } from '../../../cli/commands/status.js';
import {
  type CopyStatus,
  copyLines,
  copyReasons,
  copyStatus,
  copySummary,
  copyText,
  copyVerdict,
  countCopies,
} from '../../../cli/status-copies.js';
import { statusHtml } from '../../../cli/status-html.js';
import { createStyle } from '../../../cli/style.js';
import type { CopyJob } from '../../../shared/planning/copies.js';

const plain = createStyle(false);
const NOW = new Date('2026-11-28T09:00:00Z');
const NEWEST_SLOT = new Date('2026-11-28T03:00:00Z');
const WEST = { region: 'us-west-2' };
const DR = { region: 'eu-west-1', account: '444455556666' };

const policy = {
  name: 'nightly',
  schedule: 'cron(0 3 * * ? *)',
  enabled: true,
  checked: true,
  overdueAfterSeconds: 108_000,
  windows: { startMinutes: 480, completionMinutes: 1440 },
};

function job(
  clusterId: string,
  slot: string,
  destination: CopyJob['destination'],
  extra: Partial<CopyJob> = {},
): CopyJob {
  const compact = `${slot.slice(0, 10).replaceAll('-', '')}-${slot.slice(11, 13)}${slot.slice(14, 16)}`;
  return {
    policy: 'nightly',
    scheduledAt: `${slot.slice(0, 16)}:00.000Z`,
    clusterId,
    source: { region: 'us-east-1' },
    snapshotId: `nightly-${clusterId}-${compact}`,
    destination,
    state: 'available',
    step: 0,
    // Opened 20 minutes after the slot, when the backup became available.
    requestedAt: new Date(Date.parse(slot) + 20 * 60_000).toISOString(),
    ...extra,
  };
}

const copy = (destination: CopyJob['destination'], found?: CopyJob) =>
  copyStatus(destination, found, NEWEST_SLOT, NOW);

function row(
  clusterId: string,
  copies: CopyStatus[] | null,
  extra: Partial<ClusterStatus> = {},
): ClusterStatus {
  return {
    policy: 'nightly',
    region: 'us-east-1',
    clusterId,
    state: 'ok',
    reason: null,
    newestSnapshot: {
      snapshotId: `nightly-${clusterId}-20261128-0300`,
      createdAt: '2026-11-28T03:00:40.000Z',
      ageSeconds: 21_560,
    },
    lastResult: null,
    latestJob: null,
    copies,
    overdueAfterSeconds: 108_000,
    ...extra,
  };
}

const failure = { code: 'kms-misconfigured' as const, message: 'AWS refused the key arn:aws:kms:…' };
const orders = row('orders', [
  copy(WEST, job('orders', '2026-11-28T03:00Z', WEST, { completedAt: '2026-11-28T03:41:00.000Z' })),
  copy(DR, job('orders', '2026-11-28T03:00Z', DR, { state: 'copying', step: 1 })),
]);
const payments = row('payments', [
  copy(WEST, job('payments', '2026-11-28T03:00Z', WEST, { state: 'failed', error: failure })),
  copy(DR, undefined),
]);

describe('copyStatus', () => {
  it('gives every key, null for what the job lacks, and its age since the job was opened', () => {
    expect(
      copy(DR, job('orders', '2026-11-28T03:00Z', DR, { completedAt: '2026-11-28T04:10:00.000Z' })),
    ).toEqual({
      destination: { region: 'eu-west-1', account: '444455556666' },
      state: 'available',
      snapshotId: 'nightly-orders-20261128-0300',
      scheduledAt: '2026-11-28T03:00:00.000Z',
      completedAt: '2026-11-28T04:10:00.000Z',
      error: null,
      current: true,
      ageSeconds: 20_400,
    });
    expect(copy(WEST, undefined)).toEqual({
      destination: { region: 'us-west-2', account: null },
      state: null,
      snapshotId: null,
      scheduledAt: null,
      completedAt: null,
      error: null,
      current: false,
      ageSeconds: null,
    });
  });

  it("is current only when available and of the cluster's newest available backup", () => {
    const older = copy(WEST, job('orders', '2026-11-27T03:00Z', WEST));
    const unknownNewest = copyStatus(WEST, job('orders', '2026-11-27T03:00Z', WEST), undefined, NOW);

    expect([older.current, copyVerdict(older), copyText(older)]).toEqual([
      false,
      'behind',
      'available (behind)',
    ]);
    expect(unknownNewest.current).toBe(true);
    expect(copy(WEST, job('orders', '2026-11-28T03:00Z', WEST, { state: 'copying' })).current).toBe(false);
  });
});

describe('copy words', () => {
  it('says the state of the latest copy, a failure with its code, and none when there is no copy', () => {
    expect([...orders.copies!, ...payments.copies!].map((c) => [copyVerdict(c), copyText(c)])).toEqual([
      ['current', 'available'],
      ['in-flight', 'copying'],
      ['failed', 'failed kms-misconfigured'],
      ['none', 'none'],
    ]);
  });

  it('counts the copies by verdict and sums them up for the verdict line', () => {
    expect(countCopies([orders, payments])).toEqual({
      current: 1,
      behind: 0,
      inFlight: 1,
      failed: 1,
      none: 1,
    });
    expect(copySummary([orders, payments])).toBe('copies: 1 of 4 current, 1 in flight, 1 failed, 1 none');
    expect(copySummary([row('orders', []), row('ledger', null)])).toBeUndefined();
  });
});

describe('the copies in the status text', () => {
  it('lists each destination of each cluster under the clusters, and explains each problem below', () => {
    const lines = statusLines(policy, [orders, payments], plain);

    expect(lines).toEqual([
      'nightly  cron(0 3 * * ? *)  overdue after 1d 6h',
      '  REGION     CLUSTER   STATE  NEWEST SNAPSHOT      AGE  LAST RESULT  LATEST JOB',
      '  us-east-1  orders    ok     2026-11-28 03:00  5h 59m  -            -',
      '  us-east-1  payments  ok     2026-11-28 03:00  5h 59m  -            -',
      '  CLUSTER   DESTINATION             LATEST COPY                  AGE  SNAPSHOT',
      '  orders    us-west-2               available                 5h 40m  nightly-orders-20261128-0300',
      '  orders    444455556666/eu-west-1  copying                   5h 40m  nightly-orders-20261128-0300',
      '  payments  us-west-2               failed kms-misconfigured  5h 40m  nightly-payments-20261128-0300',
      '  payments  444455556666/eu-west-1  none                           -  -',
      '  · payments → us-west-2: the newest copy (nightly-payments-20261128-0300) failed: kms-misconfigured: AWS refused the key arn:aws:kms:…',
      '  · payments → eu-west-1 of account 444455556666: no copy recorded for this policy',
    ]);
    for (const line of lines.slice(0, 9)) expect(line.length).toBeLessThanOrEqual(100);
  });

  it('shows the source Region when the clusters are in more than one, and nothing for a policy without copies', () => {
    const eu = row('orders', [copy(WEST, job('orders', '2026-11-28T03:00Z', WEST))], { region: 'eu-west-1' });

    expect(copyLines([orders, eu], plain)[0]).toBe(
      '  REGION     CLUSTER  DESTINATION             LATEST COPY     AGE  SNAPSHOT',
    );
    expect(copyLines([row('orders', []), row('ledger', null)], plain)).toEqual([]);
    expect(copyReasons([orders], plain)).toEqual([]);
  });

  it('colours a current copy green, one on its way yellow and a problem red', () => {
    const style = createStyle(true);
    const [, current, copying, failed] = copyLines([orders, payments], style);

    expect(current).toContain('\u001b[32mavailable\u001b[39m');
    expect(copying).toContain('\u001b[33mcopying\u001b[39m');
    expect(failed).toContain('\u001b[31mfailed kms-misconfigured\u001b[39m');
  });

  it('needs a person when a destination has no copy or its newest failed, not while one is on its way', () => {
    expect(allProtected([orders])).toBe(true);
    expect(allProtected([row('payments', [payments.copies![0]!])])).toBe(false);
    expect(allProtected([row('payments', [payments.copies![1]!])])).toBe(false);
    expect(allProtected([row('ledger', null)])).toBe(true);
    expect(summaryText([orders, payments])).toBe(
      '2 clusters: 2 ok; copies: 1 of 4 current, 1 in flight, 1 failed, 1 none',
    );
    expect(summaryText([row('ledger', [])])).toBe('1 cluster: 1 ok');
  });
});

describe('the copies on the HTML page', () => {
  const page = (clusters: ClusterStatus[]) =>
    statusHtml({
      file: 'policies.yml',
      at: NOW,
      ok: false,
      policies: [policy],
      clusters,
      history: new Map(),
      quotas: [],
      notes: [],
    });

  it('adds a column with each destination, its latest copy and a failure, escaped', () => {
    const evil = row('payments', [
      copy(
        WEST,
        job('payments', '2026-11-28T03:00Z', WEST, {
          state: 'failed',
          error: { ...failure, message: '<b>no</b>' },
        }),
      ),
    ]);
    const html = page([orders, evil]);

    expect(html).toContain('<th>Latest copy per destination</th>');
    expect(html).toContain('us-west-2: <span class="current">available</span>');
    expect(html).toContain('444455556666/eu-west-1: <span class="in-flight">copying</span>');
    expect(html).toContain('<span class="failed">failed kms-misconfigured</span>');
    expect(html).toContain('kms-misconfigured: &lt;b&gt;no&lt;/b&gt;');
    expect(html).not.toContain('<b>no</b>');
  });

  it('has no copies column for a policy without copies', () => {
    expect(page([row('orders', [])])).not.toContain('Latest copy');
  });
});

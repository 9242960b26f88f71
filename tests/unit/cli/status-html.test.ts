// Seam: cli/status-html.ts, pure: the HTML page `status --html` writes, from plain status data.
import { describe, expect, it } from 'vitest';
import type { ClusterStatus, PolicyStatus } from '../../../cli/commands/status.js';
import { escapeHtml, historyKey, statusHtml } from '../../../cli/status-html.js';
import type { RecordedResult } from '../../../shared/aws/results-table/index.js';

const POLICY: PolicyStatus = {
  name: 'nightly',
  schedule: 'cron(0 3 * * ? *)',
  enabled: true,
  checked: true,
  overdueAfterSeconds: 108_000,
  windows: { startMinutes: 480, completionMinutes: 1440 },
};

function row(clusterId: string, extra: Partial<ClusterStatus> = {}): ClusterStatus {
  return {
    policy: 'nightly',
    region: 'us-east-1',
    clusterId,
    state: 'ok',
    reason: null,
    newestSnapshot: null,
    lastResult: null,
    latestJob: null,
    overdueAfterSeconds: 108_000,
    ...extra,
  };
}

function result(outcome: RecordedResult['outcome'], scheduledAt: string, message?: string): RecordedResult {
  return {
    policy: 'nightly',
    scheduledAt,
    region: 'us-east-1',
    clusterId: 'orders',
    outcome,
    snapshotId: 'nightly-orders-20261128-0300',
    attempts: 1,
    error: message ? { code: 'snapshot-failed', message } : null,
    recordedAt: scheduledAt,
  } as RecordedResult;
}

describe('statusHtml', () => {
  it('lists each cluster with its results timeline, oldest first, and each Region quota bar', () => {
    const page = statusHtml({
      file: 'config/policies.yml',
      at: new Date('2026-11-28T09:00:00Z'),
      ok: false,
      policies: [POLICY],
      clusters: [row('orders'), row('payments', { state: 'overdue', reason: 'no snapshot for 4d' })],
      history: new Map([
        [
          historyKey('nightly', 'us-east-1', 'orders'),
          [
            result('created', '2026-11-28T03:00:00.000Z'),
            result('failed', '2026-11-27T03:00:00.000Z', 'boom'),
          ],
        ],
      ]),
      quotas: [{ region: 'us-east-1', used: 85, quota: 100, warnAtPercent: 80 }],
      notes: [],
    });

    expect(page).toMatch(/^<!doctype html>\n/);
    expect(page).not.toMatch(/<script|<link|src=|href=/);
    expect(page).toContain('<td>orders</td>');
    expect(page).toContain('<td>payments</td>');
    expect(page).toContain('OVERDUE');
    expect(page.indexOf('tick failed')).toBeLessThan(page.indexOf('tick created'));
    expect(page).toContain('no recorded results');
    expect(page).toContain('85 / 100 (85 %)');
    expect(page).toContain('class="fill warn" style="width:85%');
  });

  it('escapes user data: a cluster id, a reason and a result message', () => {
    const evil = '<script>alert("x")</script>';
    const page = statusHtml({
      file: 'policies.yml',
      at: new Date('2026-11-28T09:00:00Z'),
      ok: false,
      policies: [POLICY],
      clusters: [row(evil, { state: 'unknown', reason: evil })],
      history: new Map([
        [historyKey('nightly', 'us-east-1', evil), [result('failed', '2026-11-28T03:00:00.000Z', evil)]],
      ]),
      quotas: [],
      notes: [evil],
    });

    expect(page).not.toContain('<script');
    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(escapeHtml(`a&b'`)).toBe('a&amp;b&#39;');
  });
});

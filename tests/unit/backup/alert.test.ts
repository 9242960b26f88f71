// Seam: the page a run sends (shared/backup/alert.ts), pure: a run's summary in, subject and body out.
import { describe, expect, it } from 'vitest';
import { composeAlert } from '../../../shared/backup/alert.js';
import type { ClusterResult, FailureCode, RunSummary } from '../../../shared/backup/results.js';

const ok = (clusterId: string): ClusterResult => ({
  region: 'us-east-1',
  clusterId,
  outcome: 'created',
  attempts: 1,
  durationMs: 10,
});
const failed = (region: string, clusterId: string, code: FailureCode): ClusterResult => ({
  region,
  clusterId,
  outcome: 'failed',
  attempts: 1,
  durationMs: 10,
  error: { code, message: `${code} happened` },
});
const summary = (results: ClusterResult[]): RunSummary => ({
  policy: 'nightly',
  scheduledAt: '2026-11-28T03:00:00.000Z',
  results,
  deletions: [],
});
const context = { quotaReports: [], warnings: [], hasRetention: false };

describe('the page', () => {
  it('counts clusters and unreadable Regions apart in the subject', () => {
    const alert = composeAlert(
      summary([
        ok('orders'),
        failed('us-east-1', 'payments', 'cluster-busy'),
        failed('eu-west-1', '*', 'region-unavailable'),
      ]),
      context,
    );
    expect(alert?.subject).toBe(
      '[docdb-backup] ERROR nightly: 1 of 2 clusters not backed up; Region eu-west-1 unreadable',
    );
    expect(alert?.body).toContain('- eu-west-1 (whole Region): region-unavailable');
  });

  it('does not call an unreadable Region a cluster when it is the only failure', () => {
    const alert = composeAlert(
      summary([ok('orders'), failed('eu-west-1', '*', 'region-unavailable')]),
      context,
    );
    expect(alert?.subject).toBe('[docdb-backup] ERROR nightly: Region eu-west-1 unreadable');
  });

  it('suggests re-running the missed slot, never a new one', () => {
    const alert = composeAlert(summary([failed('us-east-1', 'orders', 'cluster-busy')]), context);
    expect(alert?.body).toContain(
      '- Then take the missed backups of this slot: npx docdb-backup run --policy nightly --at 2026-11-28T03:00Z',
    );
    expect(alert?.body).not.toMatch(/run --policy nightly(?! --at)/);
  });
});

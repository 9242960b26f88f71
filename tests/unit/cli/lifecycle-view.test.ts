// Seam: the text and JSON builders of the backup lifecycle in the CLI, with plain reports: `reconcile`'s
// transition lines, summary, exit condition and JSON (cli/commands/reconcile.ts), `run`'s closing lines
// with pending clusters (cli/commands/run.ts summaryLines) and `plan`'s windows line.
import { describe, expect, it } from 'vitest';
import { windowsText } from '../../../cli/commands/plan.js';
import {
  openText,
  passOk,
  passSummaryLines,
  reconcileJson,
  transitionLines,
} from '../../../cli/commands/reconcile.js';
import { pendingHint, summaryLines } from '../../../cli/commands/run.js';
import { copyTransitionLines } from '../../../cli/copy-lines.js';
import { createStyle } from '../../../cli/style.js';
import type { RunReport } from '../../../shared/backup/engine.js';
import type { ReconcileReport } from '../../../shared/lifecycle/pass.js';
import type { CopyTransition } from '../../../shared/planning/copies.js';
import type { BackupJob, JobTransition } from '../../../shared/planning/jobs.js';

const plain = createStyle(false);
const SLOT = '2026-11-28T03:00:00.000Z';

function transition(clusterId: string, extra: Partial<JobTransition>): JobTransition {
  return {
    policy: 'nightly',
    scheduledAt: SLOT,
    region: 'us-east-1',
    clusterId,
    snapshotId: `nightly-${clusterId}-20261128-0300`,
    from: 'creating',
    to: 'available',
    ...extra,
  };
}

function job(clusterId: string, state: BackupJob['state']): BackupJob {
  return {
    policy: 'nightly',
    scheduledAt: SLOT,
    region: 'us-east-1',
    clusterId,
    snapshotId: `nightly-${clusterId}-20261128-0300`,
    state,
    requestedAt: '2026-11-28T03:00:05.000Z',
  };
}

function report(extra: Partial<ReconcileReport> = {}): ReconcileReport {
  return {
    open: [],
    transitions: [],
    deletions: [],
    pages: [],
    unread: [],
    eventsFailed: 0,
    copies: { transitions: [], open: [], leftovers: [] },
    ...extra,
  };
}

const failed = transition('billing', {
  to: 'failed',
  error: { code: 'snapshot-failed', message: 'snapshot "nightly-billing-20261128-0300" ended "failed"' },
});

describe('reconcile text', () => {
  it('prints each transition aligned: new state, policy, Region, cluster, snapshot, from → to, detail', () => {
    const lines = transitionLines(
      [
        transition('orders', { durationMs: 250_000 }),
        failed,
        transition('ledger', { from: 'pending', to: 'creating' }),
      ],
      plain,
    );

    expect(lines).toEqual([
      '  available  nightly  us-east-1  orders   nightly-orders-20261128-0300   creating → available  in 4m 10s',
      '  failed     nightly  us-east-1  billing  nightly-billing-20261128-0300  creating → failed     ' +
        'snapshot-failed: snapshot "nightly-billing-20261128-0300" ended "failed"',
      '  creating   nightly  us-east-1  ledger   nightly-ledger-20261128-0300   pending → creating    snapshot requested',
    ]);
    expect(transitionLines([], plain)).toEqual(['  no job changed']);
  });

  it('sums up the pass: counts, open jobs, pages, unread policies and what to do about failures', () => {
    const lines = passSummaryLines(
      report({
        transitions: [transition('orders', {}), failed],
        open: [job('ledger', 'pending'), job('audit', 'creating')],
        pages: [
          { policy: 'nightly', subject: '[docdb-backup] ERROR nightly: …', jobs: 1, sent: true },
          { policy: 'weekly', subject: 'S', jobs: 2, sent: false, failed: true, note: 'AccessDenied' },
        ],
        unread: [{ policy: 'hourly', error: 'throttled' }],
        eventsFailed: 2,
      }),
      2_100,
    );

    expect(lines[0]).toBe(
      '1 available, 1 failed, 0 started; 2 jobs still open (1 pending, 1 creating) in 2.1s',
    );
    expect(lines.slice(1, 5)).toEqual([
      'on-call alerted for 1 failed job: [docdb-backup] ERROR nightly: …',
      'page not sent (AccessDenied): S; the next pass pages again',
      'jobs of policy hourly not read: throttled; the next pass tries again',
      '2 events not delivered',
    ]);
    expect(lines[5]).toBe('next steps:');
    expect(lines[6]).toMatch(/^ {2}snapshot-failed: ./);
    expect(openText([])).toBe('no job open');
  });

  it('is ok unless a job failed, a page was not sent or a policy was not read; open jobs are fine', () => {
    expect(passOk(report({ open: [job('a', 'creating')], transitions: [transition('b', {})] }))).toBe(true);
    expect(passOk(report({ transitions: [failed] }))).toBe(false);
    expect(
      passOk(report({ pages: [{ policy: 'p', subject: 's', jobs: 1, sent: false, failed: true }] })),
    ).toBe(false);
    expect(passOk(report({ unread: [{ policy: 'p', error: 'e' }] }))).toBe(false);
  });

  it('gives every key in JSON, null for none', () => {
    const json = reconcileJson(
      'policies.yml',
      report({
        transitions: [transition('orders', { durationMs: 1_000 })],
        open: [job('ledger', 'pending')],
      }),
    );

    expect(json).toEqual({
      file: 'policies.yml',
      ok: true,
      counts: { available: 1, failed: 0, started: 0, open: 1 },
      transitions: [
        {
          policy: 'nightly',
          region: 'us-east-1',
          clusterId: 'orders',
          snapshotId: 'nightly-orders-20261128-0300',
          scheduledAt: SLOT,
          from: 'creating',
          to: 'available',
          durationMs: 1_000,
          error: null,
        },
      ],
      open: [
        {
          policy: 'nightly',
          region: 'us-east-1',
          clusterId: 'ledger',
          snapshotId: 'nightly-ledger-20261128-0300',
          scheduledAt: SLOT,
          state: 'pending',
          requestedAt: '2026-11-28T03:00:05.000Z',
          startedAt: null,
        },
      ],
      deletions: [],
      pages: [],
      unread: [],
      eventsFailed: 0,
      copies: { transitions: [], open: [], leftovers: [] },
    });
  });
});

describe('reconcile: the copies of a pass', () => {
  const copy = (
    to: 'copying' | 'available' | 'failed',
    extra: Partial<CopyTransition> = {},
  ): CopyTransition => ({
    policy: 'nightly',
    scheduledAt: SLOT,
    clusterId: 'orders',
    source: { region: 'us-east-1' },
    destination: { region: 'eu-west-1', account: '444455556666' },
    snapshotId: 'nightly-orders-20261128-0300',
    from: to === 'copying' ? 'waiting' : 'copying',
    to,
    step: 0,
    ...extra,
  });
  const failure = { code: 'kms-misconfigured' as const, message: 'Must specify new KMS key' };

  it('prints each copy move with its source and destination, and nothing when no copy moved', () => {
    const lines = copyTransitionLines(
      [copy('copying'), copy('available', { durationMs: 600_000 }), copy('failed', { error: failure })],
      plain,
    );
    expect(lines[0]).toMatch(
      /^ {2}copying +nightly +orders +nightly-orders-20261128-0300 +us-east-1 → eu-west-1 of account 444455556666 +copy started$/,
    );
    expect(lines[1]).toMatch(/available .* copied in 10m/);
    expect(lines[2]).toMatch(/failed .* kms-misconfigured: Must specify new KMS key$/);
    expect(copyTransitionLines([], plain)).toEqual([]);
  });

  it('counts copies in the summary, fails the pass on a failed copy, and names its next step', () => {
    const failed = report({
      copies: { transitions: [copy('failed', { error: failure })], open: [], leftovers: [] },
    });
    expect(passOk(failed)).toBe(false);
    const lines = passSummaryLines(failed, 1_000);
    expect(lines).toContain('copies: 0 copied, 1 failed');
    expect(lines.join('\n')).toMatch(/kms-misconfigured: AWS refused the copy's KMS key/);
    expect(passOk(report({ copies: { transitions: [copy('available')], open: [], leftovers: [] } }))).toBe(
      true,
    );
  });

  it('gives the copies in JSON: moves and open copies, every key', () => {
    const open = {
      policy: 'nightly',
      scheduledAt: SLOT,
      clusterId: 'orders',
      source: { region: 'us-east-1' },
      destination: { region: 'us-west-2' },
      snapshotId: 'nightly-orders-20261128-0300',
      state: 'waiting' as const,
      step: 0,
      requestedAt: '2026-11-28T03:10:00.000Z',
    };
    const json = reconcileJson(
      'policies.yml',
      report({ copies: { transitions: [copy('copying')], open: [open], leftovers: [] } }),
    );
    expect(json.copies).toEqual({
      transitions: [{ ...copy('copying'), durationMs: null, error: null }],
      open: [{ ...open, startedAt: null }],
      leftovers: [],
    });
  });

  it('fails the pass on what a copy left and could not undo, naming what to remove by hand', () => {
    const left = 'after the copy of s to us-west-2: the share of s with 444455556666 (503): aws docdb …';
    const pass = report({ copies: { transitions: [copy('available')], open: [], leftovers: [left] } });
    expect(passOk(pass)).toBe(false);
    expect(passSummaryLines(pass, 1_000)).toContain(`not undone, remove by hand: ${left}`);
  });
});

describe('run summary with pending clusters', () => {
  const runReport = (outcomes: ('created' | 'pending' | 'failed')[]): RunReport => ({
    summary: {
      policy: 'nightly',
      scheduledAt: SLOT,
      deletions: [],
      results: outcomes.map((outcome, i) => ({
        region: 'us-east-1',
        clusterId: `c${i}`,
        outcome,
        snapshotId: `nightly-c${i}-20261128-0300`,
        attempts: 1,
        durationMs: 10,
        ...(outcome === 'failed' ? { error: { code: 'access-denied' as const, message: 'no' } } : {}),
      })),
    },
    warnings: [],
    quotaUse: [],
    recorded: true,
    eventsFailed: 0,
  });
  const until = new Date('2026-11-28T11:00:00Z');

  it('counts pending ones and says to wait for the reconciler or run it, not that AWS failed', () => {
    const lines = summaryLines(runReport(['created', 'pending']), 1_000, 'results', until);

    expect(lines).toEqual([
      '1 created, 0 already existed, 1 pending, 0 failed, 0 skipped in 1.0s',
      'recorded 2 results in results; result events published',
      'next steps:',
      `  pending: ${pendingHint(1, until)}`,
    ]);
    expect(pendingHint(1, until)).toBe(
      '1 cluster not backed up yet: the reconciler starts its snapshot once the cluster is free, until ' +
        '2026-11-28 11:00 UTC; wait for it, or run "docdb-backup reconcile" now, then "docdb-backup status"',
    );
  });

  it('reads as before when nothing is pending', () => {
    const lines = summaryLines(runReport(['created', 'failed']), 1_000, 'results', until);

    expect(lines[0]).toBe('1 created, 0 already existed, 1 failed, 0 skipped in 1.0s');
    expect(lines.slice(-2)).toEqual(['next steps:', expect.stringMatching(/^ {2}access-denied: /)]);
  });
});

describe('plan windows', () => {
  it('shows the start and completion windows in the largest units', () => {
    expect(windowsText({ startMinutes: 480, completionMinutes: 1440 })).toBe(
      'windows  start within 8h of the slot, available within 1d of the start',
    );
    expect(windowsText({ startMinutes: 90, completionMinutes: 2_000 })).toBe(
      'windows  start within 1h 30m of the slot, available within 1d 9h of the start',
    );
  });
});

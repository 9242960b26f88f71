// Seam: `npm start` as a person runs it — the demo process end to end (emulator, demo fleet, the real
// backup handler twice, then the reconcile function's passes on an accelerated clock), judged by its exit
// code, the report it prints and how long it takes.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

/** The demo's report, printed once for every test here (a non-zero exit fails them all). */
let stdout = '';
let realMs = 0;

beforeAll(async () => {
  const started = Date.now();
  ({ stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'local', 'demo.ts')],
    { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 },
  ));
  realMs = Date.now() - started;
}, 60_000);

/** The part of the report after `heading`. */
function partAfter(heading: string): string {
  const at = stdout.indexOf(heading);
  expect(at, `the report has no "${heading}"`).toBeGreaterThanOrEqual(0);
  return stdout.slice(at);
}

describe('npm start', () => {
  it('runs the demo policies, shows the pages, and proves a redelivery duplicates nothing', () => {
    expect(stdout).toMatch(/us-east-1 +payments-prod +created +nightly-payments-prod-\d{8}-0300 +3 /);
    expect(stdout).toMatch(/eu-west-1 +orders-eu-prod +failed: quota-exceeded/);
    expect(stdout).toContain('[docdb-backup] CRITICAL nightly-prod: snapshot quota reached in eu-west-1');
    expect(stdout).toContain('[docdb-backup] ERROR ledger-6h: 1 of 2 clusters not backed up');
    expect(stdout).toContain('nothing duplicated');
    expect(stdout).toContain('nobody paged twice');
    expect(stdout).toContain(
      'reporting-aurora: no snapshot taken; analytics-scratch-prod: no snapshot taken',
    );
    expect(stdout).not.toContain('"level"');
    expect(stdout).not.toContain('\x1b[');
  });

  it("shows run 1's snapshots completing a few simulated minutes later, with how long they took", () => {
    const part = partAfter('The reconciler on an accelerated clock');
    expect(part).toMatch(/\+0 min +pass: nothing changed; open: 5 creating/);
    expect(part).toMatch(/\+5 min +\S+ +creating → available \S+ after 5 min/);
    expect(part).toMatch(/orders-prod +creating → available nightly-orders-prod-\d{8}-0300 after 5 min/);
    expect(part).toMatch(/ledger-prod +creating → available ledger-ledger-prod-\d{8}-\d{4} after 5 min/);
  });

  it('shows a cluster busy past its run go pending without a page, then creating, then available', () => {
    const part = partAfter('a slot of hourly-staging');
    expect(part).toMatch(/\+0 min +run of hourly-staging: no page/);
    expect(part).toMatch(/us-east-1 +sessions-staging +pending +hourly-sessions-staging-\d{8}-\d{2}00 +6 /);
    expect(part).toMatch(/\+10…25 min 4 passes: nothing changed; open: 1 pending \(sessions-staging\)/);
    expect(part).toMatch(
      /\+30 min +sessions-staging +pending → creating +hourly-sessions-staging-\S+ requested/,
    );
    expect(part).toMatch(
      /\+35 min +sessions-staging +creating → available hourly-sessions-staging-\S+ after 5 min/,
    );
    expect(part).toMatch(/search-staging +creating → available hourly-search-staging-\S+ after 5 min/);
  });

  it('pages a snapshot that fails after creation, once, and leaves nothing open', () => {
    const part = partAfter('a slot of hourly-staging');
    const subject = '[docdb-backup] ERROR hourly-staging: 1 backup failed after the run (billing-staging)';
    expect(part).toMatch(/\+5 min +(billing|search)-staging +creating → /);
    expect(part).toMatch(
      /billing-staging +creating → failed +snapshot-failed: snapshot "hourly-billing-staging-\S+" ended "failed"/,
    );
    expect(part).toContain(`paged: ${subject}`);
    expect(part).toContain('The reconciler paged 1 time(s):');
    expect(part.split(`┌ ${subject}`)).toHaveLength(2);
    expect(part).toMatch(
      /│ - us-east-1 billing-staging: snapshot hourly-billing-staging-\S+ \(slot [^)]+\): snapshot-failed/,
    );
    expect(part).toContain(
      '8 job(s) followed: 7 available, 1 failed; each failure paged once, nothing left open.',
    );
  });

  it("copies the ledger's backup to a DR Region and a DR account, undoes the share, and shows validate refusing a bad key", () => {
    const timeline = partAfter("Run 1's snapshots");
    expect(timeline).toMatch(/ledger-prod +waiting → copying +copy to us-west-2 started/);
    expect(timeline).toMatch(/ledger-prod +waiting → copying +copy to 444455556666\/us-east-1 started/);
    expect(timeline).toMatch(
      /ledger-prod +copying → available +copy to 444455556666\/us-east-1 after \d+ min/,
    );
    const part = partAfter('Disaster-recovery copies');
    expect(part).toMatch(
      /123456789012\/us-west-2 +ledger-ledger-prod-\S+ +available +key arn:aws:kms:us-west-2:123456789012:key\//,
    );
    expect(part).toMatch(
      /444455556666\/us-east-1 +ledger-ledger-prod-\S+ +available +key arn:aws:kms:us-east-1:444455556666:key\//,
    );
    expect(part).toContain('no source snapshot left shared');
    expect(part).toMatch(
      /dr-typo\.yml:10:\d+ +ledger-6h +copies\[0\]\.kmsKeyId +expected a key in us-west-2/,
    );
  });

  it('stays fast: simulated hours in a few seconds of real time', () => {
    const done = /Done in (\d+\.\d) s\./.exec(stdout);
    expect(Number(done?.[1])).toBeLessThan(15);
    expect(realMs).toBeLessThan(45_000);
  });
});

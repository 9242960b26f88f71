// Seam: `npm start` as a person runs it — the demo process end to end (emulator, demo fleet, the real
// handler twice), judged by its exit code and the report it prints.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

describe('npm start', () => {
  it('runs the demo policies, shows the pages, and proves a redelivery duplicates nothing', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'local', 'demo.ts')],
      { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 },
    );
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
});

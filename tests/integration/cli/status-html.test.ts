// Seam: `docdb-backup status --html FILE` against the emulator over real HTTP: after two runs, the page
// holds each cluster with its recorded results as a timeline, its latest job, and the Region's quota use.
// (AWS refuses `<` in tags and cluster ids; escaping user data is tested on the page itself, unit.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliWorld, cli, resetCliWorld, startCliWorld, writePolicies } from './support.js';

const POLICIES = `version: 1
quota:
  default: 20
defaults:
  regions: [us-east-1]
  retry: { maxAttempts: 2, baseDelaySeconds: 0.1, maxDelaySeconds: 0.2 }
policies:
  - name: nightly
    schedule: cron(0 3 * * ? *)
    clusters:
      identifiers: [orders, payments]
`;

let world: CliWorld;
let file: string;
beforeAll(async () => {
  world = await startCliWorld();
  await resetCliWorld(world, {
    regions: {
      'us-east-1': {
        clusters: [{ id: 'orders' }, { id: 'payments' }],
        snapshots: [{ id: 'before-migration', clusterId: 'orders', createdAt: '2026-11-20T02:00:00Z' }],
      },
    },
  });
  file = writePolicies(world, POLICIES);
});
afterAll(async () => {
  await world.emu.stop();
});

describe('docdb-backup status --html', () => {
  it('writes one self-contained page with every cluster, its results timeline and the quota bar', async () => {
    for (const at of ['2026-11-27T03:00Z', '2026-11-28T03:00Z']) {
      const run = await cli(world, ['run', '--policy', 'nightly', '--file', file, '--at', at], {
        now: new Date(at),
      });
      expect(run.code, run.stderr).toBe(0);
    }

    const status = await cli(world, ['status', '--file', file, '--html', 'status.html'], {
      now: new Date('2026-11-28T09:00Z'),
    });
    const page = readFileSync(join(world.dir, 'status.html'), 'utf8');

    expect(status.code, status.stderr).toBe(0);
    expect(status.stderr).toBe('wrote status.html\n');
    expect(status.stdout).toContain('all protected');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).not.toMatch(/<script|<link|src=|href=/);
    expect(page).toContain('<td>orders</td>');
    expect(page).toContain('<td>payments</td>');
    expect(page.match(/class="tick created"/g)?.length).toBe(4);
    expect(page).toContain('created 2026-11-27 03:00 UTC');
    expect(page).toContain('5 / 20 (25 %)'); // the manual one before and the two runs' four
  });

  it('refuses an empty --html and a file it cannot write, with exit 2', async () => {
    const empty = await cli(world, ['status', '--file', file, '--html', '']);
    const nowhere = await cli(world, ['status', '--file', file, '--html', 'no/such/dir/status.html']);

    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('--html needs a value');
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toMatch(
      /^docdb-backup status: cannot write .*no\/such\/dir\/status\.html: ENOENT/,
    );
  });
});

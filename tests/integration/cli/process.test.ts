// Seam: the CLI as a person runs it: `node bin/docdb-backup.js …` (the bin shim and the esbuild bundle,
// dist/cli) in its own process, with only environment variables pointing it at the emulator. One happy path
// and one failure per command; processes run side by side to keep the suite fast.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliWorld, ROOT, resetCliWorld, spawnCli, startCliWorld, writePolicies } from './support.js';

const POLICIES = `version: 1
defaults:
  regions: [us-east-1]
  retry: { maxAttempts: 3, baseDelaySeconds: 0.1, maxDelaySeconds: 0.2 }
policies:
  - name: nightly
    schedule: cron(0 3 * * ? *)
    clusters:
      tags: { backup: nightly }
`;

let world: CliWorld;
let file: string;
let env: Record<string, string>;
beforeAll(async () => {
  world = await startCliWorld();
  await resetCliWorld(world, {
    regions: { 'us-east-1': { clusters: [{ id: 'orders', tags: { backup: 'nightly' } }] } },
  });
  file = writePolicies(world, POLICIES);
  writePolicies(
    world,
    'version: 1\npolicies:\n  - name: Nightly\n    schedule: cron(0 3 * * *)\n',
    'bad.yml',
  );
  env = { ...world.service.env, DOCDB_BACKUP_POLICIES: file };
});
afterAll(async () => {
  await world.emu.stop();
});

describe('docdb-backup as a spawned process', () => {
  it('validate and plan: exit codes and output as a user sees them', async () => {
    const [valid, invalid, plan, unknown] = await Promise.all([
      spawnCli(['validate'], {}, ROOT), // the repository's own config/policies.yml
      spawnCli(['validate', 'bad.yml'], {}, world.dir),
      spawnCli(['plan', '--at', '2026-11-28T03:00Z'], env, world.dir),
      spawnCli(['plan', '--policy', 'weekly'], env, world.dir),
    ]);

    expect(valid).toMatchObject({ code: 0, stderr: '' });
    expect(valid.stdout).toMatch(/^valid: config\/policies\.yml, 4 policies \(nightly-prod, /m);
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toContain('bad.yml:3:11  Nightly  name  error: expected a lowercase name');
    expect(invalid.stdout).toContain('bad.yml:4:15  Nightly  schedule  error: cron(...) needs 6 fields');
    expect(invalid.stdout).toMatch(/^invalid: bad\.yml, 4 errors\n$/m);
    expect(plan).toMatchObject({ code: 0, stderr: '' });
    expect(plan.stdout).toContain('    us-east-1  orders   snapshot  nightly-orders-20261128-0300\n');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^docdb-backup plan: unknown policy "weekly"; .* defines: nightly\n$/);
  });

  it('run and status: a failing check, a run, then a passing check', async () => {
    const [noEnv, overdue] = await Promise.all([
      spawnCli(['run', '--policy', 'nightly'], { ...env, ALERT_TOPIC_ARN: '' }, world.dir),
      spawnCli(['status'], env, world.dir),
    ]);
    const run = await spawnCli(['run', '--policy', 'nightly'], env, world.dir);
    const protectedNow = await spawnCli(['status', '--json'], env, world.dir);

    expect(noEnv.code).toBe(2);
    expect(noEnv.stderr).toContain('ALERT_TOPIC_ARN must be an SNS topic ARN');
    expect(noEnv.stderr).not.toContain('    at ');
    expect(overdue.code).toBe(1);
    expect(overdue.stdout).toContain('  us-east-1  orders   OVERDUE  -');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /^ {2}created {9}us-east-1 {2}orders +nightly-orders-\d{8}-\d{4} \(1 attempt/m,
    );
    expect(run.stdout).not.toContain('\u001b');
    expect(protectedNow.code, protectedNow.stderr).toBe(0);
    expect(JSON.parse(protectedNow.stdout)).toMatchObject({ ok: true, counts: { ok: 1 } });
  });
});

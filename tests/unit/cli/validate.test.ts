// Seam: `docdb-backup validate` (cli/commands/validate.ts) run in-process on files on disk: every
// problem at once in the `file:line:column  policy  key.path  message` format, the quota warnings, the
// JSON shape and the exit codes 0 / 1 / 2.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, tempDir } from './support.js';

const NIGHTLY = `version: 1
defaults:
  regions: [us-east-1]
policies:
  - name: nightly
    schedule: cron(0 3 * * ? *)
    clusters:
      identifiers: [orders]
`;

describe('docdb-backup validate', () => {
  it("accepts the repository's own config/policies.yml by default (exit 0), and warns that its config/deploy.yml pages nobody", async () => {
    const out = await run(['validate']);

    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^valid: config\/policies\.yml, \d+ policies \([a-z0-9, -]+\)\n!!!/);
    expect(out.stdout).toContain('!!! docdb-backup: NO ONE WOULD BE PAGED');
    expect(out.stdout).toContain('!!! - no one would be paged for stages without their own alerts');
    expect(out.stderr).toBe('');
  });

  it('lists every error and warning at once, in file order, and exits 1', async () => {
    const dir = tempDir({
      'policies.yml': `version: 1
defaults:
  regions: [us-east-1]
policies:
  - name: nightly
    schedule: cron(0 3 * * *)
    clusters:
      identifiers: [orders]
    retenton: { keepLast: 3 }
  - name: often
    enabled: false
    schedule: rate(10 minutes)
    clusters:
      tags: { backup: often }
`,
    });

    const out = await run(['validate', 'policies.yml'], { cwd: dir });

    expect(out.code).toBe(1);
    expect(out.stdout.split('\n')).toEqual([
      'policies.yml:6:15  nightly  schedule  error: cron(...) needs 6 fields (minutes hours day-of-month month day-of-week year), found 5 (EventBridge cron has a year field: add " *" at the end)',
      expect.stringMatching(/^policies\.yml:9:5 {2}nightly {2}retenton {2}error: unknown key "retenton"/),
      'policies.yml:11:14  often  enabled  warning: the policy is disabled (enabled: false): it takes no snapshots until enabled',
      expect.stringMatching(
        /^policies\.yml:12:15 {2}often {2}schedule {2}warning: the schedule fires more often than hourly/,
      ),
      'invalid: policies.yml, 2 errors, 2 warnings',
      '',
    ]);
  });

  it("warns when a policy without retention fills the Region's snapshot quota within a year", async () => {
    const dir = tempDir({ 'policies.yml': NIGHTLY });

    const out = await run(['validate', 'policies.yml'], { cwd: dir, now: new Date('2026-01-01T00:00:00Z') });

    expect(out.code).toBe(0);
    expect(out.stdout).toBe(
      'policies.yml:6:15  nightly  schedule  warning: without retention this policy fills the 100-snapshot quota ' +
        'of us-east-1 in 99 days with one selected cluster (49 days with two; 365 snapshots a year per cluster; ' +
        'the quota is shared with RDS, Neptune and other policies): add retention, or delete old snapshots in time\n' +
        'valid: policies.yml, 1 policy (nightly), 1 warning\n',
    );
  });

  it("warns when one cluster's steady state under retention exceeds a Region's quota, naming the quota", async () => {
    const dir = tempDir({
      'policies.yml': `${NIGHTLY}    regions: [us-east-1, eu-west-1]
    retention: { maxAgeDays: 120 }
quota:
  regions: { eu-west-1: 150 }
`,
    });

    const out = await run(['validate', 'policies.yml', '--json'], {
      cwd: dir,
      now: new Date('2026-01-01T00:00:00Z'),
    });

    expect(out.code).toBe(0);
    const result = JSON.parse(out.stdout);
    expect(result).toMatchObject({ valid: true, policies: ['nightly'], errors: 0, warnings: 3 });
    expect(result.problems[0]).toEqual({
      file: 'policies.yml',
      line: 6,
      column: 15,
      policy: 'nightly',
      path: 'schedule',
      severity: 'warning',
      message:
        'its retention holds about 120 snapshots of each cluster once it has pruned: more than the ' +
        '100-snapshot quota of us-east-1 can hold for one cluster (the quota is shared with RDS, Neptune and ' +
        'other policies): keep fewer, or raise the quota',
    });
    // The Regions' steady state over all policies, reported at the quota block.
    expect(
      result.problems
        .slice(1)
        .map((p: { line: number; path: string; message: string }) => [
          p.line,
          p.path,
          p.message.slice(0, 60),
        ]),
    ).toEqual([
      [11, 'quota', 'in eu-west-1 the policies hold about 120 snapshots once rete'],
      [11, 'quota', 'in us-east-1 the policies hold about 120 snapshots once rete'],
    ]);
  });

  it('says nothing about the quota for a policy that fits it', async () => {
    const dir = tempDir({ 'policies.yml': NIGHTLY.replace('cron(0 3 * * ? *)', 'cron(0 3 ? * SUN *)') });

    const out = await run(['validate', 'policies.yml'], { cwd: dir });

    expect(out.stdout).toBe('valid: policies.yml, 1 policy (nightly)\n');
  });

  it('colours the severity only on a terminal without NO_COLOR', async () => {
    const dir = tempDir({ 'policies.yml': NIGHTLY });

    const colour = await run(['validate', 'policies.yml'], { cwd: dir, tty: true });
    const noColor = await run(['validate', 'policies.yml'], { cwd: dir, tty: true, env: { NO_COLOR: '1' } });
    const flag = await run(['validate', 'policies.yml', '--no-color'], { cwd: dir, tty: true });

    expect(colour.stdout).toContain('  schedule  \u001b[33mwarning\u001b[39m: without retention');
    expect(noColor.stdout).not.toContain('\u001b[');
    expect(flag.stdout).not.toContain('\u001b[');
  });

  it('exits 2 when the file cannot be read or the arguments are wrong', async () => {
    const dir = tempDir();

    const missing = await run(['validate', 'nope.yml'], { cwd: dir });
    const directory = await run(['validate', '.'], { cwd: dir });
    const twoFiles = await run(['validate', 'a.yml', 'b.yml'], { cwd: dir });
    const fromEnv = await run(['validate'], { cwd: dir, env: { DOCDB_BACKUP_POLICIES: 'elsewhere.yml' } });

    expect(missing).toEqual({
      code: 2,
      stdout: '',
      stderr: 'docdb-backup validate: cannot read the policy file nope.yml: no such file (ENOENT)\n',
    });
    expect(directory.stderr).toBe(
      'docdb-backup validate: cannot read the policy file .: it is a directory (EISDIR)\n',
    );
    expect(twoFiles.code).toBe(2);
    expect(twoFiles.stderr).toBe(
      'docdb-backup validate: unexpected argument "b.yml"\nRun "docdb-backup validate --help" for usage.\n',
    );
    expect(fromEnv.stderr).toContain('cannot read the policy file elsewhere.yml');
  });
});

describe('docdb-backup validate: --file and the deployment settings', () => {
  const POLICY =
    'version: 1\npolicies:\n  - name: nightly\n    schedule: cron(0 3 * * ? *)\n    regions: [us-east-1]\n' +
    '    retention: { keepLast: 7 }\n    clusters:\n      identifiers: [orders]\n';

  it('takes the file as --file like the other commands, or as the argument, but not two different ones', async () => {
    const cwd = tempDir({ 'p.yml': POLICY, 'q.yml': POLICY });

    const [flag, argument, same, both] = await Promise.all([
      run(['validate', '--file', 'p.yml'], { cwd }),
      run(['validate', 'p.yml'], { cwd }),
      run(['validate', 'p.yml', '--file', 'p.yml'], { cwd }),
      run(['validate', 'p.yml', '--file', 'q.yml'], { cwd }),
    ]);

    expect(flag).toEqual({ code: 0, stdout: 'valid: p.yml, 1 policy (nightly)\n', stderr: '' });
    expect(argument).toEqual(flag);
    expect(same).toEqual(flag);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('two policy files given ("p.yml" and --file "q.yml"): give one');
  });

  it('warns loudly when config/deploy.yml pages nobody, keeps exit 0, and fails on unusable settings', async () => {
    const nobody = tempDir({ 'p.yml': POLICY });
    mkdirSync(join(nobody, 'config'));
    writeFileSync(join(nobody, 'config', 'deploy.yml'), 'version: 1\nalerts:\n  email: []\n');
    const paged = tempDir({
      'p.yml': POLICY,
      'deploy.yml': 'version: 1\nalerts:\n  email: [oncall@example.com]\n',
    });
    const broken = tempDir({ 'p.yml': POLICY, 'deploy.yml': 'version: 1\nalerts:\n  emial: []\n' });

    const warned = await run(['validate', 'p.yml', '--json'], { cwd: nobody });
    const text = await run(['validate', 'p.yml'], { cwd: nobody });
    const quiet = await run(['validate', 'p.yml'], {
      cwd: paged,
      env: { DEPLOY_SETTINGS_FILE: 'deploy.yml' },
    });
    const invalid = await run(['validate', 'p.yml'], {
      cwd: broken,
      env: { DEPLOY_SETTINGS_FILE: 'deploy.yml' },
    });

    expect(warned.code).toBe(0);
    expect(JSON.parse(warned.stdout).deploy).toMatchObject({
      file: 'config/deploy.yml',
      error: null,
      problems: [{ kind: 'no-subscribers', stage: '*', path: 'alerts', allowed: false }],
    });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('!!! docdb-backup: NO ONE WOULD BE PAGED');
    expect(quiet).toEqual({ code: 0, stdout: 'valid: p.yml, 1 policy (nightly)\n', stderr: '' });
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toMatch(
      /^valid: p\.yml, 1 policy \(nightly\)\ninvalid: deploy\.yml\n {2}deploy\.yml {2}alerts/,
    );
  });
});

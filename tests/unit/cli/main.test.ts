// Seam: cli/main.ts `runCli` in-process: help for the top level and every command, unknown
// commands and flags, and how unexpected errors are shown (no stack trace unless --debug).
import { describe, expect, it } from 'vitest';
import { sdkAws } from '../../../cli/aws.js';
import { COMMANDS } from '../../../cli/main.js';
import { run, tempDir } from './support.js';

describe('docdb-backup', () => {
  it('prints the top-level help on --help (exit 0), and on stderr without a command (exit 2)', async () => {
    const help = await run(['--help']);
    const none = await run([]);

    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: docdb-backup <command> \[options\]\n/);
    const width = Math.max(...COMMANDS.map((c) => c.name.length));
    for (const command of COMMANDS)
      expect(help.stdout).toContain(`  ${command.name.padEnd(width)}  ${command.summary}\n`);
    expect(COMMANDS.map((c) => c.name)).toEqual([
      'validate',
      'plan',
      'run',
      'reconcile',
      'status',
      'target-role',
    ]);
    expect(none).toMatchObject({ code: 2, stdout: '' });
    expect(none.stderr).toBe(help.stdout);
  });

  it("prints each command's help with --help, -h or help <command>", async () => {
    for (const command of COMMANDS) {
      const [long, short, word] = await Promise.all([
        run([command.name, '--help']),
        run([command.name, '-h']),
        run(['help', command.name]),
      ]);
      expect(long).toEqual({ code: 0, stdout: `${command.help}\n`, stderr: '' });
      expect(short.stdout).toBe(long.stdout);
      expect(word.stdout).toBe(long.stdout);
      expect(command.help).toMatch(new RegExp(`^Usage: docdb-backup ${command.name}`));
      expect(command.help).toContain('Exit codes:');
    }
  });

  it('suggests the command meant, and refuses options before the command', async () => {
    const typo = await run(['stauts']);
    const option = await run(['--json', 'plan']);

    expect(typo).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'docdb-backup: unknown command "stauts": did you mean "status"?\nRun "docdb-backup --help" for usage.\n',
    });
    expect(option.stderr).toContain('unknown option --json (options go after the command)');
  });

  it('shows an unexpected error as one line, and its stack only with --debug', async () => {
    const broken = () => ({
      ...sdkAws(),
      credentials: async (): Promise<never> => {
        throw new TypeError('something broke');
      },
    });

    const quiet = await run(['status', '--json'], { aws: broken });
    const debug = await run(['status', '--debug'], { aws: broken });

    expect(quiet).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'docdb-backup status: TypeError: something broke\nRun again with --debug for the stack trace.\n',
    });
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(
      /^docdb-backup status: TypeError: something broke\nTypeError: something broke\n {4}at /,
    );
  });

  it('refuses an invalid policy file for plan, run and status with exit 2, listing every problem', async () => {
    const cwd = tempDir({ 'policies.yml': 'version: 2\npolicies: []\n' });

    const outcomes = await Promise.all(
      ['plan', 'run', 'status'].map((command) =>
        run([command, '--policy', 'x', '--file', 'policies.yml'], { cwd }),
      ),
    );

    for (const [index, command] of ['plan', 'run', 'status'].entries()) {
      expect(outcomes[index]).toEqual({
        code: 2,
        stdout: '',
        stderr:
          `docdb-backup ${command}: policies.yml is not a valid policy file (run: docdb-backup validate policies.yml)\n` +
          '  policies.yml:1:10  -  version  expected version 1 (the only policy file format so far), found 2\n' +
          '  policies.yml:2:11  -  policies  expected at least one policy, found an empty list\n',
      });
    }
  });

  it('prints its version', async () => {
    expect((await run(['--version'])).stdout).toBe('docdb-backup 0.1.0\n');
  });
});

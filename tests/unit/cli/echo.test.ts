// Seam: cli/ `runCli` in-process: what the CLI repeats back from its arguments in an error
// (commands, flags, policy names, times) is at most 80 characters and cannot carry terminal escapes.
import { describe, expect, it } from 'vitest';
import { run } from './support.js';

const LONG = 'x'.repeat(5000);
/** The first line of stderr: the error itself, before the help hint. */
const errorLine = (stderr: string) => stderr.split('\n')[0] ?? '';

describe('errors that repeat what was typed', () => {
  it('cap an unknown command at 80 characters, marking the cut', async () => {
    const outcome = await run([LONG]);

    expect(outcome.code).toBe(2);
    expect(errorLine(outcome.stderr)).toBe(`docdb-backup: unknown command "${'x'.repeat(79)}…"`);
  });

  it('cap an unknown option and an unexpected argument', async () => {
    const option = await run(['validate', `--${LONG}`]);
    const argument = await run(['validate', 'config/policies.yml', LONG]);

    expect(option.code).toBe(2);
    expect(errorLine(option.stderr)).toBe(`docdb-backup validate: unknown option --${'x'.repeat(77)}…`);
    expect(argument.code).toBe(2);
    expect(errorLine(argument.stderr)).toBe(
      `docdb-backup validate: unexpected argument "${'x'.repeat(79)}…"`,
    );
  });

  it('cap an unknown policy name and still list the policies the file defines', async () => {
    const outcome = await run(['plan', '--policy', LONG]);

    expect(outcome.code).toBe(2);
    expect(errorLine(outcome.stderr)).toMatch(
      /^docdb-backup plan: unknown policy "x{79}…"; config\/policies.yml defines: nightly-prod, /,
    );
  });

  it('cap a time flag and escape the terminal control characters in it', async () => {
    const long = await run(['plan', '--at', LONG]);
    const escaped = await run(['plan', '--at', '\u001b[2J\u001b[31mnow-ish\r']);

    expect(errorLine(long.stderr)).toMatch(/found "x{79}…"$/);
    expect(escaped.stderr).not.toContain('\u001b');
    expect(escaped.stderr).not.toContain('\r');
    expect(errorLine(escaped.stderr)).toContain('found "\\u001b[2J\\u001b[31mnow-ish\\u000d"');
  });
});

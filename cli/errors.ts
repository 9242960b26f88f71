/**
 * Typed errors of the operator CLI. Each carries the exit code it ends the process with, so `main.ts`
 * needs no knowledge of which command threw.
 */

/**
 * Exit codes, one rule for every command: 0 done and all well, 1 done but something needs a person, 2 the
 * command could not run, 130 interrupted (Ctrl-C).
 */
export const EXIT = { ok: 0, attention: 1, unusable: 2, interrupted: 130 } as const;

/** The rule as the top-level help states it (cli/README.md says the same). */
export const EXIT_CODES_HELP = `Exit codes (every command): 0 all well; 1 it ran and something needs attention (invalid
file, a cluster not backed up or overdue, a plan line that would fail); 2 it could not run (bad
flags, unreadable or invalid policy file, unknown policy, missing environment variable, no AWS
credentials, AWS not reachable or refusing them); 130 interrupted (Ctrl-C).`;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * The invocation cannot be used: bad flags, an unreadable or invalid policy file, an unknown policy, a
 * missing environment variable, no AWS credentials. Exit code 2; `command` selects the help hint.
 * Example: `throw new UsageError('--policy is required', { command: 'run' })`
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly command: string | undefined;
  /** Extra lines printed after the message (e.g. one per policy problem). */
  readonly details: string[];
  /** False when the help hint would not help (the flags were fine, the environment was not). */
  readonly showHelpHint: boolean;

  constructor(
    message: string,
    options: { command?: string; details?: string[]; showHelpHint?: boolean; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.command = options.command;
    this.details = options.details ?? [];
    this.showHelpHint = options.showHelpHint ?? true;
  }
}

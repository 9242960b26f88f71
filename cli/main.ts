/**
 * The operator CLI's entry: `docdb-backup <command> [flags]`. Dispatches to a command, turns its errors
 * into messages and exit codes (no stack traces unless `--debug`) and closes the AWS clients it used.
 *
 * Exit codes (every command): 0 all well; 1 it ran and something needs a person (invalid file, a cluster
 * not backed up or overdue, a plan line that would fail); 2 it could not run (bad flags, unreadable or
 * invalid policy file, unknown policy, missing environment variable or credentials, unexpected error).
 */

import { clip, closest } from '../shared/policy/text.js';
import { type CliAws, sdkAws } from './aws.js';
import { planCommand } from './commands/plan.js';
import { reconcileCommand } from './commands/reconcile.js';
import { runCommand } from './commands/run.js';
import { statusCommand } from './commands/status.js';
import { validateCommand } from './commands/validate.js';
import { type Command, type CommandContext, debugLog, stylesFor } from './context.js';
import { EXIT, UsageError } from './errors.js';
import type { CliIo } from './io.js';

export const COMMANDS: readonly Command[] = [
  validateCommand,
  planCommand,
  runCommand,
  reconcileCommand,
  statusCommand,
];

const VERSION = '0.1.0';

function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Usage: docdb-backup <command> [options]

Operate docdb-backup: check policies before deploying, see what the next run will do, take a
backup now with the same engine and records as the scheduled function, carry its backup jobs
forward as the reconcile function does, and check that every cluster is protected.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Options:
  -h, --help     show help (also: docdb-backup <command> --help)
  --version      show the version
  --debug        show stack traces and the engine's log lines on stderr
  --no-color     plain text even on a terminal (NO_COLOR is respected too)

Exit codes: 0 all well, 1 something needs attention, 2 the command could not run.
AWS access uses the SDK's usual settings: AWS_PROFILE or keys, AWS_REGION, AWS_ENDPOINT_URL.`;
}

/** Overrides for tests: AWS implementations other than the SDK's. */
export interface CliOptions {
  aws?: () => CliAws;
}

function describe(error: unknown): string {
  if (error instanceof Error)
    return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
  return String(error);
}

function stackOf(error: unknown): string {
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    lines.push(
      depth === 0 ? '' : 'Caused by:',
      current instanceof Error ? (current.stack ?? describe(current)) : String(current),
    );
    current = current instanceof Error ? current.cause : undefined;
  }
  return lines.filter((l) => l !== '').join('\n');
}

/**
 * Runs one invocation and returns its exit code; writes only through `io`.
 * Example: `process.exitCode = await runCli(['validate', 'config/policies.yml'], processIo())`
 */
export async function runCli(argv: readonly string[], io: CliIo, options: CliOptions = {}): Promise<number> {
  const beforeDashes = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  const debug = beforeDashes.includes('--debug');
  const styles = stylesFor(io, beforeDashes.includes('--no-color'));
  const [name, ...rest] = argv;
  let aws: CliAws | undefined;
  const ctx: CommandContext = {
    io,
    aws: () => {
      aws ??= (options.aws ?? sdkAws)();
      return aws;
    },
    ...styles,
    debug,
    log: debugLog(io, debug),
  };
  const fail = (prefix: string, error: UsageError): number => {
    io.stderr.write(`${prefix}: ${error.message}\n`);
    for (const line of error.details) io.stderr.write(`  ${line}\n`);
    if (error.showHelpHint) {
      const help = error.command ? `docdb-backup ${error.command} --help` : 'docdb-backup --help';
      io.stderr.write(`Run "${help}" for usage.\n`);
    }
    if (debug) io.stderr.write(`${stackOf(error)}\n`);
    return EXIT.unusable;
  };

  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const target = name === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    if (name === undefined) {
      io.stderr.write(`${topHelp()}\n`);
      return EXIT.unusable;
    }
    io.stdout.write(`${target ? target.help : topHelp()}\n`);
    return EXIT.ok;
  }
  if (name === '--version') {
    io.stdout.write(`docdb-backup ${VERSION}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    const suggestion = name.startsWith('-')
      ? undefined
      : closest(
          name,
          COMMANDS.map((c) => c.name),
        );
    const what = name.startsWith('-')
      ? `unknown option ${clip(name)} (options go after the command)`
      : `unknown command "${clip(name)}"`;
    return fail(
      'docdb-backup',
      new UsageError(`${what}${suggestion ? `; did you mean "${suggestion}"?` : ''}`),
    );
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.help}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(rest, ctx);
  } catch (error) {
    if (error instanceof UsageError) return fail(`docdb-backup ${command.name}`, error);
    io.stderr.write(`docdb-backup ${command.name}: ${describe(error)}\n`);
    io.stderr.write(debug ? `${stackOf(error)}\n` : 'Run again with --debug for the stack trace.\n');
    return EXIT.unusable;
  } finally {
    aws?.destroy();
  }
}

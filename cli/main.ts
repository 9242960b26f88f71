/**
 * The operator CLI's entry: `docdb-backup <command> [flags]`. Dispatches to a command, turns its errors
 * into messages and exit codes (no stack traces unless `--debug`) and closes the AWS clients it used.
 *
 * Exit codes (every command, one rule: EXIT_CODES_HELP): 0 all well; 1 it ran and something needs a
 * person; 2 it could not run (bad flags, unreadable or invalid policy file, unknown policy, missing
 * environment variable, no usable AWS, unexpected error); 130 interrupted.
 */

import { clip, closest } from '../shared/policy/text.js';
import type { CliAws } from './aws.js';
import { awsSettingOf, describeFailure, explainAwsError } from './aws-errors.js';
import {
  type CommandInfo,
  PLAN_INFO,
  RECONCILE_INFO,
  RUN_INFO,
  STATUS_INFO,
  TARGET_ROLE_INFO,
  VALIDATE_INFO,
} from './commands/help.js';
import { type Command, type CommandContext, debugLog, stylesFor } from './context.js';
import { EXIT, EXIT_CODES_HELP, UsageError } from './errors.js';
import type { CliIo } from './io.js';

/**
 * A command whose code is loaded when it runs: `--help` and the command list read only its `CommandInfo`,
 * so they start without the AWS SDK or the policy parser.
 */
function lazy(info: CommandInfo, load: () => Promise<Command>): Command {
  return { ...info, run: async (args, ctx) => (await load()).run(args, ctx) };
}

export const COMMANDS: readonly Command[] = [
  lazy(VALIDATE_INFO, async () => (await import('./commands/validate.js')).validateCommand),
  lazy(PLAN_INFO, async () => (await import('./commands/plan.js')).planCommand),
  lazy(RUN_INFO, async () => (await import('./commands/run.js')).runCommand),
  lazy(RECONCILE_INFO, async () => (await import('./commands/reconcile.js')).reconcileCommand),
  lazy(STATUS_INFO, async () => (await import('./commands/status.js')).statusCommand),
  lazy(TARGET_ROLE_INFO, async () => (await import('./commands/target-role.js')).targetRoleCommand),
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

${EXIT_CODES_HELP}
AWS access uses the SDK's usual settings: AWS_PROFILE or keys, AWS_REGION, AWS_ENDPOINT_URL.`;
}

/** Overrides for tests: AWS implementations other than the SDK's. */
export interface CliOptions {
  aws?: () => CliAws;
}

function stackOf(error: unknown): string {
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    lines.push(
      depth === 0 ? '' : 'Caused by:',
      current instanceof Error ? (current.stack ?? String(current)) : String(current),
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
  // The SDK is loaded only for a command that runs (not for --help): ctx.aws() stays synchronous.
  let makeAws: (() => CliAws) | undefined = options.aws;
  const ctx: CommandContext = {
    io,
    aws: () => {
      if (!makeAws) throw new Error('AWS is not loaded yet');
      aws ??= makeAws();
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
      new UsageError(`${what}${suggestion ? `: did you mean "${suggestion}"?` : ''}`),
    );
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.help}\n`);
    return EXIT.ok;
  }
  try {
    makeAws ??= (await import('./aws.js')).sdkAws;
    return await command.run(rest, ctx);
  } catch (error) {
    if (error instanceof UsageError) return fail(`docdb-backup ${command.name}`, error);
    const explained = explainAwsError(error, awsSettingOf(io.env));
    // An AWS failure explained is the whole story; anything else may be a bug worth its stack trace.
    io.stderr.write(`docdb-backup ${command.name}: ${describeFailure(error, awsSettingOf(io.env))}\n`);
    if (debug) io.stderr.write(`${stackOf(error)}\n`);
    else if (!explained) io.stderr.write('Run again with --debug for the stack trace.\n');
    return EXIT.unusable;
  } finally {
    aws?.destroy();
  }
}

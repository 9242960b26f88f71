/**
 * The function's environment as the commands that act like a function read it (`run`, `reconcile`):
 * `readBackupEnv`, with its problems turned into an exit-2 message that says where the values come from.
 */
import { type BackupEnv, EnvError, readBackupEnv } from '../shared/env.js';
import type { CommandContext } from './context.js';
import { UsageError } from './errors.js';

/**
 * Reads ALERT_TOPIC_ARN, RESULTS_TABLE, … or throws a `UsageError` listing each problem after `why`.
 * Example: `readFunctionEnv(ctx, 'run', "a run records its results …, so it needs the function's environment:", 'or use --dry-run')`
 */
export function readFunctionEnv(
  ctx: CommandContext,
  command: string,
  why: string,
  alternative = '',
): BackupEnv {
  try {
    return readBackupEnv(ctx.io.env, ctx.io.cwd);
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    const problems = error.message
      .split('\n')
      .slice(1)
      .map((line) => line.replace(/^- /, ''));
    throw new UsageError(why, {
      command,
      details: [
        ...problems,
        `take the values from the deployed stack's outputs (AlertTopicArn, ResultsTableName)${alternative}`,
      ],
      showHelpHint: false,
      cause: error,
    });
  }
}

/**
 * `npm run package` and `npm run deploy`: `serverless package|deploy` behind guards, so a mistake fails
 * fast with its own message instead of hanging (serverless-esbuild hangs on a build error) or deploying
 * a stack that pages nobody. In order, each step bounded in time:
 *
 * 1. the policy file and deployment settings, through the generator the package step runs
 *    (deploy/entry.ts `generateStack`: the same validation, the same CloudFormation checks);
 * 2. who would be paged (deploy/subscribers.ts): printed loudly; `deploy` stops when nobody would be,
 *    unless config/deploy.yml says `allowNone: true` or `--allow-no-subscribers` is given;
 * 3. the esbuild build of every function (deploy/build.ts), in seconds, with esbuild's message;
 * 4. `tsc --noEmit`;
 * 5. `serverless <command>` with every other argument passed through, stopped after `--timeout-minutes`
 *    (default 10 for package, 60 for deploy) with its whole process group.
 *
 * Usage: `tsx deploy/deploy.ts <package|deploy> [--allow-no-subscribers] [--timeout-minutes N] [serverless options]`
 * Exit status: 0 done, 1 a check or serverless failed, 124 a step did not finish in time.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BuildError, buildFunctions, readServiceBuild } from './build.js';
import { ALLOW_NO_SUBSCRIBERS_VARIABLE, deployRefusal, generateStack } from './entry.js';
import { formatSubscriberWarnings } from './subscribers.js';

/** What the command line asks for. */
export interface GuardedRun {
  command: 'package' | 'deploy';
  /** `--allow-no-subscribers`: deploy even when nobody would be paged. */
  allowNoSubscribers: boolean;
  /** How long `serverless` may run. */
  timeoutMinutes: number;
  /** `--stage`/`-s`, when given. */
  stage?: string;
  /** Everything else, passed to `serverless` as given. */
  serverlessArgs: string[];
}

/** The command line is unusable; the message says why. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const DEFAULT_TIMEOUT_MINUTES = { package: 10, deploy: 60 } as const;
const TYPECHECK_TIMEOUT_MS = 300_000;
const EXIT_TIMEOUT = 124;

/**
 * Parses `<package|deploy> [options]`: the guard's own options are taken out, the rest is for serverless.
 * @example parseArguments(['deploy', '--stage', 'prod', '--allow-no-subscribers']) // { command: 'deploy', stage: 'prod', allowNoSubscribers: true, timeoutMinutes: 60, serverlessArgs: ['--stage', 'prod'] }
 */
export function parseArguments(argv: readonly string[]): GuardedRun {
  const [command, ...rest] = argv;
  if (command !== 'package' && command !== 'deploy')
    throw new UsageError(`expected "package" or "deploy" first, found ${JSON.stringify(command ?? '')}`);
  let allowNoSubscribers = false;
  let timeoutMinutes: number = DEFAULT_TIMEOUT_MINUTES[command];
  let stage: string | undefined;
  const serverlessArgs: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s) : [arg];
    if (flag === '--allow-no-subscribers') {
      allowNoSubscribers = true;
      continue;
    }
    if (flag === '--timeout-minutes') {
      const value = inline ?? rest[++i];
      const minutes = Number(value);
      if (!(minutes > 0))
        throw new UsageError(`--timeout-minutes expects a positive number, found "${value}"`);
      timeoutMinutes = minutes;
      continue;
    }
    serverlessArgs.push(arg);
    if (flag === '--stage' || flag === '-s') {
      stage = inline ?? rest[i + 1];
      if (inline === undefined && rest[i + 1] !== undefined) serverlessArgs.push(rest[++i]!);
    }
  }
  return { command, allowNoSubscribers, timeoutMinutes, serverlessArgs, ...(stage ? { stage } : {}) };
}

/** A step's failure: what to print, and the exit status. */
class StepFailed extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * Runs a program in its own process group, output passed through, stopped with its whole group (TERM,
 * then KILL 10 s later) after `timeoutMs`. Resolves with its exit status, `124` when it was stopped.
 */
export function runBounded(
  program: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<number> {
  return new Promise((done, fail) => {
    const child = spawn(program, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: 'inherit',
      detached: true,
    });
    let stopped = false;
    const kill = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      stopped = true;
      kill('SIGTERM');
      setTimeout(() => kill('SIGKILL'), 10_000).unref();
    }, options.timeoutMs);
    // Ctrl-C on the guard stops the group it started too.
    const forward = () => kill('SIGINT');
    process.once('SIGINT', forward);
    child.on('error', (error) => {
      clearTimeout(timer);
      fail(error);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      process.off('SIGINT', forward);
      done(stopped ? EXIT_TIMEOUT : (code ?? (signal ? 1 : 0)));
    });
  });
}

function say(line: string): void {
  process.stderr.write(`docdb-backup ${line}\n`);
}

/**
 * The guarded package or deploy of the service in `serviceDir`. Resolves with the exit status.
 * @example process.exitCode = await guardedRun(parseArguments(['package', '--stage', 'prod']), '/work/main')
 */
export async function guardedRun(
  run: GuardedRun,
  serviceDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const require = createRequire(join(serviceDir, 'package.json'));
  const childEnv: NodeJS.ProcessEnv = {
    ...env,
    DOCDB_BACKUP_GUARDED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...(run.allowNoSubscribers ? { [ALLOW_NO_SUBSCRIBERS_VARIABLE]: 'true' } : {}),
  };
  try {
    const service = await readServiceBuild(serviceDir);
    const stage = run.stage ?? service.defaultStage;

    say(`[1/5] policies and deploy settings (stage ${stage})`);
    const stack = await generateStack({ serviceDir, service: service.service, stage, env });

    say('[2/5] alert subscribers');
    const warnings = formatSubscriberWarnings(stack.subscriberProblems);
    if (warnings) process.stderr.write(`\n${warnings}\n\n`);
    if (run.command === 'deploy') {
      const refusal = deployRefusal(stack.subscriberProblems, childEnv);
      if (refusal) throw new StepFailed(refusal, 1);
    }

    say('[3/5] esbuild build of the functions');
    const sizes = await buildFunctions(serviceDir);
    say(
      `      ${Object.entries(sizes)
        .map(([name, bytes]) => `${name} ${Math.round(bytes / 1024)} KiB`)
        .join(', ')}`,
    );

    say('[4/5] tsc --noEmit');
    const tsc = await runBounded(
      process.execPath,
      [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', serviceDir],
      { cwd: serviceDir, env: childEnv, timeoutMs: TYPECHECK_TIMEOUT_MS },
    );
    if (tsc === EXIT_TIMEOUT) throw new StepFailed('tsc --noEmit did not finish in time', EXIT_TIMEOUT);
    if (tsc !== 0) throw new StepFailed('tsc --noEmit found errors (above)', 1);

    say(
      `[5/5] serverless ${run.command} ${run.serverlessArgs.join(' ')} (at most ${run.timeoutMinutes} min)`,
    );
    const status = await runBounded(
      process.execPath,
      [require.resolve('osls/bin/serverless.js'), run.command, ...run.serverlessArgs],
      { cwd: serviceDir, env: childEnv, timeoutMs: run.timeoutMinutes * 60_000 },
    );
    if (status === EXIT_TIMEOUT)
      throw new StepFailed(
        `serverless ${run.command} did not finish in ${run.timeoutMinutes} min and was stopped ` +
          '(raise --timeout-minutes for a slow CloudFormation update; check the stack’s events)',
        EXIT_TIMEOUT,
      );
    if (status !== 0) throw new StepFailed(`serverless ${run.command} failed (exit ${status})`, status);
    return 0;
  } catch (error) {
    if (error instanceof StepFailed) {
      say(`stopped: ${error.message}`);
      return error.status;
    }
    const failure = error as Error;
    const known = [
      'PolicyValidationError',
      'PolicyFileReadError',
      'DeploySettingsError',
      'DeployConfigError',
    ];
    if (error instanceof BuildError || known.includes(failure.name)) {
      say(`stopped: ${failure.name}:\n${failure.message}`);
      return failure instanceof BuildError && /did not finish/.test(failure.message) ? EXIT_TIMEOUT : 1;
    }
    throw error;
  }
}

const SERVICE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let run: GuardedRun;
  try {
    run = parseArguments(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    say(
      `${error.message}\nusage: tsx deploy/deploy.ts <package|deploy> [--allow-no-subscribers] [--timeout-minutes N] [serverless options]`,
    );
    process.exit(2);
  }
  // The esbuild service and timers must not keep a finished run alive.
  process.exit(await guardedRun(run, SERVICE_DIR));
}

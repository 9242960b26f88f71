/**
 * `npm run local`: the emulator on its own, ready for the operator CLI in another terminal. It starts seeded
 * with the demo fleet (local/demo-fleet.json; `--seed file.json` for another, `--empty` for none), creates
 * the service's alert topic and results table as a deploy would (local/service.ts), and prints the
 * `export …` lines that point `npx docdb-backup plan | run | status | reconcile` at it, the policy file
 * (`DOCDB_BACKUP_POLICIES`, local/demo-policies.yml unless `--policies`) included. Stops on SIGINT/SIGTERM.
 *
 * Exit codes: 0 stopped by a signal; 2 it could not start (bad flag or file, port in use).
 */

import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { POLICIES_FILE_VARIABLE } from '../shared/files.js';
import { DEFAULT_PORT, type Emulator, type EmulatorOptions, startEmulator } from './emulator.js';
import { EmulatorConfigError } from './errors.js';
import { provisionService } from './service.js';

const here = dirname(fileURLToPath(import.meta.url));
/** What `npm run local` starts with unless told otherwise. */
export const DEMO_FLEET_FILE = join(here, 'demo-fleet.json');
/** The policies that select the demo fleet's clusters (the ones `npm start` runs). */
export const DEMO_POLICIES_FILE = join(here, 'demo-policies.yml');
/** The variable that names the port when `--port` is not given. */
export const PORT_VARIABLE = 'EMULATOR_PORT';

const USAGE = `Usage: npm run local -- [--port N] [--seed fleet.json | --empty] [--policies file.yml]
                        [--faults faults.json] [--snapshot-available-after-ms MS]

  --port N          listen on 127.0.0.1:N (default ${DEFAULT_PORT}, or $${PORT_VARIABLE}; 0 = any free port)
  --seed F          start with the fleet in F (FleetSeed, local/config.ts) instead of the demo fleet
  --empty           start with no clusters at all
  --policies F      the policy file to export as ${POLICIES_FILE_VARIABLE} (default: local/demo-policies.yml)
  --faults F        start with the faults in F (FaultConfig, local/config.ts)
  --snapshot-available-after-ms MS   how long a new snapshot stays "creating" (default 0)`;

/** What the command line asks for, checked. */
export interface ServeOptions {
  emulator: EmulatorOptions;
  /** Where the start fleet came from, for the banner: a file, or none. */
  seedFile: string | undefined;
  /** Absolute path of the policy file the CLI is pointed at. */
  policiesFile: string;
  help: boolean;
}

/** A flag or file `npm run local` cannot use: one line, exit 2. */
class ServeUsageError extends Error {
  override readonly name = 'ServeUsageError';
}

/**
 * Reads the command line and environment; reads the seed and faults files.
 * Example: `(await serveOptions(['--empty'], {})).emulator.seed` → `undefined`
 */
export async function serveOptions(argv: string[], env: NodeJS.ProcessEnv): Promise<ServeOptions> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        seed: { type: 'string' },
        empty: { type: 'boolean' },
        policies: { type: 'string' },
        faults: { type: 'string' },
        'snapshot-available-after-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new ServeUsageError(`${(error as Error).message} (see: npm run local -- --help)`, {
      cause: error,
    });
  }
  const text = (name: string): string | undefined => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };
  const seedFlag = text('seed');
  if (seedFlag !== undefined && values.empty)
    throw new ServeUsageError('--seed and --empty exclude each other: start with a fleet or with none');
  const seedFile = values.empty ? undefined : resolve(seedFlag ?? DEMO_FLEET_FILE);
  const options: EmulatorOptions = {
    port: integer(`--port / ${PORT_VARIABLE}`, text('port') ?? env[PORT_VARIABLE]) ?? DEFAULT_PORT,
  };
  const delay = integer('--snapshot-available-after-ms', text('snapshot-available-after-ms'));
  if (delay !== undefined) options.snapshotAvailableAfterMs = delay;
  if (seedFile) options.seed = await readJson(seedFile);
  const faults = text('faults');
  if (faults) options.faults = await readJson(faults);
  return {
    emulator: options,
    seedFile,
    policiesFile: resolve(text('policies') ?? DEMO_POLICIES_FILE),
    help: values.help === true,
  };
}

function integer(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65_535)
    throw new ServeUsageError(`${name}: expected a port number from 0 to 65535, got "${raw}"`);
  return value;
}

async function readJson<T>(path: string): Promise<T> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    throw new ServeUsageError(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * `export NAME=value` lines for a POSIX shell, values single-quoted when they need it.
 * Example: `exportLines({ AWS_REGION: 'us-east-1' })` → `['export AWS_REGION=us-east-1']`
 */
export function exportLines(env: Record<string, string>): string[] {
  const quote = (value: string) =>
    /^[A-Za-z0-9_@%+=:,./-]*$/.test(value) && value !== '' ? value : `'${value.replaceAll("'", `'\\''`)}'`;
  return Object.entries(env).map(([name, value]) => `export ${name}=${quote(value)}`);
}

/** One line on what the emulator holds: clusters per Region of the default account. */
function fleetLine(emulator: Emulator, seedFile: string | undefined): string {
  if (!seedFile) return 'no clusters (--empty): add some with POST /_emulator/seed';
  const state = emulator.state();
  const regions = state.accounts[state.settings.accountId]?.regions ?? {};
  const counts = Object.entries(regions)
    .filter(([, view]) => view.clusters.length > 0)
    .map(([region, view]) => `${view.clusters.length} in ${region}`);
  const others = Object.keys(state.accounts).filter((account) => account !== state.settings.accountId);
  const accounts = others.length ? `; other accounts (copy destinations): ${others.join(', ')}` : '';
  return `clusters from ${seedFile}: ${counts.join(', ') || 'none'}${accounts}`;
}

/** The emulator's port could not be opened: says which port and what to do instead. */
function listenProblem(error: unknown, port: number): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const fix = `start it on another with --port N or ${PORT_VARIABLE}=N (0 = any free port)`;
  if (code === 'EADDRINUSE') return `port ${port} is in use (another npm run local or emulator?); ${fix}`;
  if (code === 'EACCES') return `not allowed to listen on port ${port}; ${fix}`;
  return undefined;
}

async function main(): Promise<number> {
  const options = await serveOptions(process.argv.slice(2), process.env);
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  let emulator: Emulator;
  try {
    emulator = await startEmulator(options.emulator);
  } catch (error) {
    const problem = listenProblem(error, options.emulator.port ?? DEFAULT_PORT);
    if (problem) throw new ServeUsageError(problem, { cause: error });
    throw error;
  }
  let service: Awaited<ReturnType<typeof provisionService>>;
  try {
    service = await provisionService(emulator);
  } catch (error) {
    await emulator.stop();
    throw error;
  }
  // A reset (POST /_emulator/reset) forgets every resource: bring the topic and table back with the seed.
  const reset = emulator.reset.bind(emulator);
  emulator.reset = async (resetOptions) => {
    await reset(resetOptions);
    await provisionService(emulator);
  };
  const { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: quiet = 'true', ...variables } = service.env;
  const env: Record<string, string> = {
    ...variables,
    [POLICIES_FILE_VARIABLE]: options.policiesFile,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: quiet,
  };
  const demo = options.policiesFile === DEMO_POLICIES_FILE;
  console.log(
    [
      `AWS emulator listening on ${emulator.url}`,
      `  ${fleetLine(emulator, options.seedFile)}`,
      `  SNS topic ${service.topicArn}, DynamoDB table ${service.table}, EventBridge bus default (${env.AWS_REGION})`,
      '',
      'In another terminal, export these, then run the operator CLI against the emulator:',
      '',
      ...exportLines(env),
      '',
      ...(demo
        ? [
            '  npx docdb-backup plan --policy nightly-prod',
            '  npx docdb-backup run --policy nightly-prod',
            '  npx docdb-backup status',
            '  npx docdb-backup reconcile',
          ]
        : ['  npx docdb-backup plan   (run, status, reconcile)']),
      '',
      `Control: GET ${emulator.url}/_emulator/state, POST /_emulator/{reset,seed,faults,clock,delete-snapshot}. Ctrl-C stops.`,
    ].join('\n'),
  );
  return new Promise<number>((settle) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) return;
      stopping = true;
      console.log(`${signal}: stopping`);
      emulator.stop().then(
        () => settle(0),
        (error: unknown) => {
          console.error(error);
          settle(1);
        },
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ServeUsageError || error instanceof EmulatorConfigError) {
      console.error(`npm run local: ${error.message}`);
      process.exitCode = 2;
      return;
    }
    console.error(error);
    process.exitCode = 1;
  },
);

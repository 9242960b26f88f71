/**
 * Runs the emulator on its own: `npm run local -- [--port 4566] [--seed fleet.json] [--faults faults.json]
 * [--snapshot-available-after-ms 5000]`. The port may also come from EMULATOR_PORT. Prints the URL and
 * the environment to export, and stops cleanly on SIGINT/SIGTERM.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DEFAULT_PORT, type EmulatorOptions, startEmulator } from './emulator.js';
import { EmulatorConfigError } from './errors.js';

/** Emulator options from the command line and environment. */
async function optionsFrom(argv: string[], env: NodeJS.ProcessEnv): Promise<EmulatorOptions> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      seed: { type: 'string' },
      faults: { type: 'string' },
      'snapshot-available-after-ms': { type: 'string' },
    },
    strict: true,
  });
  const options: EmulatorOptions = {
    port: integer('--port / EMULATOR_PORT', values.port ?? env.EMULATOR_PORT) ?? DEFAULT_PORT,
  };
  const delay = integer('--snapshot-available-after-ms', values['snapshot-available-after-ms']);
  if (delay !== undefined) options.snapshotAvailableAfterMs = delay;
  if (values.seed) options.seed = await readJson(values.seed);
  if (values.faults) options.faults = await readJson(values.faults);
  return options;
}

function integer(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new EmulatorConfigError(`${name}: expected an integer >= 0, got ${raw}`);
  return value;
}

async function readJson<T>(path: string): Promise<T> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    throw new EmulatorConfigError(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}

async function main(): Promise<void> {
  const emulator = await startEmulator(await optionsFrom(process.argv.slice(2), process.env));
  const exports = Object.entries(emulator.env()).map(([key, value]) => `export ${key}=${value}`);
  console.log(`AWS emulator listening on ${emulator.url}`);
  console.log(
    ['', ...exports, 'export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true', ''].join('\n'),
  );
  console.log(
    `Control: GET ${emulator.url}/_emulator/state, POST /_emulator/{reset,seed,faults,clock,delete-snapshot}. Ctrl-C stops.`,
  );
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    emulator.stop().then(
      () => {
        process.exitCode = 0;
      },
      (error: unknown) => {
        console.error(error);
        process.exitCode = 1;
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof EmulatorConfigError ? error.message : error);
  process.exitCode = 1;
});

/**
 * Harness for the operator CLI against the loopback emulator: the CLI runs in-process through `runCli`
 * (buffers for stdout/stderr, a chosen environment and time) or as a user runs it, a spawned
 * `node bin/docdb-backup.js` running the esbuild bundle (built once when stale). The SDK reads the endpoint and credentials from the process environment,
 * as it does for a person at a shell.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCli, bundleState } from '../../../bin/cli-bundle.js';
import { type CliAws, sdkAws } from '../../../cli/aws.js';
import { bufferedOutput, type CliIo } from '../../../cli/io.js';
import { runCli } from '../../../cli/main.js';
import { type Emulator, type FleetSeed, startEmulator } from '../../../local/emulator.js';
import { type ProvisionedService, provisionService } from '../../../local/service.js';
import { recordedItems } from '../../support/records.js';
import { tempFolder } from '../../support/temp-folders.js';

export const ROOT = join(import.meta.dirname, '..', '..', '..');
export const BIN = join(ROOT, 'bin', 'docdb-backup.js');

/** Ownership tags of the snapshot the service took for `policy` at `slot` (ISO, whole minute). */
export const ownedBy = (policy: string, slot: string) => ({
  'docdb-backup:managed-by': 'docdb-backup',
  'docdb-backup:policy': policy,
  'docdb-backup:scheduled-at': new Date(slot).toISOString(),
});

export interface CliWorld {
  emu: Emulator;
  service: ProvisionedService;
  /** Policy files of the test file (writePolicies); removed when the test file ends. */
  dir: string;
}

export async function startCliWorld(): Promise<CliWorld> {
  const emu = await startEmulator({ port: 0 });
  const service = await provisionService(emu);
  Object.assign(process.env, emu.env());
  return { emu, service, dir: tempFolder('cli') };
}

/** An empty emulator with the service's topic and table, then `fleet`. */
export async function resetCliWorld(world: CliWorld, fleet: FleetSeed): Promise<void> {
  await world.emu.reset();
  world.service = await provisionService(world.emu);
  world.emu.seed(fleet);
}

/** Writes a policy file into the world's directory and returns its path. */
export function writePolicies(world: CliWorld, yaml: string, name = 'policies.yml'): string {
  const file = join(world.dir, name);
  writeFileSync(file, yaml);
  return file;
}

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

export interface InProcessOptions {
  /** Added to the emulator's environment and the service's variables (undefined removes a variable). */
  env?: Record<string, string | undefined>;
  /** Leave out the service's ALERT_TOPIC_ARN / RESULTS_TABLE. */
  noServiceEnv?: boolean;
  tty?: boolean;
  now?: Date;
  aws?: () => CliAws;
}

/** Runs `docdb-backup <args>` in this process, with its output captured. */
export async function cli(
  world: CliWorld,
  args: string[],
  options: InProcessOptions = {},
): Promise<CliOutcome> {
  const stdout = bufferedOutput({ isTTY: options.tty ?? false, columns: 120 });
  const stderr = bufferedOutput({ isTTY: false });
  const env: NodeJS.ProcessEnv = {
    ...(options.noServiceEnv ? world.emu.env() : world.service.env),
    ...options.env,
  };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  const io: CliIo = {
    stdout,
    stderr,
    env,
    cwd: world.dir,
    now: () => options.now ?? new Date(),
    onInterrupt: () => () => {},
  };
  const code = await runCli(args, io, { aws: options.aws });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** AWS as the SDK sees it, except that no credentials are found. */
export function withoutCredentials(): CliAws {
  const aws = sdkAws();
  return {
    ...aws,
    credentials: async () => ({ ok: false, reason: 'Could not load credentials from any providers' }),
  };
}

let built: Promise<unknown> | undefined;

/**
 * The CLI bundle (dist/cli), built once per test process unless it is current: spawned CLIs run what
 * `npm ci` ships, not the sources through tsx.
 */
export function ensureCliBundle(): Promise<unknown> {
  built ??= bundleState() === 'fresh' ? Promise.resolve() : buildCli();
  return built;
}

/**
 * Runs the built CLI as a person does: `node bin/docdb-backup.js <args>` in `cwd`, with `env` only
 * (`DOCDB_BACKUP_CLI=bundle`: the bundle, never the tsx fallback).
 */
export async function spawnCli(args: string[], env: Record<string, string>, cwd = ROOT): Promise<CliOutcome> {
  await ensureCliBundle();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          DOCDB_BACKUP_CLI: 'bundle',
          ...env,
        },
        timeout: 30_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 99) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The results table's items (alert markers left out), sorted by key, as plain strings. */
export function recordedResults(world: CliWorld): Promise<Record<string, string>[]> {
  return recordedItems(world.emu, world.service.table);
}

/** Manual snapshot ids of the default account in `region`. */
export function manualSnapshotIds(world: CliWorld, region: string): string[] {
  const view = world.emu.state().accounts['123456789012']?.regions[region];
  return (view?.snapshots ?? [])
    .filter((s) => s.type === 'manual')
    .map((s) => s.id)
    .sort();
}

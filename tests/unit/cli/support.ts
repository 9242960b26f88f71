/**
 * Runs the CLI in-process with captured output, a chosen working directory, environment and time; no AWS
 * unless the test passes a `CliAws`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CliAws } from '../../../cli/aws.js';
import { bufferedOutput, type CliIo } from '../../../cli/io.js';
import { runCli } from '../../../cli/main.js';
import { tempFolder } from '../../support/temp-folders.js';

export const ROOT = join(import.meta.dirname, '..', '..', '..');

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  now?: Date;
  tty?: boolean;
  aws?: () => CliAws;
}

/** `docdb-backup <args>` in this process. */
export async function run(args: string[], options: RunOptions = {}): Promise<Outcome> {
  const stdout = bufferedOutput({ isTTY: options.tty ?? false });
  const stderr = bufferedOutput();
  const io: CliIo = {
    stdout,
    stderr,
    env: options.env ?? {},
    cwd: options.cwd ?? ROOT,
    now: () => options.now ?? new Date('2026-01-01T00:00:00Z'),
    onInterrupt: () => () => {},
  };
  const code = await runCli(args, io, { aws: options.aws });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** A temporary directory with the given files, removed when the test file ends. */
export function tempDir(files: Record<string, string> = {}): string {
  const dir = tempFolder('cli-unit');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

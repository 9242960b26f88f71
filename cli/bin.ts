/**
 * The process entry of `docdb-backup` (run by bin/docdb-backup.js): the real process in, an exit code out.
 */
import { processIo } from './io.js';
import { runCli } from './main.js';

/** Runs the CLI on this process's arguments and sets its exit code. */
export async function main(): Promise<void> {
  process.exitCode = await runCli(process.argv.slice(2), processIo());
}
